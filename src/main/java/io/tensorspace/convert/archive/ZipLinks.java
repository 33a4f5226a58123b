package io.tensorspace.convert.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The names of a zip's symbolic-link entries. {@link java.util.zip.ZipFile} hides an entry's Unix
 * mode (kept in the central directory's external attributes), and unpacks a link as a small file
 * holding its target; reading the mode here lets the unpacker refuse links instead.
 */
final class ZipLinks {
  private static final int END = 0x06054b50;
  private static final int END64_LOCATOR = 0x07064b50;
  private static final int END64 = 0x06064b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int UNIX = 3;
  private static final int TYPE_MASK = 0170000;
  private static final int LINK = 0120000;

  private ZipLinks() {}

  /** Names of the entries a Unix zip tool stored as links; empty when the layout is not found. */
  static Set<String> of(Path zip) throws IOException {
    Set<String> links = new HashSet<>();
    try (FileChannel channel = FileChannel.open(zip)) {
      long size = channel.size();
      int tail = (int) Math.min(size, 0xFFFF + 22);
      ByteBuffer end = read(channel, size - tail, tail);
      int at = tail - 22;
      while (at >= 0 && end.getInt(at) != END) {
        at--;
      }
      if (at < 0) {
        return links;
      }
      long entries = end.getShort(at + 10) & 0xFFFF;
      long offset = end.getInt(at + 16) & 0xFFFFFFFFL;
      if ((offset == 0xFFFFFFFFL || entries == 0xFFFF) && at >= 20
          && end.getInt(at - 20) == END64_LOCATOR) {
        ByteBuffer end64 = read(channel, end.getLong(at - 20 + 8), 56);
        if (end64.getInt(0) == END64) {
          entries = end64.getLong(32);
          offset = end64.getLong(48);
        }
      }
      long position = offset;
      for (long i = 0; i < entries && position + 46 <= size; i++) {
        ByteBuffer header = read(channel, position, 46);
        if (header.getInt(0) != CENTRAL) {
          break;
        }
        int madeBy = (header.getShort(4) & 0xFFFF) >> 8;
        int nameLength = header.getShort(28) & 0xFFFF;
        int extraLength = header.getShort(30) & 0xFFFF;
        int commentLength = header.getShort(32) & 0xFFFF;
        int mode = header.getInt(38) >>> 16;
        if (madeBy == UNIX && (mode & TYPE_MASK) == LINK) {
          ByteBuffer name = read(channel, position + 46, nameLength);
          links.add(StandardCharsets.UTF_8.decode(name).toString());
        }
        position += 46L + nameLength + extraLength + commentLength;
      }
    }
    return links;
  }

  private static ByteBuffer read(FileChannel channel, long position, int length)
      throws IOException {
    // zeros past the end of the file (or for a nonsense offset): no signature matches them
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    if (position < 0) {
      return buffer;
    }
    while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
      // keep reading
    }
    return buffer.clear();
  }
}
