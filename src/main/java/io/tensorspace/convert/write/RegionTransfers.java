package io.tensorspace.convert.write;

import io.tensorspace.convert.CopiedRegions;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Copies file regions into shard files on a few worker threads, checksumming each region on the
 * way for the incremental record ({@link CopiedRegions}). One thread copying shard after shard is
 * about half as fast as two copying different shards, and every copy goes to its own place, so the
 * order does not matter. Each copy opens its own channels, whose file positions are private to it.
 * Copies wait in line up to {@link #QUEUED_BYTES} in all, so the writer goes on to model.json while
 * a model of small tensors copies (a bound of a few copies held it until nearly the last one), and
 * progress reports, counted as regions are handed over, stay that close to the truth.
 *
 * <p>The bytes pass through a small buffer rather than staying in the kernel (sendfile): the
 * incremental record needs a checksum of every input byte, so checksumming while copying saves
 * reading the weights a second time, and the kernel copies no faster a region that does not start
 * on a page boundary (HDF5 datasets). On a 500 MB Keras model, copying and checksumming together
 * went from about 230 ms to 150 ms on 2 cores.
 *
 * <p>Anonymous classes rather than lambdas: a class is loaded ahead by {@code FirstUse}, a
 * lambda's first call bootstraps one in a fresh JVM.
 */
final class RegionTransfers implements AutoCloseable {
  private static final int WORKERS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  /** Large enough for few system calls, small enough to stay in the core's cache for the CRCs. */
  private static final int BUFFER_BYTES = 256 * 1024;

  private final CopiedRegions copied;
  private final ThreadLocal<ByteBuffer> buffers = new ThreadLocal<>() {
    @Override
    protected ByteBuffer initialValue() {
      return ByteBuffer.allocateDirect(BUFFER_BYTES);
    }
  };
  private final ExecutorService workers;
  /** How many bytes may wait for or be in a copy, in units of {@link #QUEUED_UNIT}. */
  private static final int QUEUED_BYTES = 64 << 20;
  private static final int QUEUED_UNIT = 1 << 16;
  private final Semaphore queued = new Semaphore(QUEUED_BYTES / QUEUED_UNIT);
  /** Every channel a thread holds open; each thread uses only its own. */
  private final Set<FileChannel> open = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Channels> channels = new ThreadLocal<>() {
    @Override
    protected Channels initialValue() {
      return new Channels();
    }
  };
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  RegionTransfers(CopiedRegions copied) {
    this.copied = copied;
    this.workers = WORKERS == 1 ? null : Executors.newFixedThreadPool(WORKERS, new ThreadFactory() {
      @Override
      public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, "tensorspace-shard-copy");
        thread.setDaemon(true);
        return thread;
      }
    });
  }

  /** Copies {@code count} bytes of {@code from} at {@code position} into {@code to} at {@code offset}. */
  void copy(Path from, long position, Path to, long offset, long count) throws IOException {
    rethrowFailure();
    if (workers == null) {
      transfer(from, position, to, offset, count);
      return;
    }
    int units = (int) Math.min(QUEUED_BYTES / QUEUED_UNIT, (count + QUEUED_UNIT - 1) / QUEUED_UNIT);
    try {
      queued.acquire(units);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while copying weights");
    }
    workers.execute(new Runnable() {
      @Override
      public void run() {
        try {
          transfer(from, position, to, offset, count);
        } catch (IOException e) {
          failure.compareAndSet(null, e);
        } catch (RuntimeException | Error e) {
          // anything a copy throws must fail the conversion: an uncaught one would end only this
          // thread and leave a hole in a shard
          failure.compareAndSet(null, new IOException(e));
        } finally {
          queued.release(units);
        }
      }
    });
  }

  private void transfer(Path from, long position, Path to, long offset, long count)
      throws IOException {
    ByteBuffer buffer = buffers.get();
    CRC32C castagnoli = new CRC32C();
    CRC32 ieee = new CRC32();
    Channels channels = this.channels.get();
    FileChannel in = channels.reading(from);
    FileChannel out = channels.writing(to);
    for (long done = 0; done < count; ) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int read = in.read(buffer, position + done);
      if (read < 0) {
        throw new EOFException(from + " ends before byte " + (position + count));
      }
      buffer.flip();
      castagnoli.update(buffer.duplicate());
      ieee.update(buffer.duplicate());
      for (long at = offset + done; buffer.hasRemaining(); ) {
        at += out.write(buffer, at);
      }
      done += read;
    }
    copied.copied(from, position, count, (int) castagnoli.getValue(), (int) ieee.getValue());
  }

  /**
   * A thread's last input and output channel, kept open while its next region reads and writes
   * the same files (most do: tensors lie one after another in a few files), so a model of many
   * small tensors is not two opens and closes per tensor. Two open files per thread at most.
   */
  private final class Channels {
    private final Held reader = new Held(StandardOpenOption.READ);
    private final Held writer = new Held(StandardOpenOption.WRITE);

    FileChannel reading(Path file) throws IOException {
      return reader.of(file);
    }

    FileChannel writing(Path file) throws IOException {
      return writer.of(file);
    }
  }

  /** One open channel, replaced when another file is asked for. */
  private final class Held {
    private final StandardOpenOption mode;
    private Path path;
    private FileChannel channel;

    Held(StandardOpenOption mode) {
      this.mode = mode;
    }

    FileChannel of(Path file) throws IOException {
      if (!file.equals(path)) {
        if (channel != null) {
          open.remove(channel);
          channel.close();
          channel = null;
        }
        channel = FileChannel.open(file, mode);
        open.add(channel);
        path = file;
      }
      return channel;
    }
  }

  private void rethrowFailure() throws IOException {
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Closes what the threads hold open; every copy has ended by now. */
  private void closeChannels() throws IOException {
    IOException first = null;
    for (FileChannel channel : open) {
      try {
        channel.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    open.clear();
    if (first != null) {
      throw first;
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
    closeChannels();
    rethrowFailure();
  }
}
