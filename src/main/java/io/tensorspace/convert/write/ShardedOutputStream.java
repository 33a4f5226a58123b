package io.tensorspace.convert.write;

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
 * Bytes written to the stream go through one buffer; file regions are copied by the writer's
 * {@link RegionTransfers}, possibly while later bytes are being written, each to its own place.
 */
final class ShardedOutputStream extends OutputStream implements RegionSink {
  private final Path directory;
  private final long shardSize;
  private final List<String> names;
  private final RegionTransfers transfers;
  /** One buffer for every shard (a new one per shard churns the heap); direct, so no extra copy. */
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
  /** Shards opened so far; the last is {@link #current}. */
  private int opened;
  private FileChannel current;
  private long writtenInShard;
  private long written;

  /**
   * @param transfers copies file regions; every copy into these shards is done once it closes, so
   *     the writer closes it before the shards are read or moved
   */
  ShardedOutputStream(Path directory, int group, long totalBytes, long shardSize,
      RegionTransfers transfers) {
    this.directory = directory;
    this.shardSize = shardSize;
    this.names = names(group, totalBytes, shardSize);
    this.transfers = transfers;
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
    while (count > 0) {
      if (current == null || writtenInShard == shardSize) {
        nextShard();
      }
      flushBuffer();
      long n = Math.min(count, shardSize - writtenInShard);
      transfers.copy(file, position, directory.resolve(names.get(opened - 1)), writtenInShard, n);
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
    if (opened == names.size()) {
      throw new IOException("more weight bytes than the weights' shapes declare");
    }
    current = FileChannel.open(directory.resolve(names.get(opened++)),
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
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

  /** Writes the bytes still buffered; region copies finish when the transfers close. */
  @Override
  public void close() throws IOException {
    closeShard();
  }
}
