package io.tensorspace.convert.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicDirectoryTest {
  @TempDir Path temp;

  private AtomicDirectory directory(Path target) {
    return new AtomicDirectory(target, LayersModelWriter::writes);
  }

  private static void model(Path dir, String content) throws IOException {
    Files.writeString(dir.resolve("model.json"), content);
    Files.writeString(dir.resolve("group1-shard1of1.bin"), content);
  }

  @Test
  void failedFillLeavesPreviousOutput() throws Exception {
    Path target = temp.resolve("out");
    directory(target).write(dir -> model(dir, "first"));
    assertThrows(IOException.class, () -> directory(target).write(dir -> {
      model(dir, "half");
      throw new IOException("disk full");
    }));
    assertEquals("first", Files.readString(target.resolve("model.json")));
    assertEquals(List.of(".out.lock", "out"), names(temp));
  }

  @Test
  void concurrentFillersWriteBothOrFailAsTheyFailed() throws Exception {
    Path target = temp.resolve("out");
    directory(target).write(AtomicDirectory.concurrently(
        dir -> Files.writeString(dir.resolve("model.json"), "main"),
        dir -> Files.writeString(dir.resolve("group1-shard1of1.bin"), "side")));
    assertEquals("main", Files.readString(target.resolve("model.json")));
    assertEquals("side", Files.readString(target.resolve("group1-shard1of1.bin")));
    // the side's failure is thrown as it was thrown, and the previous output stays
    ConversionException side = assertThrows(ConversionException.class, () -> directory(target)
        .write(AtomicDirectory.concurrently(dir -> model(dir, "new"), dir -> {
          throw new ConversionException("side failed");
        })));
    assertEquals("side failed", side.getMessage());
    assertEquals("main", Files.readString(target.resolve("model.json")));
    // the main filler's failure wins over the side's
    IOException main = assertThrows(IOException.class, () -> directory(target)
        .write(AtomicDirectory.concurrently(dir -> {
          throw new IOException("main failed");
        }, dir -> {
          throw new IllegalStateException("side failed");
        })));
    assertEquals("main failed", main.getMessage());
  }

  @Test
  void foreignFilesAreNeverReplaced() throws Exception {
    Path target = Files.createDirectories(temp.resolve("out"));
    Files.writeString(target.resolve("notes.txt"), "mine");
    ConversionException e = assertThrows(ConversionException.class,
        () -> directory(target).write(dir -> model(dir, "new")));
    assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    assertEquals("mine", Files.readString(target.resolve("notes.txt")));
  }

  @Test
  void secondWriterIntoTheSameFolderIsRefused() throws Exception {
    Path target = temp.resolve("out");
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<?> first = executor.submit(() -> {
        directory(target).write(dir -> {
          inside.countDown();
          awaitQuietly(release);
          model(dir, "first");
        });
        return null;
      });
      assertTrue(inside.await(10, TimeUnit.SECONDS));
      ConversionException e = assertThrows(ConversionException.class,
          () -> directory(target).write(dir -> model(dir, "second")));
      assertTrue(e.getMessage().contains("Another conversion"), e.getMessage());
      release.countDown();
      first.get(10, TimeUnit.SECONDS);
      assertEquals("first", Files.readString(target.resolve("model.json")));
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void killedConversionLeavesPreviousOutputAndIsCleanedUpNextTime() throws Exception {
    Path target = temp.resolve("out");
    directory(target).write(dir -> model(dir, "first"));
    Process child = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            SlowWriter.class.getName(), target.toString())
        .redirectErrorStream(true)
        .start();
    try {
      // wait until the child is midway: its staging folder holds a half-written model
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (names(temp).stream().noneMatch(n -> n.startsWith(".out.tmp-"))
          || !SlowWriter.started(temp)) {
        assertTrue(System.nanoTime() < deadline, "child never started writing");
        Thread.sleep(20);
      }
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } finally {
      child.destroyForcibly();
    }
    assertEquals("first", Files.readString(target.resolve("model.json")));
    directory(target).write(dir -> model(dir, "second"));
    assertEquals("second", Files.readString(target.resolve("model.json")));
    assertEquals(List.of(".out.lock", "out"), names(temp));
  }

  @Test
  void outputGuardRefusesRootProjectAndSourceFolders() throws Exception {
    Path project = temp.resolve("project");
    Path sources = project.resolve("src/main/java");
    assertThrows(ConversionException.class, () -> OutputGuard.check(Path.of("/"), project, List.of()));
    assertThrows(ConversionException.class, () -> OutputGuard.check(project, project, List.of()));
    assertThrows(ConversionException.class, () -> OutputGuard.check(temp, project, List.of()));
    assertThrows(ConversionException.class,
        () -> OutputGuard.check(sources.resolve("models"), project, List.of(sources)));
    assertThrows(ConversionException.class,
        () -> OutputGuard.check(project.resolve("src"), project, List.of(sources)));
    assertFalse(assertDoesNotThrow(project.resolve("target/generated-resources/tensorspace/lenet"),
        project, List.of(sources)));
  }

  private static boolean assertDoesNotThrow(Path output, Path project, List<Path> sources)
      throws ConversionException {
    OutputGuard.check(output, project, sources);
    return false;
  }

  /** Fillers may only throw I/O and conversion errors: an interruption becomes an I/O error. */
  private static void awaitQuietly(CountDownLatch latch) throws IOException {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Runs in a child JVM: starts a conversion that never finishes, so the test can kill it. */
  public static final class SlowWriter {
    static boolean started(Path parent) throws IOException {
      try (Stream<Path> walk = Files.walk(parent)) {
        return walk.anyMatch(p -> p.getFileName().toString().equals("model.json")
            && p.getParent().getFileName().toString().startsWith(".out.tmp-"));
      }
    }

    public static void main(String[] args) throws Exception {
      new AtomicDirectory(Path.of(args[0]), LayersModelWriter::writes).write(dir -> {
        model(dir, "half");
        awaitQuietly(new CountDownLatch(1));
      });
    }
  }
}
