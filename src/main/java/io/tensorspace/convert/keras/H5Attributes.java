package io.tensorspace.convert.keras;

import io.jhdf.api.Attribute;
import io.jhdf.api.Node;
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
