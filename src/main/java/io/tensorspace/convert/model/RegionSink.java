package io.tensorspace.convert.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An output that takes bytes straight from a file region. Weights already stored as tfjs wants
 * them (little-endian float32 or int32 in one piece) then go from file to shard in large blocks,
 * off the heap and on copying threads, and the copy can checksum them for the incremental record.
 */
public interface RegionSink {
  /** Appends {@code count} bytes of {@code file} from {@code position}. */
  void transferFrom(Path file, long position, long count) throws IOException;

  /** Appends a file region to any stream: directly to a {@link RegionSink}, else by copying. */
  static void copy(Path file, long position, long count, OutputStream out) throws IOException {
    if (out instanceof RegionSink sink) {
      sink.transferFrom(file, position, count);
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        InputStream in = Channels.newInputStream(channel.position(position))) {
      byte[] buffer = new byte[(int) Math.min(1 << 20, Math.max(count, 1))];
      for (long left = count; left > 0; ) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new EOFException(file + " ends before byte " + (position + count));
        }
        out.write(buffer, 0, n);
        left -= n;
      }
    }
  }
}
