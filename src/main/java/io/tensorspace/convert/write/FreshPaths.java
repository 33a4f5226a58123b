package io.tensorspace.convert.write;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New files and folders under names nobody holds, for staging and probes. {@code
 * Files.createTempFile} draws its names from a {@code SecureRandom}, whose seeding cost ~10 ms of
 * a conversion in a fresh JVM; a name here is the clock and a counter, and creating it fails
 * rather than reuse a name another process took, so the next one is tried.
 */
public final class FreshPaths {
  private static final AtomicLong COUNTER = new AtomicLong();

  private FreshPaths() {}

  /** A new empty file in {@code folder}. */
  public static Path file(Path folder, String prefix, String suffix) throws IOException {
    while (true) {
      try {
        return Files.createFile(folder.resolve(name(prefix, suffix)));
      } catch (FileAlreadyExistsException e) {
        // taken: try the next name
      }
    }
  }

  /** A new empty folder in {@code folder}. */
  public static Path folder(Path folder, String prefix) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(folder.resolve(name(prefix, "")));
      } catch (FileAlreadyExistsException e) {
        // taken: try the next name
      }
    }
  }

  private static String name(String prefix, String suffix) {
    return prefix + Long.toString(System.nanoTime(), 36) + "-" + COUNTER.incrementAndGet() + suffix;
  }
}
