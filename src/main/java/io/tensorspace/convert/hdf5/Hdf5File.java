package io.tensorspace.convert.hdf5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * An HDF5 file as Keras and h5py write it, read from a read-only memory map: the superblock
 * (versions 0 to 3, at the start of the file), object headers (versions 1 and 2), old-style groups
 * (symbol tables) and new-style compact groups, compact attributes and contiguous or compact
 * datasets. Anything else throws {@link Hdf5Unsupported}, and the caller reads the file with jHDF,
 * which reads all of HDF5; this reader exists because jHDF's ~90 classes and their interpreted
 * first run were most of converting a Keras file. Not thread-safe.
 */
public final class Hdf5File implements AutoCloseable {
  /** HDF5's undefined address (all bits set), as {@link #offset} returns it. */
  static final long UNDEFINED = -1L;
  private static final long SIGNATURE = 0x0a1a0a0d46444889L;
  private static final long LARGEST_MAP = Integer.MAX_VALUE;
  /** Bounds walks over linked structures, so that a damaged file cannot loop. */
  static final int MAX_LINKS = 1 << 20;

  private final ByteBuffer file;
  private final int offsetSize;
  private final int lengthSize;
  private final long rootAddress;
  private final Map<Long, Hdf5Object> objects = new HashMap<>();

  private Hdf5File(ByteBuffer file) {
    this.file = file;
    ByteBuffer in = at(0, 9);
    if (in.getLong() != SIGNATURE) {
      throw new Hdf5Unsupported("no HDF5 signature at the start of the file");
    }
    int version = in.get();
    if (version == 0 || version == 1) {
      ByteBuffer sb = at(9, 15);
      offsetSize = sizeField(sb.get(13 - 9));
      lengthSize = sizeField(sb.get(14 - 9));
      // four addresses, then the root's symbol table entry (two addresses and 24 bytes)
      ByteBuffer rest = at(version == 0 ? 24 : 28, 6L * offsetSize + 24);
      expect(offset(rest) == 0, "a base address other than 0");
      offset(rest); // free-space info
      checkEnd(offset(rest));
      offset(rest); // driver information block
      offset(rest); // the root's link name
      rootAddress = offset(rest);
    } else if (version == 2 || version == 3) {
      ByteBuffer sb = at(9, 3);
      offsetSize = sizeField(sb.get());
      lengthSize = sizeField(sb.get());
      int size = 12 + 4 * offsetSize;
      ByteBuffer rest = at(12, 4L * offsetSize + 4);
      checked(0, size);
      expect(offset(rest) == 0, "a base address other than 0");
      expect(offset(rest) == UNDEFINED, "a superblock extension");
      checkEnd(offset(rest));
      rootAddress = offset(rest);
    } else {
      throw new Hdf5Unsupported("superblock version " + version);
    }
  }

  /**
   * Opens {@code path}; {@link Hdf5Unsupported} when it is not an HDF5 file this reader reads (or
   * is larger than one map, 2 GiB).
   */
  public static Hdf5File open(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > LARGEST_MAP) {
        throw new Hdf5Unsupported("larger than one map");
      }
      // the map stays valid after the channel closes, until it is garbage
      ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      try {
        return new Hdf5File(map.order(ByteOrder.LITTLE_ENDIAN));
      } catch (RuntimeException e) {
        throw unsupported(e);
      }
    }
  }

  /** The root group. */
  public Hdf5Object root() {
    return object(rootAddress);
  }

  /** The object whose header is at {@code address}, parsed once. */
  Hdf5Object object(long address) {
    Hdf5Object object = objects.get(address);
    if (object == null) {
      object = new Hdf5Object(this, address);
      objects.put(address, object);
    }
    return object;
  }

  /** Releases nothing: the map is freed when it is garbage, as jHDF's is. */
  @Override
  public void close() {}

  long size() {
    return file.limit();
  }

  /** {@code size} bytes at {@code address}, little-endian, positioned at 0. */
  ByteBuffer at(long address, long size) {
    if (address < 0 || size < 0 || address > file.limit() - size) {
      throw new Hdf5Unsupported(size + " bytes at " + address + " are past the end of the file");
    }
    return file.slice((int) address, (int) size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * {@code bytes} as ASCII text. Names (of links, attributes) with other bytes are left to jHDF,
   * so that they are decoded as jHDF decodes them.
   */
  static String ascii(byte[] bytes) {
    for (byte b : bytes) {
      expect(b > 0, "a name that is not ASCII");
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  /** A view of {@code bytes} of its own, little-endian as all of HDF5's fields. */
  static ByteBuffer little(ByteBuffer bytes) {
    return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A little-endian view of {@code length} bytes of {@code bytes} from {@code index}. */
  static ByteBuffer slice(ByteBuffer bytes, int index, int length) {
    return bytes.slice(index, length).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** An address field read from {@code in}; {@link #UNDEFINED} when all its bits are set. */
  long offset(ByteBuffer in) {
    return unsigned(in, offsetSize);
  }

  /** A length field read from {@code in}. */
  long length(ByteBuffer in) {
    long length = unsigned(in, lengthSize);
    expect(length >= 0, "a length past 2^63");
    return length;
  }

  int offsetSize() {
    return offsetSize;
  }

  int lengthSize() {
    return lengthSize;
  }

  /**
   * The {@code length} bytes at {@code address}, once the lookup3 checksum that follows them is
   * checked, copied to the heap: a header is parsed there, where the interpreter reads a byte
   * with fewer calls than from the map.
   */
  ByteBuffer checked(long address, int length) {
    ByteBuffer bytes = at(address, length + 4L);
    byte[] checked = new byte[length];
    bytes.get(0, checked);
    expect(Lookup3.hash(checked) == bytes.getInt(length), "a checksum that does not match");
    return ByteBuffer.wrap(checked).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Reads {@code size} bytes as an unsigned little-endian number; all bits set gives -1. */
  static long unsigned(ByteBuffer in, int size) {
    long value = 0;
    boolean allSet = true;
    for (int i = 0; i < size; i++) {
      int b = in.get() & 0xff;
      allSet &= b == 0xff;
      value |= (long) b << (8 * i);
    }
    return allSet ? -1L : value;
  }

  static void expect(boolean condition, String otherwise) {
    if (!condition) {
      throw new Hdf5Unsupported(otherwise);
    }
  }

  /** As {@link #expect(boolean, String)}, the message ending in {@code value} (written on failure). */
  static void expect(boolean condition, String otherwise, int value) {
    if (!condition) {
      throw new Hdf5Unsupported(otherwise + value);
    }
  }

  /** {@code e} as {@link Hdf5Unsupported}: a read past a structure's end is damage. */
  static Hdf5Unsupported unsupported(RuntimeException e) {
    return e instanceof Hdf5Unsupported known ? known : new Hdf5Unsupported(e.toString());
  }

  private void checkEnd(long end) {
    // HDF5 refuses a file shorter than its superblock says; jHDF's path reports it
    expect(end != UNDEFINED && end <= file.limit(), "a file shorter than its superblock says");
  }

  private static int sizeField(byte size) {
    expect(size == 2 || size == 4 || size == 8, "addresses of " + size + " bytes");
    return size;
  }
}
