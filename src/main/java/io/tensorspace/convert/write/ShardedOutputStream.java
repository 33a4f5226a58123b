package io.tensorspace.convert.write;

import io.tensorspace.convert.model.RegionSink;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One weight group's bytes cut into shards of exactly {@code shardSize} bytes (the last may be
 * shorter), named {@code group<g>-shard<i>of<n>.bin} as tfjs expects. A weight may span two shards.
 */
final class ShardedOutputStream extends OutputStream implements RegionSink {
  private final Path directory;
  private final int group;
  private final long shardSize;
  private final int shardCount;
  private final List<String> paths = new ArrayList<>();
  private OutputStream current;
  private FileChannel currentChannel;
  private long writtenInShard;
  private long written;

  ShardedOutputStream(Path directory, int group, long totalBytes, long shardSize) {
    this.directory = directory;
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
      int n = (int) Math.min(length, shardSize - writtenInShard);
      current.write(bytes, offset, n);
      writtenInShard += n;
      written += n;
      offset += n;
      length -= n;
    }
  }

  @Override
  public void transferFrom(Path file, long position, long count) throws IOException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (count > 0) {
        if (current == null || writtenInShard == shardSize) {
          nextShard();
        }
        current.flush();
        long n = Math.min(count, shardSize - writtenInShard);
        for (long done = 0; done < n; ) {
          long moved = in.transferTo(position + done, n - done, currentChannel);
          if (moved <= 0) {
            throw new EOFException(file + " ends before byte " + (position + n));
          }
          done += moved;
        }
        writtenInShard += n;
        written += n;
        position += n;
        count -= n;
      }
    }
  }

  private void nextShard() throws IOException {
    if (current != null) {
      current.close();
    }
    int index = paths.size() + 1;
    if (index > shardCount) {
      throw new IOException("more weight bytes than the weights' shapes declare");
    }
    String name = "group" + group + "-shard" + index + "of" + shardCount + ".bin";
    paths.add(name);
    currentChannel = FileChannel.open(directory.resolve(name), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    current = new BufferedOutputStream(Channels.newOutputStream(currentChannel), 1 << 20);
    writtenInShard = 0;
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
