package io.tensorspace.convert.onnx;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One node attribute. Old exports (IR 1) write no {@code type}, so accessors read whichever field
 * is set.
 */
public record OnnxAttribute(String name, int type, float f, long i, byte[] s, OnnxTensor t,
    OnnxModel.Graph g, List<Double> floats, List<Long> ints, List<byte[]> strings,
    List<OnnxTensor> tensors, List<OnnxModel.Graph> graphs) {

  public OnnxAttribute {
    floats = List.copyOf(floats);
    ints = List.copyOf(ints);
    strings = List.copyOf(strings);
    tensors = List.copyOf(tensors);
    graphs = List.copyOf(graphs);
  }

  public String string() {
    return s == null ? "" : new String(s, StandardCharsets.UTF_8);
  }

  public long[] intArray() {
    return ints.stream().mapToLong(Long::longValue).toArray();
  }

  public float[] floatArray() {
    float[] out = new float[floats.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = floats.get(k).floatValue();
    }
    return out;
  }

  /** Collects the fields while the reader reads them. */
  static final class Builder {
    String name = "";
    int type;
    float f;
    long i;
    byte[] s;
    OnnxTensor t;
    OnnxModel.Graph g;
    final List<Double> floats = new ArrayList<>();
    final List<Long> ints = new ArrayList<>();
    final List<byte[]> strings = new ArrayList<>();
    final List<OnnxTensor> tensors = new ArrayList<>();
    final List<OnnxModel.Graph> graphs = new ArrayList<>();

    OnnxAttribute build() {
      return new OnnxAttribute(name, type, f, i, s, t, g, floats, ints, strings, tensors, graphs);
    }
  }
}
