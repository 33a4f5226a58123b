package io.tensorspace.convert.incremental;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.ModelSources;
import io.tensorspace.convert.write.FreshPaths;
import io.tensorspace.convert.write.OutputGuard;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Remembers, per output folder, what a conversion was made from, so an unchanged model is not
 * converted again. As in make and git, a build with nothing changed only compares file stamps
 * ({@link FileStamp}: size, times, inode) with the record and reads no file; an input whose stamp
 * changed, or was too fresh to prove anything when recorded, has its content compared instead, so
 * touching a file costs one checksum, not a conversion. The output folder's files must keep their
 * stamps: the plugin wrote them, so any change there converts again.
 */
public final class UpToDateCheck {
  /** How long a conversion waits at most for the clock to pass its outputs' last write. */
  private static final long SETTLE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(3);

  private final Path stateDirectory;

  /** @param stateDirectory where the records live, e.g. {@code target/tensorspace-state} */
  public UpToDateCheck(Path stateDirectory) {
    this.stateDirectory = stateDirectory;
  }

  /**
   * Names and stamps of every file the conversion reads: cheap enough to poll for a change (the
   * view goal does), without reading any content.
   */
  public static String inputStamp(ConversionRequest request) throws IOException {
    return Fingerprint.stamp(InputFiles.of(request));
  }

  /** True when the last recorded conversion for this output is still valid. */
  public boolean isUpToDate(ConversionRequest request) throws ConversionException, IOException {
    checkInputs(request);
    StateRecord stored = StateRecord.load(file(request));
    if (stored == null || !settings(request).equals(stored.settings())
        || !stored.outputs().equals(outputs(request.outputDirectory()))) {
      return false;
    }
    return stampsHold(request, stored) || sameContent(request, stored);
  }

