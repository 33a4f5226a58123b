package io.tensorspace.testing.onnx;

import com.google.protobuf.ByteString;
import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import io.tensorspace.testing.onnx.Onnx.AttributeProto.AttributeType;
import io.tensorspace.testing.onnx.Onnx.GraphProto;
import io.tensorspace.testing.onnx.Onnx.TensorProto;

/** Node attributes, typed as IR version 2+ requires. */
public final class Attr {
  private Attr() {}

  public static AttributeProto i(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
  }

  public static AttributeProto f(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(value)
        .build();
  }

  public static AttributeProto s(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  public static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  public static AttributeProto floats(String name, float... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  public static AttributeProto strings(String name, String... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeType.STRINGS);
    for (String v : values) {
      a.addStrings(ByteString.copyFromUtf8(v));
    }
    return a.build();
  }

  public static AttributeProto tensor(String name, TensorProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.TENSOR).setT(value)
        .build();
  }

  public static AttributeProto graph(String name, GraphProto value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.GRAPH).setG(value)
        .build();
  }
}
