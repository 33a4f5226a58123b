package io.tensorspace.convert.view;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.tensorspace.PreviewPageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local folder holding the scripts the preview page loads, so the page works offline. Either
 * layout works: a mirror of the npm CDN ({@code three@0.102.1/build/three.min.js}) or an npm
 * {@code node_modules} folder ({@code three/build/three.min.js}, whose {@code package.json} must
 * have that version).
 */
final class LibraryFolder {
  /** {@code <package>@<version>/<file>}, the package possibly scoped ({@code @tweenjs/tween.js}). */
  private static final Pattern LIBRARY = Pattern.compile("((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)");

  private final Path root;

  private LibraryFolder(Path root) {
    this.root = root;
  }

  /** The folder, after checking it holds every script of {@link PreviewPageWriter#LIBRARIES}. */
  static LibraryFolder of(Path folder) throws ConversionException {
    Path root = folder.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new ConversionException("The libraries folder " + root + " (-Dtensorspace.libraries)"
          + " does not exist. Give a node_modules folder with " + packages() + ", or leave the"
          + " option out to load them from the public npm CDN.");
    }
    LibraryFolder libraries = new LibraryFolder(root);
    for (String library : PreviewPageWriter.LIBRARIES) {
      if (libraries.find(library).isEmpty()) {
        Matcher m = LIBRARY.matcher(library);
        m.matches();
        throw new ConversionException("The libraries folder " + root + " has no " + library
            + " (looked for " + root.resolve(library) + " and " + root.resolve(m.group(1))
            .resolve(m.group(3)) + " with version " + m.group(2) + " in its package.json)."
            + " Install it there, e.g. npm install --prefix <folder> " + packages()
            + ", and pass <folder>/node_modules.");
      }
    }
    return libraries;
  }

  /** The file for {@code <package>@<version>/<file>}, if the folder has that version of it. */
  Optional<Path> find(String library) {
    Matcher m = LIBRARY.matcher(library);
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<Path> mirrored = inside(library);
    if (mirrored.isPresent()) {
      return mirrored;
    }
    Path packageFolder = root.resolve(m.group(1)).normalize();
    if (!packageFolder.startsWith(root) || !m.group(2).equals(version(packageFolder))) {
      return Optional.empty();
    }
    return inside(m.group(1) + "/" + m.group(3));
  }

  private Optional<Path> inside(String relative) {
    Path file = root.resolve(relative).normalize();
    return file.startsWith(root) && Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
  }

  private static String version(Path packageFolder) {
    try {
      return Json.read(packageFolder.resolve("package.json")).path("version").asText();
    } catch (IOException e) {
      return null;
    }
  }

  /** The npm packages, e.g. {@code three@0.102.1 @tweenjs/tween.js@17.6.0 ...}. */
  private static String packages() {
    Set<String> packages = new LinkedHashSet<>();
    for (String library : PreviewPageWriter.LIBRARIES) {
      packages.add(library.substring(0, library.indexOf('/', library.indexOf('@', 1))));
    }
    return String.join(" ", packages);
  }
}
