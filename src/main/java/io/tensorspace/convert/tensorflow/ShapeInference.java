package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Output shapes for the summary, so users can pick nodes without running the graph: what the graph
 * records ({@code _output_shapes}, placeholder and constant shapes), carried through the ops
 * visualised models are made of (convolution, pooling, MatMul, reshape, element-wise, concat,
 * padding, reductions such as global pooling's Mean).
 * Unknown dimensions are -1; a shape that cannot be known without running the graph is absent.
 */
final class ShapeInference {
  private static final Set<String> SAME_SHAPE = Set.of("Relu", "Relu6", "Elu", "Selu", "Sigmoid",
      "Tanh", "Softmax", "LogSoftmax", "BiasAdd", "Identity", "LeakyRelu", "Softplus",
      "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "LRN", "Neg", "Exp", "Sqrt", "Rsqrt",
      "Square", "Abs", "StopGradient", "Snapshot", "Cast", "ClipByValue", "Floor", "Ceil", "Round",
      "Log", "Reciprocal", "Sign", "Erf", "Prelu");
  private static final Set<String> BROADCAST = Set.of("Add", "AddV2", "Sub", "Mul", "RealDiv",
      "Div", "Maximum", "Minimum", "Pow", "SquaredDifference", "FloorDiv", "FloorMod", "DivNoNan");
  private static final Set<String> CONV = Set.of("Conv2D", "_FusedConv2D",
      "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative");
  private static final Set<String> POOL = Set.of("MaxPool", "AvgPool");
  private static final Set<String> PAD = Set.of("Pad", "PadV2", "MirrorPad");
  private static final Set<String> REDUCE = Set.of("Mean", "Max", "Min", "Sum", "Prod");

  private final TfGraph graph;
  private final Map<String, List<Long>> shapes = new HashMap<>();

  private ShapeInference(TfGraph graph) {
    this.graph = graph;
  }

  static Map<String, String> infer(TfGraph graph) {
    Map<String, String> out = new HashMap<>();
    dims(graph).forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  /** Each node's first output shape, -1 for unknown dimensions; absent when unknown. */
  static Map<String, List<Long>> dims(TfGraph graph) {
    return dims(graph, graph.topologicalOrder());
  }

  /** {@link #dims(TfGraph)} for a caller that has the graph's topological order already. */
  static Map<String, List<Long>> dims(TfGraph graph, List<String> order) {
    ShapeInference inference = new ShapeInference(graph);
    for (String name : order) {
      List<Long> shape;
      try {
        shape = inference.shape(graph.node(name));
      } catch (RuntimeException e) {
        shape = null; // an odd attr only costs the summary a shape
      }
      if (shape != null) {
        inference.shapes.put(name, shape);
      }
    }
    return inference.shapes;
  }

  private List<Long> input(NodeDef node, int i) {
    int k = -1;
    for (String input : node.getInputList()) {
      if (!Tensors.isControl(input) && ++k == i) {
        return Tensors.index(input) == 0 ? shapes.get(Tensors.node(input)) : null;
      }
    }
    return null;
  }

  private List<Long> shape(NodeDef node) {
    AttrValue recorded = node.getAttrMap().get("_output_shapes");
    if (recorded != null && recorded.getList().getShapeCount() > 0) {
      return dims(recorded.getList().getShape(0));
    }
    String op = node.getOp();
    if (op.startsWith("Placeholder") && node.containsAttr("shape")) {
      return dims(node.getAttrOrThrow("shape").getShape());
    }
    if (op.equals("Const") && node.containsAttr("value")) {
      return dims(node.getAttrOrThrow("value").getTensor().getTensorShape());
    }
    List<Long> x = input(node, 0);
    if (SAME_SHAPE.contains(op)) {
      return x;
    }
    if (BROADCAST.contains(op)) {
      return broadcast(x, input(node, 1));
    }
    if (CONV.contains(op) || POOL.contains(op)) {
      return window(node, x, POOL.contains(op) ? null : input(node, 1));
    }
    if (op.equals("MatMul") || op.equals("_FusedMatMul")) {
      List<Long> y = input(node, 1);
      if (x == null || y == null || x.size() != 2 || y.size() != 2) {
        return null;
      }
      boolean ta = node.getAttrOrDefault("transpose_a", AttrValue.getDefaultInstance()).getB();
      boolean tb = node.getAttrOrDefault("transpose_b", AttrValue.getDefaultInstance()).getB();
      return List.of(x.get(ta ? 1 : 0), y.get(tb ? 0 : 1));
    }
    if (op.equals("Reshape")) {
      return reshape(x, constant(node, 1));
    }
    if (op.equals("Transpose")) {
      List<Long> perm = constant(node, 1);
      if (x != null && perm == null && x.size() == 2) {
        // a perm computed in the graph (Rank/Range/Sub) is tf.transpose's default: reversed axes
        perm = List.of(1L, 0L);
      }
      if (x == null || perm == null || perm.size() != x.size()) {
        return null;
      }
      List<Long> out = new ArrayList<>();
      for (long p : perm) {
        out.add(x.get((int) p));
      }
      return out;
    }
    if (op.equals("ConcatV2")) {
      return concat(node);
    }
    if (PAD.contains(op)) {
      return pad(x, constant(node, 1));
    }
    if (REDUCE.contains(op)) {
      return reduce(x, constant(node, 1),
          node.getAttrOrDefault("keep_dims", AttrValue.getDefaultInstance()).getB());
    }
    return null;
  }

  /** Pad's paddings are [rank, 2]: before and after each dimension. */
  private static List<Long> pad(List<Long> x, List<Long> paddings) {
    if (x == null || paddings == null || paddings.size() != 2 * x.size()) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      long d = x.get(i);
      out.add(d < 0 ? -1 : d + paddings.get(2 * i) + paddings.get(2 * i + 1));
    }
    return out;
  }

  /** Mean, Max... over constant axes: each becomes 1 with keep_dims, is dropped without. */
  private static List<Long> reduce(List<Long> x, List<Long> axes, boolean keepDims) {
    if (x == null || axes == null) {
      return null;
    }
    Set<Integer> reduced = new java.util.HashSet<>();
    for (long axis : axes) {
      reduced.add((int) (axis < 0 ? axis + x.size() : axis));
    }
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      if (!reduced.contains(i)) {
        out.add(x.get(i));
      } else if (keepDims) {
        out.add(1L);
      }
    }
    return out;
  }

  /** Convolution and pooling outputs: SAME is ceil(in / stride), VALID ceil((in - k + 1) / s). */
  private List<Long> window(NodeDef node, List<Long> x, List<Long> filter) {
    if (x == null || x.size() != 4) {
      return null;
    }
    boolean nchw = node.getAttrOrDefault("data_format", AttrValue.getDefaultInstance()).getS()
        .toStringUtf8().equals("NCHW");
    int h = nchw ? 2 : 1;
    int w = nchw ? 3 : 2;
    int c = nchw ? 1 : 3;
    List<Long> strides = node.getAttrOrThrow("strides").getList().getIList();
    String padding = node.getAttrOrThrow("padding").getS().toStringUtf8();
    long kh;
    long kw;
    long channels;
    if (filter == null) {
      List<Long> ksize = node.getAttrOrThrow("ksize").getList().getIList();
      kh = ksize.get(h);
      kw = ksize.get(w);
      channels = x.get(c);
    } else {
      if (filter.size() != 4) {
        return null;
      }
      kh = filter.get(0);
      kw = filter.get(1);
      channels = node.getOp().contains("Depthwise") ? mul(filter.get(2), filter.get(3))
          : filter.get(3);
    }
    List<Long> out = new ArrayList<>(x);
    out.set(h, spatial(x.get(h), kh, strides.get(h), padding));
    out.set(w, spatial(x.get(w), kw, strides.get(w), padding));
    out.set(c, channels);
    return out;
  }

  private static long spatial(long in, long k, long stride, String padding) {
    if (in < 0 || k < 0) {
      return -1;
    }
    long span = padding.equals("VALID") ? in - k + 1 : in;
    return (span + stride - 1) / stride;
  }

  private static long mul(long a, long b) {
    return a < 0 || b < 0 ? -1 : a * b;
  }

  private static List<Long> broadcast(List<Long> a, List<Long> b) {
    if (a == null || b == null) {
      return null;
    }
    int rank = Math.max(a.size(), b.size());
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < rank; i++) {
      int ia = i - (rank - a.size());
      int ib = i - (rank - b.size());
      long da = ia < 0 ? 1 : a.get(ia);
      long db = ib < 0 ? 1 : b.get(ib);
      out.add(da == 1 ? db : db == 1 ? da : da < 0 ? db : da);
    }
    return out;
  }

  private static List<Long> reshape(List<Long> x, List<Long> target) {
    if (target == null) {
      return null;
    }
    List<Long> out = new ArrayList<>(target);
    int unknown = out.indexOf(-1L);
    if (unknown >= 0 && x != null && !x.contains(-1L)) {
      long total = 1;
      for (long d : x) {
        total *= d;
      }
      long known = 1;
      for (long d : out) {
        known *= d == -1 ? 1 : d;
      }
      out.set(unknown, known == 0 ? 0 : total / known);
    }
    return out;
  }

  private List<Long> concat(NodeDef node) {
    int n = (int) node.getAttrOrDefault("N", AttrValue.getDefaultInstance()).getI();
    List<Long> axis = constant(node, n);
    List<Long> first = input(node, 0);
    if (axis == null || axis.size() != 1 || first == null) {
      return null;
    }
    int a = (int) (axis.get(0) < 0 ? axis.get(0) + first.size() : axis.get(0));
    List<Long> out = new ArrayList<>(first);
    long sum = 0;
    for (int i = 0; i < n; i++) {
      List<Long> s = input(node, i);
      if (s == null || s.size() != first.size()) {
        return null;
      }
      sum = s.get(a) < 0 || sum < 0 ? -1 : sum + s.get(a);
    }
    out.set(a, sum);
    return out;
  }

  /** The int values of a small constant input (shape and axis arguments), or null. */
  private List<Long> constant(NodeDef node, int i) {
    int k = -1;
    for (String input : node.getInputList()) {
      if (Tensors.isControl(input) || ++k != i) {
        continue;
      }
      NodeDef c = graph.node(Tensors.node(input));
      if (c == null || !c.getOp().equals("Const") || graph.frozen.containsKey(c.getName())) {
        return null;
      }
      TensorProto t = c.getAttrOrThrow("value").getTensor();
      long count = TensorValues.elements(TensorValues.dims(t.getTensorShape()));
      byte[] bytes = TensorValues.fromProto(t);
      if (bytes == null || count > 16 || bytes.length != count * 4) {
        return null;
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      List<Long> out = new ArrayList<>();
      for (int j = 0; j < count; j++) {
        out.add((long) buffer.getInt());
      }
      return out;
    }
    return null;
  }

  private static List<Long> dims(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return null;
    }
    List<Long> dims = new ArrayList<>(shape.getDimCount());
    for (TensorShapeProto.Dim d : shape.getDimList()) {
      dims.add(d.getSize());
    }
    return Collections.unmodifiableList(dims);
  }
}
