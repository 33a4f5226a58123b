package io.tensorspace.convert.write;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies file regions into shard files inside the kernel, on a few worker threads. One thread
 * copying shard after shard is about half as fast as two copying different shards, and every copy
 * goes to its own place, so the order does not matter. Each copy opens its own channels, whose file
 * positions are private to it. A few copies wait in line at most, so memory and open files stay
 * bounded and progress reports stay close to the truth.
 */
final class RegionTransfers implements AutoCloseable {
  private static final int WORKERS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private final ExecutorService workers;
  private final Semaphore inFlight = new Semaphore(2 * WORKERS);
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  RegionTransfers() {
    this.workers = WORKERS == 1 ? null : Executors.newFixedThreadPool(WORKERS, task -> {
      Thread thread = new Thread(task, "tensorspace-shard-copy");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Copies {@code count} bytes of {@code from} at {@code position} into {@code to} at {@code offset}. */
  void copy(Path from, long position, Path to, long offset, long count) throws IOException {
    rethrowFailure();
    if (workers == null) {
      transfer(from, position, to, offset, count);
      return;
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while copying weights");
    }
    workers.execute(() -> {
      try {
        transfer(from, position, to, offset, count);
      } catch (IOException e) {
        failure.compareAndSet(null, e);
      } catch (RuntimeException e) {
        failure.compareAndSet(null, new IOException(e));
      } finally {
        inFlight.release();
      }
    });
  }

  private static void transfer(Path from, long position, Path to, long offset, long count)
      throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
        FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
      out.position(offset);
      for (long done = 0; done < count; ) {
        long moved = in.transferTo(position + done, count - done, out);
        if (moved <= 0) {
          throw new EOFException(from + " ends before byte " + (position + count));
        }
        done += moved;
      }
    }
  }

  private void rethrowFailure() throws IOException {
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Waits for every copy (none may outlive the folder it writes into) and reports the first failure. */
  @Override
  public void close() throws IOException {
    if (workers != null) {
      workers.shutdown();
      boolean interrupted = false;
      while (true) {
        try {
          if (workers.awaitTermination(1, TimeUnit.MINUTES)) {
            break;
          }
        } catch (InterruptedException e) {
          interrupted = true; // keep waiting: the staging folder must not be removed under a copy
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    rethrowFailure();
  }
}
