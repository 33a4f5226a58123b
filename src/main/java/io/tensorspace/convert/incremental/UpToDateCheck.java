package io.tensorspace.convert.incremental;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConverterVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Remembers, per output folder, what a conversion was made from, so an unchanged model is not
 * converted again. Inputs are hashed only when their size or modification time changed, which
 * keeps a no-op build of a large model cheap; the output folder's file list and sizes are checked
 * too, so a deleted or edited output is rebuilt.
 */
public final class UpToDateCheck {
  private final Path stateDirectory;

  /** @param stateDirectory where the records live, e.g. {@code target/tensorspace-state} */
  public UpToDateCheck(Path stateDirectory) {
    this.stateDirectory = stateDirectory;
  }


  /** True when the last recorded conversion for this output is still valid. */
  public boolean isUpToDate(ConversionRequest request) throws IOException {
    Properties stored = load(request);
    if (stored == null) {
      return false;
    }
    if (!settings(request).equals(stored.getProperty("settings"))
        || !outputs(request.outputDirectory()).equals(stored.getProperty("outputs"))) {
      return false;
    }
    List<Path> inputs = InputFiles.of(request);
    String stamp = Fingerprint.stamp(inputs);
    if (stamp.equals(stored.getProperty("stamp"))) {
      return true;
    }
    // touched but maybe not changed (a fresh checkout, a copy): compare contents
    if (Fingerprint.content(inputs).equals(stored.getProperty("content"))) {
      stored.setProperty("stamp", stamp);
      store(request, stored);
      return true;
    }
    return false;
  }

  /** Records a finished conversion. */
  public void record(ConversionRequest request) throws IOException {
    List<Path> inputs = InputFiles.of(request);
    Properties values = new Properties();
    values.setProperty("settings", settings(request));
    values.setProperty("stamp", Fingerprint.stamp(inputs));
    values.setProperty("content", Fingerprint.content(inputs));
    values.setProperty("outputs", outputs(request.outputDirectory()));
    store(request, values);
  }

  /** Forgets a conversion, e.g. before converting again. */
  public void forget(ConversionRequest request) throws IOException {
    Files.deleteIfExists(file(request));
  }

  private static String settings(ConversionRequest request) {
    return Fingerprint.of(ConverterVersion.get() + "\n" + request);
  }

  private static String outputs(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      return "none";
    }
    TreeMap<String, Long> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(directory)) {
      for (Path file : (Iterable<Path>) list::iterator) {
        files.put(file.getFileName().toString(), Files.size(file));
      }
    }
    return Fingerprint.of(files.toString());
  }

  private Path file(ConversionRequest request) {
    String key = Fingerprint.of(request.outputDirectory().toAbsolutePath().normalize().toString());
    return stateDirectory.resolve(key.substring(0, 32) + ".properties");
  }

  private Properties load(ConversionRequest request) throws IOException {
    Path file = file(request);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return properties;
  }

  private void store(ConversionRequest request, Properties values) throws IOException {
    Files.createDirectories(stateDirectory);
    Path file = file(request);
    Path temporary = Files.createTempFile(stateDirectory, "state", ".tmp");
    try (OutputStream out = Files.newOutputStream(temporary)) {
      values.store(out, null);
    }
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
