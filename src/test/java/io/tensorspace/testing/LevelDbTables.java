package io.tensorspace.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * Re-encodes a checkpoint index (a LevelDB-format table, as TensorFlow writes {@code
 * variables.index}) the way TensorFlow 1.x's table builder wrote it when built with Snappy: data
 * blocks of about {@code blockSize} bytes with prefix-compressed keys and a restart point every 16
 * keys, an empty metaindex block, an index block, each block Snappy-compressed (by snappy-java,
 * Google's C++ Snappy, not the plugin's decoder) and kept compressed only when that saves at
 * least an eighth, followed by its type byte and masked CRC-32C; then the 48-byte footer.
 */
public final class LevelDbTables {
  private static final long MAGIC = 0xdb4775248b80fb57L;
  private static final int RESTART_INTERVAL = 16;

  private LevelDbTables() {}

  /** One key and value. */
  public record Entry(byte[] key, byte[] value) {}

  /**
   * What {@link #write} produced: the file, how many blocks it has, and where each block stored
   * compressed lies ({offset, size} of its contents, before the trailer).
   */
  public record Table(byte[] bytes, int blocks, List<int[]> compressed) {
    public int compressedBlocks() {
      return compressed.size();
    }
  }

  /** The entries of an uncompressed table (as TensorFlow 2 writes it), in order. */
  public static List<Entry> read(byte[] file) {
    ByteBuffer all = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (all.getLong(file.length - 8) != MAGIC) {
      throw new IllegalArgumentException("not a table");
    }
    ByteBuffer footer = all.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(file.length - 48);
    varint(footer);
    varint(footer);
    List<Entry> entries = new ArrayList<>();
    for (Entry handle : block(file, (int) varint(footer), (int) varint(footer))) {
      ByteBuffer h = ByteBuffer.wrap(handle.value());
      entries.addAll(block(file, (int) varint(h), (int) varint(h)));
    }
    return entries;
  }

  private static List<Entry> block(byte[] file, int offset, int size) {
    if (file[offset + size] != 0) {
      throw new IllegalArgumentException("expected an uncompressed block");
    }
    ByteBuffer b = ByteBuffer.wrap(file, offset, size).slice().order(ByteOrder.LITTLE_ENDIAN);
    int end = size - 4 - 4 * b.getInt(size - 4);
    List<Entry> out = new ArrayList<>();
    byte[] key = new byte[0];
    while (b.position() < end) {
      int shared = (int) varint(b);
      int nonShared = (int) varint(b);
      byte[] value = new byte[(int) varint(b)];
      key = Arrays.copyOf(key, shared + nonShared);
      b.get(key, shared, nonShared);
      b.get(value);
      out.add(new Entry(key, value));
    }
    return out;
  }

  /** A table of {@code entries} (sorted, as read) with data blocks of about {@code blockSize}. */
  public static Table write(List<Entry> entries, int blockSize) {
    return write(entries, blockSize, UnaryOperator.identity());
  }

  /**
   * The same, with each Snappy block's contents passed through {@code tamper} before its checksum
   * is computed (a damaged or hostile block that still has a valid checksum).
   */
  public static Table write(List<Entry> entries, int blockSize, UnaryOperator<byte[]> tamper) {
    Writer w = new Writer(tamper);
    BlockBuilder data = new BlockBuilder(RESTART_INTERVAL);
    BlockBuilder index = new BlockBuilder(1);
    byte[] last = null;
    for (Entry e : entries) {
      data.add(e.key(), e.value());
      last = e.key();
      if (data.size() >= blockSize) {
        index.add(last, w.block(data.finish()));
        data = new BlockBuilder(RESTART_INTERVAL);
      }
    }
    if (!data.isEmpty()) {
      index.add(last, w.block(data.finish()));
    }
    byte[] metaHandle = w.block(new BlockBuilder(RESTART_INTERVAL).finish());
    byte[] indexHandle = w.block(index.finish());
    ByteBuffer footer = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
    footer.put(metaHandle).put(indexHandle).position(40);
    footer.putLong(MAGIC);
    w.out.writeBytes(footer.array());
    return new Table(w.out.toByteArray(), w.blocks, w.compressed);
  }

  /** Appends blocks with their trailers. */
  private static final class Writer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final UnaryOperator<byte[]> tamper;
    final List<int[]> compressed = new ArrayList<>();
    int blocks;

    Writer(UnaryOperator<byte[]> tamper) {
      this.tamper = tamper;
    }

    /** Writes one block; returns its handle (offset and size varints). */
    byte[] block(byte[] raw) {
      byte[] contents = raw;
      byte type = 0;
      try {
        byte[] packed = Snappy.compress(raw);
        if (packed.length < raw.length - raw.length / 8) {
          contents = tamper.apply(packed);
          type = 1;
          compressed.add(new int[] {out.size(), contents.length});
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      blocks++;
      long offset = out.size();
      out.writeBytes(contents);
      out.write(type);
      CRC32C crc = new CRC32C();
      crc.update(contents);
      crc.update(type);
      out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(mask((int) crc.getValue())).array());
      ByteArrayOutputStream handle = new ByteArrayOutputStream();
      putVarint(handle, offset);
      putVarint(handle, contents.length);
      return handle.toByteArray();
    }
  }

  /** LevelDB's masked CRC: rotated right by 15 bits plus a constant. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
  }

  /** Keys with the prefix they share with the previous key left out, restarts every n keys. */
  private static final class BlockBuilder {
    final int interval;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<Integer> restarts = new ArrayList<>(List.of(0));
    byte[] previous = new byte[0];
    int counter;

    BlockBuilder(int interval) {
      this.interval = interval;
    }

    void add(byte[] key, byte[] value) {
      int shared = 0;
      if (counter < interval) {
        while (shared < Math.min(key.length, previous.length) && key[shared] == previous[shared]) {
          shared++;
        }
      } else {
        restarts.add(out.size());
        counter = 0;
      }
      putVarint(out, shared);
      putVarint(out, key.length - shared);
      putVarint(out, value.length);
      out.write(key, shared, key.length - shared);
      out.writeBytes(value);
      previous = key;
      counter++;
    }

    boolean isEmpty() {
      return out.size() == 0;
    }

    int size() {
      return out.size() + 4 * restarts.size() + 4;
    }

    byte[] finish() {
      ByteBuffer tail = ByteBuffer.allocate(4 * restarts.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
      restarts.forEach(tail::putInt);
      tail.putInt(restarts.size());
      out.writeBytes(tail.array());
      return out.toByteArray();
    }
  }

  private static void putVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long varint(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("malformed varint");
  }
}
