package io.tensorspace.convert.hdf5;

import static io.tensorspace.convert.hdf5.Hdf5File.expect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A string attribute (message versions 1 to 3) decoded as jHDF decodes it: fixed-length strings
 * cut at their padding, variable-length ones fetched from the global heap, each in its character
 * set. Attributes of other types are unsupported.
 */
public final class Hdf5Attribute {
  private static final int SCALAR = 0;
  private static final int NULL_SPACE = 2;
  private static final int GCOL = 0x4c4f4347;

  private final Hdf5File file;
  private final String name;
  private final Hdf5Type type;
  private final long[] shape;
  private final boolean empty;
  private final ByteBuffer data;

  private Hdf5Attribute(Hdf5File file, String name, Hdf5Type type, long[] shape, boolean empty,
      ByteBuffer data) {
    this.file = file;
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.empty = empty;
    this.data = data;
  }

  static Hdf5Attribute read(Hdf5File file, ByteBuffer in) {
    int version = in.get();
    expect(version >= 1 && version <= 3, "attribute message version ", version);
    expect((in.get() & 0x03) == 0, "a shared datatype or dataspace");
    int nameSize = in.getShort() & 0xffff;
    int typeSize = in.getShort() & 0xffff;
    int spaceSize = in.getShort() & 0xffff;
    if (version == 3) {
      in.get(); // the name's character set: names are read when they are ASCII
    }
    byte[] name = new byte[Math.max(0, nameSize - 1)];
    in.get(name);
    in.position(in.position() + 1);
    align(in, version, nameSize);
    Hdf5Type type = Hdf5Type.read(Hdf5File.slice(in, in.position(), typeSize));
    in.position(in.position() + typeSize);
    align(in, version, typeSize);
    ByteBuffer space = Hdf5File.slice(in, in.position(), spaceSize);
    in.position(in.position() + spaceSize);
    align(in, version, spaceSize);
    boolean nullSpace = space.get(0) == 2 && space.get(3) == NULL_SPACE;
    long[] shape = shape(file, space);
    boolean empty = nullSpace;
    for (long dim : shape) {
      empty |= dim == 0;
    }
    return new Hdf5Attribute(file, Hdf5File.ascii(name), type, shape, empty,
        Hdf5File.slice(in, in.position(), in.remaining()));
  }

  /** A dataspace message's dimensions (empty for a scalar or null dataspace). */
  static long[] shape(Hdf5File file, ByteBuffer in) {
    int version = in.get();
    int rank = in.get() & 0xff;
    int flags = in.get();
    expect(version == 1 || version == 2, "dataspace version ", version);
    expect(rank <= 32 && (flags & 0x02) == 0, "a dataspace of permuted dimensions");
    if (version == 2) {
      int spaceType = in.get();
      expect(spaceType != NULL_SPACE || rank == 0, "a null dataspace with dimensions");
    } else {
      in.position(in.position() + 5);
    }
    long[] shape = new long[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = file.length(in);
    }
    return shape;
  }

  public String name() {
    return name;
  }

  /** Whether it has no value: a null dataspace or no elements (as jHDF's isEmpty). */
  public boolean isEmpty() {
    return empty;
  }

  /** The strings, in row-major order (one for a scalar). */
  public List<String> strings() {
    try {
      long count = 1;
      for (long dim : shape) {
        count = Math.multiplyExact(count, dim);
      }
      expect(count <= data.remaining() / type.size(), "more strings than bytes");
      List<String> strings = new ArrayList<>((int) count);
      for (int i = 0; i < count; i++) {
        ByteBuffer element = Hdf5File.slice(data, i * type.size(), type.size());
        strings.add(type.typeClass() == Hdf5Type.STRING ? fixed(element) : variable(element));
      }
      return strings;
    } catch (RuntimeException e) {
      throw Hdf5File.unsupported(e);
    }
  }

  /** A fixed-length string, cut as its padding says; all padding is left to jHDF. */
  private String fixed(ByteBuffer element) {
    expect(type.typeClass() == Hdf5Type.STRING, "not a string");
    int end = 0;
    if (type.padding() == 0) {
      while (end < element.limit() && element.get(end) != 0) {
        end++;
      }
    } else {
      byte pad = (byte) (type.padding() == 1 ? 0 : ' ');
      end = element.limit();
      while (end > 0 && element.get(end - 1) == pad) {
        end--;
      }
      expect(end > 0, "a string of padding only");
    }
    byte[] bytes = new byte[end];
    element.get(0, bytes);
    return new String(bytes, type.charset());
  }

  /** A variable-length string: its length, then its global heap collection and index. */
  private String variable(ByteBuffer element) {
    long length = element.getInt() & 0xffffffffL;
    long collection = file.offset(element);
    int index = element.getInt();
    expect(index != 0 && length > 0, "an empty variable-length string");
    byte[] bytes = heapObject(collection, index);
    expect(bytes.length == length, "a heap object of another length");
    return new String(bytes, type.charset()); // nulls kept, as jHDF keeps them
  }

  /** Object {@code index} of the global heap collection ("GCOL") at {@code address}. */
  private byte[] heapObject(long address, int index) {
    ByteBuffer head = file.at(address, 8 + file.lengthSize());
    expect(head.getInt() == GCOL && head.get() == 1, "a global heap collection");
    head.position(8);
    long size = file.length(head);
    ByteBuffer heap = file.at(address, size);
    heap.position(head.limit());
    while (heap.remaining() >= 8 + file.lengthSize()) {
      int at = heap.getShort() & 0xffff;
      heap.position(heap.position() + 6);
      long objectSize = file.length(heap);
      expect(at != 0 && objectSize <= heap.remaining(), "no such heap object");
      if (at == index) {
        byte[] bytes = new byte[(int) objectSize];
        heap.get(bytes);
        return bytes;
      }
      heap.position(heap.position() + (int) ((objectSize + 7) & ~7L));
    }
    throw new Hdf5Unsupported("no heap object " + index);
  }

  /** Version 1 pads the name, datatype and dataspace to multiples of 8 bytes. */
  private static void align(ByteBuffer in, int version, int size) {
    if (version == 1) {
      in.position(in.position() + ((8 - size % 8) % 8));
    }
  }
}
