package io.tensorspace.convert.keras;

import io.jhdf.GlobalHeap;
import io.jhdf.Utils;
import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.VariableLength;
import io.jhdf.storage.HdfBackingStorage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the string attributes Keras writes, whatever way h5py stored them. */
final class H5Attributes {
  private H5Attributes() {}

  /** A scalar string attribute, or null when absent. */
  static String string(Node node, String name) {
    Attribute attribute = node.getAttribute(name);
    if (attribute == null || attribute.isEmpty()) {
      return null;
    }
    String ascii = asciiVariableLength(node, attribute);
    if (ascii != null) {
      return ascii;
    }
    List<String> values = asStrings(attribute.getData());
    return values.isEmpty() ? null : values.get(0);
  }

  /**
   * A list-of-strings attribute. Keras splits attributes over 64 KiB into {@code name0, name1, …};
   * the chunks are joined in order. Absent or empty gives an empty list.
   */
  static List<String> strings(Node node, String name) {
    Attribute attribute = node.getAttribute(name);
    if (attribute != null) {
      return attribute.isEmpty() ? List.of() : asStrings(attribute.getData());
    }
    List<String> joined = new ArrayList<>();
    for (int chunk = 0; ; chunk++) {
      Attribute part = node.getAttribute(name + chunk);
      if (part == null) {
        return joined;
      }
      if (!part.isEmpty()) {
        joined.addAll(asStrings(part.getData()));
      }
    }
  }

  /**
   * A scalar variable-length string (how h5py stores Keras' model config) when its bytes are all
   * ASCII, copied from its global heap object at once; else null, and jHDF decodes it. jHDF
   * decodes it from the file's map a byte at a time, ~5 ms for a deep model's config in a fresh
   * JVM; ASCII bytes read the same in the ASCII and UTF-8 encodings HDF5 allows. The heap id is
   * read as jHDF reads it, and anything jHDF would do otherwise (several ids, an empty one, a
   * failure) is left to jHDF.
   */
  private static String asciiVariableLength(Node node, Attribute attribute) {
    if (!(attribute.getDataType() instanceof VariableLength type)
        || !type.isVariableLengthString() || attribute.getDimensionsAsLong().length != 0) {
      return null;
    }
    try {
      HdfBackingStorage storage = node.getHdfFile().getHdfBackingStorage();
      ByteBuffer id = attribute.getBuffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int length = type.getSize();
      int skip = length - storage.getSizeOfOffsets() - 4;
      if (skip < 0 || id.remaining() < length || id.remaining() >= 2 * length) {
        return null;
      }
      id.position(id.position() + skip);
      long heap = Utils.readBytesAsUnsignedLong(id, storage.getSizeOfOffsets());
      int index = Utils.readBytesAsUnsignedInt(id, 4);
      if (index == 0) {
        return null;
      }
      ByteBuffer object = new GlobalHeap(storage, heap).getObjectData(index);
      byte[] bytes = new byte[object.remaining()];
      object.get(bytes);
      String text = new String(bytes, StandardCharsets.US_ASCII);
      return text.indexOf('\uFFFD') < 0 ? text : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  static boolean has(Node node, String name) {
    return node.getAttribute(name) != null || node.getAttribute(name + "0") != null;
  }

  /** The strings in attribute data as jHDF decodes it (strings, byte arrays, arrays of them). */
  static List<String> asStrings(Object data) {
    List<String> values = new ArrayList<>();
    collect(data, values);
    return values;
  }

  private static void collect(Object data, List<String> into) {
    if (data == null) {
      return;
    }
    if (data instanceof String text) {
      into.add(text);
    } else if (data instanceof byte[] bytes) {
      into.add(new String(bytes, StandardCharsets.UTF_8));
    } else if (data instanceof Object[] array) {
      for (Object element : array) {
        collect(element, into);
      }
    } else {
      into.add(String.valueOf(data));
    }
  }
}