  /**
   * Whether every input has its recorded stamp, settled when recorded, and no file appeared
   * beside them: then nothing changed, and no input is opened to know it.
   */
  private static boolean stampsHold(ConversionRequest request, StateRecord stored)
      throws IOException {
    if (!stored.inputs().keySet().containsAll(InputFiles.found(request))) {
      return false;
    }
    for (Map.Entry<Path, FileStamp> input : stored.inputs().entrySet()) {
      FileStamp now = stampOrNull(input.getKey());
      if (!input.getValue().equals(now) || !now.settledBefore(stored.time())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Compares the inputs' content with the record (a fresh checkout, a copy, a touch); if it is
   * the same, records the new stamps so that the next build compares stamps only.
   */
  private boolean sameContent(ConversionRequest request, StateRecord stored)
      throws ConversionException, IOException {
    long time = now();
    List<Path> inputs = InputFiles.of(request);
    Map<Path, FileStamp> stamps = stamps(inputs);
    String content;
    try {
      content = Fingerprint.content(inputs);
    } catch (AccessDeniedException e) {
      return false; // converting again reports the file that cannot be read
    }
    if (!content.equals(stored.content()) || !stamps.equals(stamps(inputs))) {
      return false;
    }
    store(request, stored.restamped(time, stamps));
    return true;
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
    } catch (AccessDeniedException e) {
      throw unwritable(e);
    }
    long time = now();
    List<Path> inputs = InputFiles.of(request);
    return new Recording(request, time, inputs, stamps(inputs));
  }

  /** A conversion under way; if it succeeds, {@link #finish} records it. */
  public final class Recording implements CopiedRegions {
    private final ConversionRequest request;
    private final long time;
    private final List<Path> inputs;
    private final Map<Path, FileStamp> stamps;
    private final Queue<Fingerprint.CopiedRegion> copied = new ConcurrentLinkedQueue<>();

    private Recording(ConversionRequest request, long time, List<Path> inputs,
        Map<Path, FileStamp> stamps) {
      this.request = request;
      this.time = time;
      this.inputs = inputs;
      this.stamps = stamps;
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
      if (!stamps(inputs).equals(stamps)) {
        return;
      }
      Map<String, FileStamp> outputs = settledOutputs(request.outputDirectory());
      if (outputs != null) {
        store(request, new StateRecord(settings(request), time, stamps, hash, outputs));
      }
    }
  }

  /**
   * The output folder's stamps, taken once the file system's clock has passed the last write
   * into it by a tick, so that any later edit changes a stamp (a few ms after a conversion, most
   * of them spent by then; up to two seconds on a file system keeping whole seconds). Null if the
   * clock does not get there: nothing is recorded then, and the next build converts again.
   */
  private Map<String, FileStamp> settledOutputs(Path directory)
      throws ConversionException, IOException {
    long deadline = System.nanoTime() + SETTLE_LIMIT_NANOS;
    while (true) {
      long time = now();
      Map<String, FileStamp> outputs = outputs(directory);
      long wait = 0;
      for (FileStamp stamp : outputs.values()) {
        wait = Math.max(wait, stamp.settled() - time + 1);
      }
      if (wait == 0) {
        return outputs;
      }
      if (System.nanoTime() > deadline) {
        return null;
      }
      try {
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** A missing or unreadable input, or a state folder that cannot be, is the user's to fix. */
  private void checkInputs(ConversionRequest request) throws ConversionException {
    ModelSources.checkPaths(request.source(), request.weights());
    OutputGuard.creatable(stateDirectory, "state folder (stateDirectory)");
  }

  private static String settings(ConversionRequest request) {
    return ConverterVersion.get() + " " + Build.STAMP + "\n" + Fingerprint.describe(request);
  }

  /** The plugin's jar, so that a rebuilt snapshot converts again; nothing when run from classes. */
  private static final class Build {
    static final String STAMP = stamp();

    private static String stamp() {
      try {
        CodeSource source = UpToDateCheck.class.getProtectionDomain().getCodeSource();
        Path jar = source == null ? null : Path.of(source.getLocation().toURI());
        if (jar == null || !Files.isRegularFile(jar)) {
          return "";
        }
        FileStamp stamp = FileStamp.of(jar);
        return stamp.size() + " " + stamp.modified();
      } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
        return "";
      }
    }
  }

  private static Map<Path, FileStamp> stamps(List<Path> files) throws IOException {
    Map<Path, FileStamp> stamps = new LinkedHashMap<>();
    for (Path file : files) {
      stamps.put(file, FileStamp.of(file));
    }
    return stamps;
  }

  private static FileStamp stampOrNull(Path file) throws IOException {
    try {
      return FileStamp.of(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static Map<String, FileStamp> outputs(Path directory) throws IOException {
    Map<String, FileStamp> files = new TreeMap<>();
    if (!Files.isDirectory(directory)) {
      return files;
    }
    try (DirectoryStream<Path> list = Files.newDirectoryStream(directory)) {
      for (Path file : list) {
        files.put(file.getFileName().toString(), FileStamp.of(file));
      }
    }
    return files;
  }

  /**
   * The file system's time now, as it stamps files (which can lag the system clock by a tick or
   * differ from it on a network drive): that of a file made for the purpose.
   */
  private long now() throws ConversionException, IOException {
    try {
      Files.createDirectories(stateDirectory);
      Path probe = FreshPaths.file(stateDirectory, "clock", ".tmp");
      try {
        return FileStamp.of(probe).latest();
      } finally {
        Files.deleteIfExists(probe);
      }
    } catch (AccessDeniedException e) {
      throw unwritable(e);
    }
  }

  private Path file(ConversionRequest request) {
    String folder = request.outputDirectory().toAbsolutePath().normalize().toString();
    return stateDirectory.resolve(Fingerprint.key(folder) + ".properties");
  }

  private void store(ConversionRequest request, StateRecord record)
      throws ConversionException, IOException {
    try {
      Files.createDirectories(stateDirectory);
      record.store(file(request), request.artifact());
    } catch (AccessDeniedException e) {
      throw unwritable(e);
    }
  }

  /** The state folder (or a file in it) cannot be written: the user's to fix, not a crash. */
  private ConversionException unwritable(AccessDeniedException e) {
    return new ConversionException("Cannot write " + stateDirectory.toAbsolutePath().normalize()
        + ": permission denied. It keeps the record of each model's last conversion; let the"
        + " user running Maven write it (e.g. chmod u+w " + stateDirectory + "), or set"
        + " <stateDirectory> to another folder.", e);
  }
}
