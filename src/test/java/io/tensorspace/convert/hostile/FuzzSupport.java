package io.tensorspace.convert.hostile;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.hostile.Hostile.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The common body of the reader fuzz tests: write the fuzzer's bytes as model files into a fresh
 * folder, convert, and accept only success or a {@link ConversionException} naming the file. Any
 * other exception or error (OutOfMemoryError, StackOverflowError) is a finding. Hangs: replaying
 * (every build) bounds each input with {@link Hostile#BOUND}; fuzzing, libFuzzer's
 * {@code -timeout} does (see README, Reliability, for the command).
 */
final class FuzzSupport {
  private static final Path ROOT;

  static {
    try {
      ROOT = Files.createTempDirectory("tensorspace-fuzz-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private FuzzSupport() {}

  /** A new, empty working folder (the previous one is deleted). */
  static Path freshFolder() {
    try {
      Path folder = ROOT.resolve("case");
      deleteTree(folder);
      return Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether Jazzer is fuzzing (its own -timeout then bounds each input) or replaying inputs. */
  private static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null
      && !System.getenv("JAZZER_FUZZ").isEmpty() && !System.getenv("JAZZER_FUZZ").equals("0");

  /** Converts; returns normally on success or a clean refusal, throws on anything else. */
  static void convert(Kind kind, Path source, Path folder) {
    Path out = folder.resolve("out");
    Throwable t = FUZZING ? Hostile.run(kind, source, null, out)
        : org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Hostile.BOUND,
            () -> Hostile.run(kind, source, null, out), () -> source + " took longer than "
                + Hostile.BOUND);
    if (t == null) {
      return;
    }
    if (t instanceof ConversionException e) {
      // a SavedModel is its folder: messages may name that instead of saved_model.pb
      if (!e.getMessage().contains(source.getFileName().toString())
          && !e.getMessage().contains(source.getParent().toString())) {
        throw new AssertionError("message does not name the file: " + e.getMessage(), e);
      }
      if (Files.exists(folder.resolve("out"))) {
        throw new AssertionError("refused, but wrote " + folder.resolve("out"));
      }
      return;
    }
    if (t instanceof Error error) {
      throw error;
    }
    throw new AssertionError("not a ConversionException: " + t, t);
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a seed into its parts at the first zero byte (JSON never holds one). */
  static byte[][] split(byte[] data) {
    for (int i = 0; i < data.length; i++) {
      if (data[i] == 0) {
        return new byte[][] {
          java.util.Arrays.copyOfRange(data, 0, i), java.util.Arrays.copyOfRange(data, i + 1, data.length)
        };
      }
    }
    return new byte[][] {data, new byte[0]};
  }

  private static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
