package io.tensorspace.convert.onnx;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.TensorData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an op handler sees of one ONNX node and how it emits TensorFlow nodes: the inputs with
 * static shapes, layouts and known values, the attributes, the opset, and emitters that name every
 * node after the node's first output ({@code <output>} for the result, {@code <output>/<suffix>}
 * for helpers), so names are deterministic.
 */
public final class OpContext {
  private final Path file;
  private final OnnxModel.Node node;
  private final long opset;
  private final List<Value> inputs;
  private final Value[] outputs;
  private final TfGraphBuilder graph;
  private final Set<String> emitted = new HashSet<>();
  private final List<Step> steps = new java.util.ArrayList<>();
  private final String base;

  /** Translates a subgraph of the node in place (the chosen branch of an If). */
  @FunctionalInterface
  interface Inliner {
    Value[] inline(OnnxModel.Graph graph) throws ConversionException;
  }

  private final Inliner inliner;

  OpContext(Path file, OnnxModel.Node node, long opset, List<Value> inputs, TfGraphBuilder graph,
      Inliner inliner) {
    this.inliner = inliner;
    this.file = file;
    this.node = node;
    this.opset = opset;
    this.inputs = inputs;
    this.outputs = new Value[node.outputs().size()];
    this.graph = graph;
    this.base = node.outputs().stream().filter(o -> !o.isEmpty()).findFirst()
        .orElse(node.label());
  }

  public OnnxModel.Node node() {
    return node;
  }

  public long opset() {
    return opset;
  }

  /** How many inputs the node lists (omitted optional ones included). */
  public int inputCount() {
    return inputs.size();
  }

  /** Whether input {@code i} is given (not omitted, not past the end). */
  public boolean has(int i) {
    return i < inputs.size() && inputs.get(i) != null;
  }

  public Value input(int i) throws ConversionException {
    if (!has(i)) {
      throw refuse("input " + i + " is missing");
    }
    return inputs.get(i);
  }

  public int outputCount() {
    return outputs.length;
  }

  // ---------------------------------------------------------------- attributes

  public boolean hasAttr(String name) {
    return node.attributes().containsKey(name);
  }

  public long attrInt(String name, long fallback) {
    OnnxAttribute a = node.attributes().get(name);
    return a == null ? fallback : a.i();
  }

  public float attrFloat(String name, float fallback) {
    OnnxAttribute a = node.attributes().get(name);
    return a == null ? fallback : a.f();
  }

  public long[] attrInts(String name, long[] fallback) {
    OnnxAttribute a = node.attributes().get(name);
    return a == null ? fallback : a.intArray();
  }

  public float[] attrFloats(String name, float[] fallback) {
    OnnxAttribute a = node.attributes().get(name);
    return a == null ? fallback : a.floatArray();
  }

  public String attrString(String name, String fallback) {
    OnnxAttribute a = node.attributes().get(name);
    return a == null ? fallback : a.string();
  }

  public OnnxAttribute attr(String name) {
    return node.attributes().get(name);
  }

