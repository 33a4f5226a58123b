package io.tensorspace.convert.onnx;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The attributes of one TensorFlow node, built fluently by op handlers. */
public final class Attrs {
  private final Map<String, AttrValue> values = new LinkedHashMap<>();

  public static Attrs of() {
    return new Attrs();
  }

  public Attrs i(String name, long value) {
    values.put(name, AttrValue.newBuilder().setI(value).build());
    return this;
  }

  public Attrs f(String name, float value) {
    values.put(name, AttrValue.newBuilder().setF(value).build());
    return this;
  }

  public Attrs b(String name, boolean value) {
    values.put(name, AttrValue.newBuilder().setB(value).build());
    return this;
  }

  public Attrs s(String name, String value) {
    values.put(name, AttrValue.newBuilder().setS(ByteString.copyFromUtf8(value)).build());
    return this;
  }

  public Attrs ints(String name, long... list) {
    AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
    for (long v : list) {
      l.addI(v);
    }
    values.put(name, AttrValue.newBuilder().setList(l).build());
    return this;
  }

  public Attrs type(String name, DataType type) {
    values.put(name, AttrValue.newBuilder().setType(type).build());
    return this;
  }

  Attrs put(String name, AttrValue value) {
    values.put(name, value);
    return this;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Map<String, AttrValue> values() {
    return values;
  }
}
