package io.tensorspace.convert.write;

import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.model.RegionSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One weight group's bytes cut into shards of exactly {@code shardSize} bytes (the last may be
 * shorter), named {@code group<g>-shard<i>of<n>.bin} as tfjs expects. A weight may span two shards.
 * Bytes written to the stream go through one buffer; file regions are copied by
 * {@link RegionTransfers}, possibly while later bytes are being written, each to its own place.
 */
final class ShardedOutputStream extends OutputStream implements RegionSink {
  private final Path directory;
  private final int group;
  private final long shardSize;
  private final int shardCount;
  private final CopiedRegions copied;
  private final List<String> paths = new ArrayList<>();
  /** One buffer for every shard (a new one per shard churns the heap); direct, so no extra copy. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
  private RegionTransfers transfers;
  private FileChannel current;
  private long writtenInShard;
  private long written;

  ShardedOutputStream(
      Path directory, int group, long totalBytes, long shardSize, CopiedRegions copied) {
    this.directory = directory;
    this.copied = copied;
    this.group = group;
    this.shardSize = shardSize;
    this.shardCount = totalBytes == 0 ? 0 : Math.toIntExact((totalBytes + shardSize - 1) / shardSize);
  }

  /** Shard file names, relative to model.json, in order. */
  static List<String> names(int group, long totalBytes, long shardSize) {
    int count = totalBytes == 0 ? 0 : Math.toIntExact((totalBytes + shardSize - 1) / shardSize);
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      names.add("group" + group + "-shard" + i + "of" + count + ".bin");
    }
    return names;
  }

  long written() {
    return written;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    while (length > 0) {
      if (current == null || writtenInShard == shardSize) {
        nextShard();
      }
      int n = (int) Math.min(Math.min(length, shardSize - writtenInShard), buffer.remaining());
      buffer.put(bytes, offset, n);
      writtenInShard += n;
      written += n;
      offset += n;
      length -= n;
      if (!buffer.hasRemaining()) {
        flushBuffer();
      }
    }
  }

  @Override
  public void transferFrom(Path file, long position, long count) throws IOException {
    if (transfers == null) {
      transfers = new RegionTransfers(copied);
    }
    while (count > 0) {
      if (current == null || writtenInShard == shardSize) {
        nextShard();
      }
      flushBuffer();
      long n = Math.min(count, shardSize - writtenInShard);
      transfers.copy(file, position, directory.resolve(paths.get(paths.size() - 1)),
          writtenInShard, n);
      writtenInShard += n;
      written += n;
      position += n;
      count -= n;
    }
  }

  /** Writes the buffer where its bytes belong: just before {@code writtenInShard}. */
  private void flushBuffer() throws IOException {
    buffer.flip();
    long at = writtenInShard - buffer.remaining();
    while (buffer.hasRemaining()) {
      at += current.write(buffer, at);
    }
    buffer.clear();
  }

  private void nextShard() throws IOException {
    closeShard();
    int index = paths.size() + 1;
    if (index > shardCount) {
      throw new IOException("more weight bytes than the weights' shapes declare");
    }
    String name = "group" + group + "-shard" + index + "of" + shardCount + ".bin";
    paths.add(name);
    current = FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    writtenInShard = 0;
  }

  private void closeShard() throws IOException {
    if (current != null) {
      try (FileChannel closing = current) {
        flushBuffer();
      } finally {
        current = null;
      }
    }
  }

  /** Returns once every byte is in its shard, copies included. */
  @Override
  public void close() throws IOException {
    try (RegionTransfers waiting = transfers) {
      closeShard();
    } finally {
      transfers = null;
    }
  }
}