  /** A non-negative axis of a rank-{@code rank} tensor, from an attribute or input value. */
  public int axis(long axis, int rank) throws ConversionException {
    long a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= Math.max(rank, 1)) {
      throw refuse("axis " + axis + " is out of range for rank " + rank);
    }
    return (int) a;
  }

  // ---------------------------------------------------------------- emitting

  /**
   * Adds a TensorFlow node; {@code suffix} null names it after the node's first output (the
   * node that gives the result), else {@code <output>/<suffix>}.
   */
  public String emit(String suffix, String op, List<String> inputNames, Attrs attrs) {
    String name = graph.node(suffix == null ? base : base + "/" + suffix, op, inputNames, attrs);
    emitted.add(name);
    return name;
  }

  /**
   * Adds the TensorFlow node that gives ONNX output {@code i}, named after that output (an
   * optional output the node omits is named after the first one).
   */
  public String emitOutput(int i, String op, List<String> inputNames, Attrs attrs) {
    String output = node.outputs().get(i);
    String name = graph.node(output.isEmpty() ? base + "/output_" + i : output, op, inputNames,
        attrs);
    emitted.add(name);
    return name;
  }

  /**
   * One step of a recurrent op unrolled over time, selectable by its TensorFlow node name: the
   * state after time step {@code index} of {@code direction}, one of ONNX output {@code of}.
   */
  public record Step(Value value, String of, String direction, int index, String state) {}

  /** Records a recurrent step's state as a selectable output of its own. */
  public void step(Value value, String direction, int index, String state) {
    steps.add(new Step(value, base, direction, index, state));
  }

  List<Step> steps() {
    return List.copyOf(steps);
  }

  /** The graph tensor holding {@code v}: a constant is added on first use. */
  public String tensor(Value v) {
    if (v.tf() != null) {
      return v.tf();
    }
    String name = graph.constant(v.constant(),
        v.constant().name().isEmpty() ? base + "/const" : v.constant().name());
    return name;
  }

  /** A 1-D int32 constant (shapes, axes, permutations). */
  public String ints(String suffix, long... values) {
    return graph.ints(base + "/" + suffix, new long[] {values.length}, values);
  }

  /** An int32 constant of any shape (e.g. the [rank, 2] paddings of Pad). */
  public String intTensor(String suffix, long[] shape, long[] values) {
    return graph.ints(base + "/" + suffix, shape, values);
  }

  /** A float32 constant of the given TensorFlow shape whose bytes are made when written. */
  public String weight(String suffix, long[] tfShape, TensorData data) {
    return graph.weight(base + "/" + suffix, tfShape, data);
  }

  /**
   * The outputs of a subgraph attribute translated where the node stands, its nodes reading the
   * values around it (If with a condition known while translating).
   */
  public Value[] inline(OnnxModel.Graph subgraph) throws ConversionException {
    return inliner.inline(subgraph);
  }

  /** The value in channels-last layout (rank 3 and more; lower ranks are returned as they are). */
  public Value channelsLast(Value v) throws ConversionException {
    if (v.layout() == Layout.CHANNELS_LAST || v.rank() < 3) {
      return v.layout() == Layout.FLAT_CHANNELS_LAST ? onnxLayout(v) : v;
    }
    Value plain = onnxLayout(v);
    String t = emit("to_channels_last", "Transpose", List.of(tensor(plain),
        ints("to_channels_last_perm", toLongs(Layout.toChannelsLast(v.rank())))), Attrs.of());
    return Value.computed(t, v.shape(), Layout.CHANNELS_LAST, v.elemType());
  }

  /** The value in ONNX layout, transposed (or un-flattened) back where needed. */
  public Value onnxLayout(Value v) throws ConversionException {
    switch (v.layout()) {
      case ONNX -> {
        return v;
      }
      case CHANNELS_LAST -> {
        String t = emit("to_onnx_layout", "Transpose", List.of(v.tf(),
            ints("to_onnx_layout_perm", toLongs(Layout.toChannelsFirst(v.rank())))), Attrs.of());
        return Value.computed(t, v.shape(), Layout.ONNX, v.elemType());
      }
      default -> {
        long[] from = v.unflattened();
        long[] nhwc = Layout.permute(from, Layout.toChannelsLast(from.length));
        String r = emit("unflatten", "Reshape", List.of(v.tf(), ints("unflatten_shape", nhwc)),
            Attrs.of());
        String t = emit("to_onnx_layout", "Transpose", List.of(r,
            ints("to_onnx_layout_perm", toLongs(Layout.toChannelsFirst(from.length)))), Attrs.of());
        String f = emit("flatten", "Reshape", List.of(t, ints("flatten_shape", v.shape())),
            Attrs.of());
        return Value.computed(f, v.shape(), Layout.ONNX, v.elemType());
      }
    }
  }

  /** A computed float result of this node. */
  public Value result(String tf, long[] shape, Layout layout) {
    return Value.computed(tf, shape, layout, ElemType.FLOAT);
  }

  /** Binds ONNX output {@code i}. */
  public void output(int i, Value v) {
    outputs[i] = v;
  }

  /** Whether the node emitted {@code tfNode} itself (not passed an input through). */
  boolean emitted(String tfNode) {
    return emitted.contains(tfNode);
  }

  Value[] outputs() {
    return outputs.clone();
  }

  String base() {
    return base;
  }

  // ---------------------------------------------------------------- refusals

  /** The node uses a setting this converter does not translate. */
  public ConversionException unsupported(String what) {
    return new ConversionException(where() + " " + what + ", which this converter does not"
        + " translate yet. Select an earlier output with <outputLayers> (the summary goal lists"
        + " them), or open an issue with the model.");
  }

  /** The node is malformed. */
  public ConversionException refuse(String why) {
    return new ConversionException(where() + ": " + why + ". The model is damaged or not a"
        + " valid ONNX model; export it again.");
  }

  private String where() {
    return file + ": node '" + node.label() + "' (" + node.opType() + ", opset " + opset + ")";
  }

  static long[] toLongs(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }
}
