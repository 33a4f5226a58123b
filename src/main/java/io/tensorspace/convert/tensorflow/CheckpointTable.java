package io.tensorspace.convert.tensorflow;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.tensorspace.convert.ConversionException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The LevelDB-format table of a checkpoint index, read whole: footer, index block, data blocks.
 * Each block ends in a trailer of one type byte (0 raw, 1 Snappy, as TensorFlow 1.x's table
 * builder wrote when Snappy was available) and a masked CRC-32C of the block and type, which is
 * checked, so a damaged block is refused instead of misread.
 */
final class CheckpointTable {
  private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER_LENGTH = 48;
  private static final int TRAILER_LENGTH = 5;
  private static final int RAW = 0;
  private static final int SNAPPY = 1;
  /**
   * The most a Snappy stream can expand: a 3-byte copy element yields at most 64 bytes. A block
   * declaring more is not Snappy data (or a decompression bomb), refused before allocating.
   */
  private static final int SNAPPY_MAX_EXPANSION = 22;

  private final Path file;
  private final ByteBuffer bytes;

  private CheckpointTable(Path file, ByteBuffer bytes) {
    this.file = file;
    this.bytes = bytes;
  }

  /** Every key and value of the table {@code bytes} read from {@code file}, in key order. */
  static Map<String, byte[]> entries(Path file, byte[] bytes) throws ConversionException {
    CheckpointTable table =
        new CheckpointTable(file, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    return table.entries();
  }

  private Map<String, byte[]> entries() throws ConversionException {
    if (bytes.limit() < FOOTER_LENGTH || bytes.getLong(bytes.limit() - 8) != TABLE_MAGIC) {
      throw new ConversionException(file + " is not a TensorFlow checkpoint index (bad magic).");
    }
    ByteBuffer footer = slice(bytes.limit() - FOOTER_LENGTH, FOOTER_LENGTH);
    varint(footer); // metaindex handle: offset
    varint(footer); // metaindex handle: size
    long indexOffset = varint(footer);
    long indexSize = varint(footer);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (byte[] handle : block(indexOffset, indexSize).values()) {
      ByteBuffer h = ByteBuffer.wrap(handle);
      long offset = varint(h);
      long size = varint(h);
      entries.putAll(block(offset, size));
    }
    return entries;
  }

  /** The entries of one block, key to value, in key order. */
  private Map<String, byte[]> block(long offset, long size) throws ConversionException {
    if (offset < 0 || size < 0 || offset + size + TRAILER_LENGTH > bytes.limit() - FOOTER_LENGTH) {
      throw damaged("block at offset " + offset + " (" + size + " bytes) lies outside the file");
    }
    ByteBuffer block = contents((int) offset, (int) size);
    int restarts = block.getInt(block.limit() - 4);
    int end = block.limit() - 4 - 4 * restarts;
    if (restarts < 0 || end < 0) {
      throw damaged("block at offset " + offset + " has " + restarts + " restart points");
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    byte[] key = new byte[0];
    block.position(0);
    while (block.position() < end) {
      int shared = (int) varint(block);
      int nonShared = (int) varint(block);
      int valueLength = (int) varint(block);
      byte[] next = Arrays.copyOf(key, shared + nonShared);
      block.get(next, shared, nonShared);
      byte[] value = new byte[valueLength];
      block.get(value);
      key = next;
      out.put(new String(key, StandardCharsets.UTF_8), value);
    }
    return out;
  }

  /** A block's contents, its checksum verified and Snappy-decompressed if so stored. */
  private ByteBuffer contents(int offset, int size) throws ConversionException {
    int type = bytes.get(offset + size) & 0xff;
    CRC32C crc = new CRC32C();
    crc.update(slice(offset, size + 1));
    int stored = bytes.getInt(offset + size + 1);
    if (unmask(stored) != (int) crc.getValue()) {
      throw damaged("block at offset " + offset + " fails its checksum");
    }
    if (type == RAW) {
      return slice(offset, size);
    }
    if (type != SNAPPY) {
      throw damaged("block at offset " + offset + " has compression type " + type
          + " (only 0, none, and 1, Snappy, exist)");
    }
    return ByteBuffer.wrap(snappy(offset, size)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private byte[] snappy(int offset, int size) throws ConversionException {
    byte[] compressed = new byte[size];
    bytes.get(offset, compressed);
    long declared = varint(ByteBuffer.wrap(compressed));
    if (declared < 0 || declared > (long) size * SNAPPY_MAX_EXPANSION) {
      throw damaged("Snappy block at offset " + offset + " declares "
          + Long.toUnsignedString(declared) + " bytes from " + size
          + ", more than Snappy can expand to (a decompression bomb?)");
    }
    byte[] out = new byte[(int) declared];
    try {
      int written = new SnappyDecompressor().decompress(compressed, 0, size, out, 0, out.length);
      if (written != declared) {
        throw damaged("Snappy block at offset " + offset + " gave " + written + " of "
            + declared + " bytes");
      }
    } catch (MalformedInputException | IllegalArgumentException e) {
      throw damaged("Snappy block at offset " + offset + " does not decompress ("
          + e.getMessage() + ")");
    }
    return out;
  }

  /** LevelDB stores a CRC rotated and offset so that a CRC of CRCs stays meaningful. */
  private static int unmask(int masked) {
    int rotated = masked - 0xa282ead8;
    return (rotated >>> 17) | (rotated << 15);
  }

  private ConversionException damaged(String what) {
    return new ConversionException(file + " is a damaged TensorFlow checkpoint index: " + what
        + ". Export the SavedModel again.");
  }

  private ByteBuffer slice(int offset, int length) {
    ByteBuffer dup = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    dup.position(offset).limit(offset + length);
    return dup.slice().order(ByteOrder.LITTLE_ENDIAN);
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
