package io.tensorspace.convert.write;

import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * Writes a folder completely or not at all: content goes into a temporary sibling, which replaces
 * the target only when finished. An existing target is replaced only if it holds nothing but files
 * this plugin writes, so a mistaken output path never deletes the user's files.
 */
public final class AtomicDirectory {
  private final Path target;
  private final Predicate<String> ownFile;

  /**
   * @param target the folder to (re)place
   * @param ownFile which file names this plugin writes there; null when it owns the whole tree
   */
  public AtomicDirectory(Path target, Predicate<String> ownFile) {
    this.target = target.toAbsolutePath().normalize();
    this.ownFile = ownFile;
  }

  /**
   * A folder whose whole tree this plugin owns (e.g. an archive unpacked under {@code target/}):
   * replaced whatever it holds.
   */
  public static AtomicDirectory ownTree(Path target) {
    return new AtomicDirectory(target, null);
  }

  /** Something that fills a folder. */
  @FunctionalInterface
  public interface Filler {
    void fill(Path directory) throws IOException, ConversionException;
  }

  /**
   * Two fillers that write different files of one folder, run at once: {@code side} on a thread
   * of its own, {@code main} on the caller's (the weights and the TensorSpace companion files of
   * a model are independent, and a deep model's description takes as long as its weights). A
   * failure of {@code main} wins; the side's is thrown as it was thrown.
   */
  public static Filler concurrently(Filler main, Filler side) {
    // anonymous classes rather than lambdas, whose first calls bootstrap classes in a fresh JVM
    return new Filler() {
      @Override
      public void fill(Path directory) throws IOException, ConversionException {
        Throwable[] sideFailure = new Throwable[1];
        Thread thread = new Thread(new Runnable() {
          @Override
          public void run() {
            try {
              side.fill(directory);
            } catch (Throwable t) {
              sideFailure[0] = t;
            }
          }
        }, "tensorspace-companion");
        thread.setDaemon(true);
        thread.start();
        try {
          main.fill(directory);
        } finally {
          joinUninterruptibly(thread);
        }
        rethrow(sideFailure[0]);
      }
    };
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void rethrow(Throwable failure) throws IOException, ConversionException {
    if (failure instanceof IOException e) {
      throw e;
    } else if (failure instanceof ConversionException e) {
      throw e;
    } else if (failure instanceof RuntimeException e) {
      throw e;
    } else if (failure instanceof Error e) {
      throw e;
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  public void write(Filler filler) throws IOException, ConversionException {
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path lockFile = parent.resolve("." + target.getFileName() + ".lock");
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = tryLock(channel)) {
      checkReplaceable();
      deleteLeftovers(parent);
      Path staging = FreshPaths.folder(parent, "." + target.getFileName() + ".tmp-");
      makeReadable(staging);
      try {
        filler.fill(staging);
        replace(staging);
      } finally {
        deleteTree(staging);
      }
    }
  }

  /** Two conversions into one folder would interleave their files: the second one stops. */
  private FileLock tryLock(FileChannel channel) throws IOException, ConversionException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new ConversionException(
          "Another conversion is writing " + target + " right now. Give each model its own output"
              + " folder (two executions or modules must not share one).");
    }
    return lock;
  }

  /**
   * Cleans up after a conversion that was killed midway: its staging folders go (ours by name, so
   * safe to delete), and a previous output it had moved aside comes back if nothing replaced it.
   */
  private void deleteLeftovers(Path parent) throws IOException {
    String prefix = "." + target.getFileName() + ".";
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(parent)) {
      for (Path p : siblings) {
        String name = p.getFileName().toString();
        if ((name.startsWith(prefix + "tmp-") || name.startsWith(prefix + "old-"))
            && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          leftovers.add(p);
        }
      }
    }
    Collections.sort(leftovers);
    for (Path leftover : leftovers) {
      if (!Files.exists(target) && leftover.getFileName().toString().startsWith(prefix + "old-")) {
        move(leftover, target);
      } else {
        deleteTree(leftover);
      }
    }
  }

  /** Temporary folders are private; the model is a web resource, so open it like a normal folder. */
  private static void makeReadable(Path directory) throws IOException {
    if (Files.getFileAttributeView(directory, PosixFileAttributeView.class) != null) {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private void checkReplaceable() throws IOException, ConversionException {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new ConversionException(
          target + " exists and is not a folder; choose another output directory.");
    }
    if (!Files.isDirectory(target) || ownFile == null) {
      return;
    }
    List<Path> foreign = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      for (Path p : entries) {
        if (!Files.isRegularFile(p) || !ownFile.test(p.getFileName().toString())) {
          foreign.add(p);
        }
      }
    }
    if (!foreign.isEmpty()) {
      Collections.sort(foreign);
      throw new ConversionException(
          target + " already holds files this plugin did not write (" + foreign.get(0).getFileName()
              + "). Choose an empty or new output directory; nothing was changed.");
    }
  }

  private void replace(Path staging) throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
      move(target, old);
    }
    try {
      move(staging, target);
    } catch (IOException e) {
      if (old != null) {
        move(old, target);
      }
      throw e;
    }
    if (old != null) {
      deleteTree(old);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a folder and everything in it; nothing if it does not exist. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path entry : entries) {
          deleteTree(entry);
        }
      }
    }
    Files.delete(root);
  }
}
