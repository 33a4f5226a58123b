package io.tensorspace.convert.incremental;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ModelSources;
import io.tensorspace.convert.write.OutputGuard;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.CopiedRegions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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

  /**
   * Names, sizes and modification times of every file the conversion reads: cheap enough to poll
   * for a change (the view goal does), without reading any content.
   */
  public static String inputStamp(ConversionRequest request) throws IOException {
    return Fingerprint.stamp(InputFiles.of(request));
  }

  /** True when the last recorded conversion for this output is still valid. */
  public boolean isUpToDate(ConversionRequest request) throws ConversionException, IOException {
    checkInputs(request);
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
    String content;
    try {
      content = Fingerprint.content(inputs);
    } catch (java.nio.file.AccessDeniedException e) {
      return false; // converting again reports the file that cannot be read
    }
    if (content.equals(stored.getProperty("content"))) {
      stored.setProperty("stamp", stamp);
      store(request, stored);
      return true;
    }
    return false;
  }

  /**
   * Starts a conversion of this output: forgets its last record and notes the inputs' stamps. The
   * conversion reports the regions it copies with their checksums ({@link Recording} is its
   * {@link CopiedRegions}), so recording it afterwards reads only the bytes it did not copy.
   */
  public Recording begin(ConversionRequest request) throws ConversionException, IOException {
    checkInputs(request);
    try {
      Files.deleteIfExists(file(request));
    } catch (java.nio.file.AccessDeniedException e) {
      throw unwritable(e);
    }
    List<Path> inputs = InputFiles.of(request);
    return new Recording(request, inputs, Fingerprint.stamp(inputs));
  }

  /** A conversion under way; if it succeeds, {@link #finish} records it. */
  public final class Recording implements CopiedRegions {
    private final ConversionRequest request;
    private final List<Path> inputs;
    private final String stamp;
    private final Queue<Fingerprint.CopiedRegion> copied = new ConcurrentLinkedQueue<>();

    private Recording(ConversionRequest request, List<Path> inputs, String stamp) {
      this.request = request;
      this.inputs = inputs;
      this.stamp = stamp;
    }

    @Override
    public void copied(Path file, long position, long count, int crc32c, int crc32) {
      copied.add(new Fingerprint.CopiedRegion(
          file.toAbsolutePath().normalize(), position, count, crc32c, crc32));
    }

    /**
     * Records the conversion, whose output is now in place, unless an input was edited meanwhile:
     * the checksum might then be of bytes the conversion never read, so nothing is recorded and
     * the next build converts again.
     */
    public void finish() throws ConversionException, IOException {
      String hash = Fingerprint.content(inputs, copied);
      if (!Fingerprint.stamp(inputs).equals(stamp)) {
        return;
      }
      Properties values = new Properties();
      values.setProperty("settings", settings(request));
      values.setProperty("stamp", stamp);
      values.setProperty("content", hash);
      values.setProperty("outputs", outputs(request.outputDirectory()));
      store(request, values);
    }
  }

  /** A missing or unreadable input, or a state folder that cannot be, is the user's to fix. */
  private void checkInputs(ConversionRequest request) throws ConversionException {
    ModelSources.checkPaths(request.source(), request.weights());
    OutputGuard.creatable(stateDirectory, "state folder (stateDirectory)");
  }

  private static String settings(ConversionRequest request) {
    return ConverterVersion.get() + "\n" + Fingerprint.describe(request);
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
    return files.toString();
  }

  private Path file(ConversionRequest request) {
    String folder = request.outputDirectory().toAbsolutePath().normalize().toString();
    return stateDirectory.resolve(Fingerprint.key(folder) + ".properties");
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

  private void store(ConversionRequest request, Properties values)
      throws ConversionException, IOException {
    try {
      Files.createDirectories(stateDirectory);
      Path file = file(request);
      Path temporary = Files.createTempFile(stateDirectory, "state", ".tmp");
      try (OutputStream out = Files.newOutputStream(temporary)) {
        values.store(out, null);
      }
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AccessDeniedException e) {
      throw unwritable(e);
    }
  }

  /** The state folder (or a file in it) cannot be written: the user's to fix, not a crash. */
  private ConversionException unwritable(java.nio.file.AccessDeniedException e) {
    return new ConversionException("Cannot write " + stateDirectory.toAbsolutePath().normalize()
        + ": permission denied. It keeps the record of each model's last conversion; let the"
        + " user running Maven write it (e.g. chmod u+w " + stateDirectory + "), or set"
        + " <stateDirectory> to another folder.", e);
  }
}
