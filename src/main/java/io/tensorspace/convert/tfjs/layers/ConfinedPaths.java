package io.tensorspace.convert.tfjs.layers;

import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Resolves the weight paths of a model.json. They are relative to the model.json's folder and must
 * stay inside it: no absolute paths, no URLs, no {@code ..} segments (also percent-encoded, which a
 * browser would follow), and no symbolic link that leads outside. A model.json is input the user
 * may have downloaded; it must not make the build read, and publish, arbitrary files.
 */
public final class ConfinedPaths {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:.*", Pattern.DOTALL);

  private ConfinedPaths() {}

  /**
   * The file {@code entry} names, relative to {@code modelJson}'s folder.
   *
   * @throws ConversionException if the entry leaves that folder or names no regular file
   */
  public static Path resolve(Path modelJson, String entry) throws ConversionException {
    return resolve(modelJson, entry, "weight path",
        "Weight files must sit in the model.json's folder (or below it)");
  }

  /**
   * The file {@code entry} names, relative to {@code owner}'s folder, which it must not leave.
   *
   * @param what what the entry is, for messages ("weight path")
   * @param rule the sentence telling where such files must be
   */
  public static Path resolve(Path owner, String entry, String what, String rule)
      throws ConversionException {
    Path modelJson = owner;
    Path folder = modelJson.toAbsolutePath().normalize().getParent();
    String refusal = refusal(entry);
    if (refusal != null) {
      throw refused(modelJson, entry, refusal, what, rule);
    }
    Path resolved;
    try {
      resolved = folder.resolve(entry).normalize();
    } catch (InvalidPathException e) {
      throw refused(modelJson, entry, "it is not a valid file path", what, rule);
    }
    if (!resolved.startsWith(folder) || resolved.equals(folder)) {
      throw refused(modelJson, entry, "it leads outside the model's folder", what, rule);
    }
    if (!Files.exists(resolved)) {
      throw new ConversionException(
          modelJson + " lists the " + (what.equals("weight path") ? "weight file" : what) + " '"
              + entry + "', which does not exist (" + resolved + "). "
              + (what.equals("weight path") ? "Copy all weight files next to model.json" : rule)
              + ".");
    }
    try {
      Path real = resolved.toRealPath();
      if (!real.startsWith(folder.toRealPath())) {
        throw refused(modelJson, entry, "it is a symbolic link to " + real
            + ", outside the model's folder", what, rule);
      }
    } catch (IOException e) {
      throw new ConversionException(modelJson + ": cannot read weight file '" + entry + "': " + e, e);
    }
    if (!Files.isRegularFile(resolved)) {
      throw refused(modelJson, entry, "it is not a regular file", what, rule);
    }
    return resolved;
  }

  /** Why a manifest path is refused before touching the file system, or null. */
  static String refusal(String entry) {
    if (entry == null || entry.isBlank()) {
      return "it is empty";
    }
    if (entry.indexOf('\0') >= 0) {
      return "it contains a NUL character";
    }
    if (SCHEME.matcher(entry).matches()) {
      return "it is a URL or a drive path; weights must be files next to model.json";
    }
    if (entry.startsWith("/") || entry.startsWith("\\") || entry.startsWith("~")) {
      return "it is an absolute path";
    }
    for (String segment : entry.split("[/\\\\]")) {
      String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
      if (decoded.equals("..")) {
        return "it climbs out of the model's folder with '..'";
      }
    }
    return null;
  }

  private static ConversionException refused(Path owner, String entry, String why, String what,
      String rule) {
    String where = what.equals("weight path") ? " in weightsManifest" : "";
    return new ConversionException(
        owner + ": refusing " + what + " '" + entry + "'" + where + ": " + why + ". " + rule + ".");
  }
}
