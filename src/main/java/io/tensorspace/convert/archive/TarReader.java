package io.tensorspace.convert.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the entries of a tar stream (POSIX ustar and pax, GNU long names), enough for the model
 * archives GNU tar, bsdtar and Python's tarfile write. Each entry's content is read through
 * {@link #content()} before the next; a malformed header is an {@link IOException}.
 */
final class TarReader {
  private static final int BLOCK = 512;
  /** pax and GNU long-name headers are read into memory: real ones are a few hundred bytes. */
  private static final int MAX_META_BYTES = 1 << 20;

  /** What an entry is; links and special files are refused by the unpacker. */
  enum Type { FILE, DIRECTORY, SYMLINK, HARD_LINK, OTHER }

  record Entry(String name, Type type, long size, char flag) {}

  /** The bytes are not a tar archive, or a damaged one. */
  static final class Malformed extends IOException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message);
    }
  }

  private final InputStream in;
  private long remaining;
  private int padding;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive. */
  Entry next() throws IOException {
    skip(remaining + padding);
    Map<String, String> pax = new HashMap<>();
    String longName = null;
    while (true) {
      byte[] header = in.readNBytes(BLOCK);
      if (header.length == 0 || isZero(header)) {
        return null;
      }
      if (header.length < BLOCK) {
        throw new EOFException("the archive ends inside an entry header");
      }
      checkSum(header);
      char flag = (char) header[156];
      long size = size(header);
      if (flag == 'x' || flag == 'L') {
        byte[] data = meta(size);
        if (flag == 'L') {
          longName = cString(data, 0, data.length);
        } else {
          pax.putAll(pax(data));
        }
        continue;
      }
      if (flag == 'g' || flag == 'K') {
        // global pax settings and GNU long link names: links are refused anyway
        meta(size);
        continue;
      }
      String name = pax.containsKey("path") ? pax.get("path")
          : longName != null ? longName : name(header);
      if (pax.containsKey("size")) {
        size = parseLong(pax.get("size"));
      }
      remaining = size;
      padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
      return new Entry(name, type(flag), size, flag);
    }
  }

  /** The current entry's content; the stream ends where the entry ends. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int read = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (read < 0) {
          throw new EOFException("the archive ends inside an entry");
        }
        remaining -= read;
        return read;
      }
    };
  }

  private static Type type(char flag) {
    return switch (flag) {
      case '0', '\0', '7' -> Type.FILE;
      case '5' -> Type.DIRECTORY;
      case '2' -> Type.SYMLINK;
      case '1' -> Type.HARD_LINK;
      default -> Type.OTHER;
    };
  }

  private byte[] meta(long size) throws IOException {
    if (size < 0 || size > MAX_META_BYTES) {
      throw new Malformed("a tar extended header of " + size + " bytes");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new EOFException("the archive ends inside an extended header");
    }
    skip((BLOCK - size % BLOCK) % BLOCK);
    return data;
  }

  /** pax records: {@code "<length> <key>=<value>\n"}. */
  private static Map<String, String> pax(byte[] data) throws IOException {
    Map<String, String> values = new HashMap<>();
    int at = 0;
    while (at < data.length) {
      int space = at;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length = (int) parseLong(new String(data, at, space - at, StandardCharsets.US_ASCII));
      if (length <= space - at || at + length > data.length) {
        throw new Malformed("a malformed tar pax record");
      }
      String record = new String(data, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
      int equals = record.indexOf('=');
      if (equals < 0) {
        throw new Malformed("a malformed tar pax record");
      }
      values.put(record.substring(0, equals), record.substring(equals + 1));
      at += length;
    }
    return values;
  }

  private static String name(byte[] header) {
    String name = cString(header, 0, 100);
    boolean ustar = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
    String prefix = ustar && header[345] != 0 ? cString(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** Octal, or GNU's base-256 (high bit set) for sizes past 8 GiB. */
  private static long size(byte[] header) throws IOException {
    if ((header[124] & 0x80) != 0) {
      long value = 0;
      for (int i = 125; i < 136; i++) {
        value = (value << 8) | (header[i] & 0xFF);
      }
      if (value < 0 || (header[124] & 0x7F) != 0) {
        throw new Malformed("a tar entry size out of range");
      }
      return value;
    }
    return octal(header, 124, 12);
  }

  private static void checkSum(byte[] header) throws IOException {
    long stored = octal(header, 148, 8);
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
    }
    if (sum != stored) {
      throw new Malformed("a tar header with a wrong checksum (not a tar archive, or damaged)");
    }
  }

  private static long octal(byte[] header, int offset, int length) throws IOException {
    String text = cString(header, offset, length).trim();
    if (text.isEmpty()) {
      return 0;
    }
    if (!text.matches("[0-7]{1,21}")) {
      throw new Malformed("a tar header field that is not an octal number: '" + text + "'");
    }
    return Long.parseLong(text, 8);
  }

  private static long parseLong(String text) throws IOException {
    if (!text.matches("\\d{1,18}")) {
      throw new Malformed("a tar pax number that is not one: '" + text + "'");
    }
    return Long.parseLong(text);
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void skip(long count) throws IOException {
    long left = count;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException("the archive ends inside an entry");
        }
        skipped = 1;
      }
      left -= skipped;
    }
    remaining = 0;
    padding = 0;
  }
}
