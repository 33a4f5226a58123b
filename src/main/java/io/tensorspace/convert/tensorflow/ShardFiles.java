package io.tensorspace.convert.tensorflow;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Weight shards read as the one byte sequence tfjs sees (all shards of all groups, in order), so a
 * weight that spans two shards is copied whole. Files are opened only while a weight is copied.
 */
final class ShardFiles {
  private final List<Path> files;
  private final long[] starts;
  private final long total;

  ShardFiles(List<Path> files) throws IOException {
    this.files = List.copyOf(files);
    this.starts = new long[files.size()];
    long offset = 0;
    for (int i = 0; i < files.size(); i++) {
      starts[i] = offset;
      offset += Files.size(files.get(i));
    }
    this.total = offset;
  }

  long size() {
    return total;
  }

  /** Copies {@code length} bytes starting at {@code offset} of the concatenated shards. */
  void copy(long offset, long length, OutputStream out) throws IOException {
    byte[] buffer = new byte[1 << 16];
    for (int i = 0; i < files.size() && length > 0; i++) {
      long end = i + 1 < files.size() ? starts[i + 1] : total;
      if (offset >= end) {
        continue;
      }
      try (FileChannel channel = FileChannel.open(files.get(i), StandardOpenOption.READ)) {
        long position = offset - starts[i];
        while (length > 0 && position < end - starts[i]) {
          int n = (int) Math.min(buffer.length, Math.min(length, end - starts[i] - position));
          ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
          while (bb.hasRemaining()) {
            if (channel.read(bb, position + bb.position()) < 0) {
              throw new IOException(files.get(i) + " ended early");
            }
          }
          out.write(buffer, 0, n);
          position += n;
          offset += n;
          length -= n;
        }
      }
    }
    if (length > 0) {
      throw new IOException("weight shards " + files + " are shorter than the manifest says");
    }
  }
}
