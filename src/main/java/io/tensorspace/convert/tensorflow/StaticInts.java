package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values of small integer tensors that a graph computes from constants and static shapes
 * (loop bounds, list lengths and indices), without running it. A value is a list of elements
 * (one for a scalar), null where an element is unknown; {@link #of} is null when nothing is known.
 */
final class StaticInts {
  private static final int MAX_ELEMENTS = 64;
  private static final int MAX_DEPTH = 256;
  private static final Set<String> SAME = Set.of("Identity", "Snapshot", "StopGradient", "Cast");

  private final TfGraph graph;
  private final Map<String, List<Long>> memo = new HashMap<>();
  private Map<String, List<Long>> shapes;

  StaticInts(TfGraph graph) {
    this.graph = graph;
  }

  /** The value of a tensor, or null when none of it is known. */
  List<Long> of(String tensor) {
    return of(Tensors.canonical(tensor), 0);
  }

  /** The value of a scalar tensor, or null when it is not known. */
  Long scalar(String tensor) {
    List<Long> v = of(tensor);
    return v == null || v.size() != 1 ? null : v.get(0);
  }

  private List<Long> of(String tensor, int depth) {
    if (depth > MAX_DEPTH) {
      return null;
    }
    if (memo.containsKey(tensor)) {
      return memo.get(tensor);
    }
    NodeDef node = graph.node(Tensors.node(tensor));
    List<Long> value = node == null || Tensors.index(tensor) != 0 ? null : compute(node, depth);
    memo.put(tensor, value);
    return value;
  }

  private List<Long> compute(NodeDef node, int depth) {
    String op = node.getOp();
    List<String> in = dataInputs(node);
    if (op.equals("Const")) {
      return constant(node);
    }
    if (SAME.contains(op)) {
      return in.isEmpty() ? null : of(in.get(0), depth + 1);
    }
    if (op.equals("Shape")) {
      return shape(in.get(0));
    }
    List<List<Long>> args = new ArrayList<>();
    for (String input : in) {
      args.add(of(input, depth + 1));
    }
    if (op.equals("StridedSlice") && !in.isEmpty()) {
      NodeDef shape = graph.node(Tensors.node(in.get(0)));
      Long index = shape != null && shape.getOp().equals("Shape") ? shrunkIndex(node, args) : null;
      if (index != null && index >= 0) {
        // one dimension of a shape: known even when the others are not (a batch left open)
        Long d = dim(dataInputs(shape).get(0), index.intValue(), depth + 1);
        return d == null ? null : List.of(d);
      }
    }
    return switch (op) {
      case "Pack" -> pack(args);
      case "StridedSlice" -> stridedSlice(node, args);
      case "Max", "Min", "Sum", "Prod" -> reduce(op, args);
      case "Add", "AddV2", "Sub", "Mul", "Maximum", "Minimum" -> arithmetic(op, args);
      default -> null;
    };
  }

  private static List<String> dataInputs(NodeDef node) {
    List<String> out = new ArrayList<>();
    for (String input : node.getInputList()) {
      if (!Tensors.isControl(input)) {
        out.add(input);
      }
    }
    return out;
  }

  private List<Long> constant(NodeDef node) {
    return graph.frozen.containsKey(node.getName()) ? null : constantValue(node);
  }

  /** The elements of a small integer Const node, or null. */
  static List<Long> constantValue(NodeDef node) {
    TensorProto t = node.getAttrOrThrow("value").getTensor();
    if (t.getDtype() != DataType.DT_INT32 && t.getDtype() != DataType.DT_INT64) {
      return null;
    }
    long count = TensorValues.elements(TensorValues.dims(t.getTensorShape()));
    if (count > MAX_ELEMENTS) {
      return null;
    }
    // int64 constants come back as tfjs's int32 (clamped): fine for loop bounds and indices
    ByteBuffer bytes = ByteBuffer.wrap(TensorValues.fromProto(t)).order(ByteOrder.LITTLE_ENDIAN);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add((long) bytes.getInt());
    }
    return out;
  }

  /** The index a StridedSlice picks with shrink_axis_mask, or null. */
  private static Long shrunkIndex(NodeDef node, List<List<Long>> args) {
    List<Long> begin = args.size() == 4 ? args.get(1) : null;
    List<Long> strides = args.size() == 4 ? args.get(3) : null;
    boolean simple = (mask(node, "shrink_axis_mask") & 1) != 0 && mask(node, "ellipsis_mask") == 0
        && mask(node, "new_axis_mask") == 0 && (mask(node, "begin_mask") & 1) == 0;
    if (!simple || begin == null || strides == null || begin.size() != 1 || strides.size() != 1
        || !Long.valueOf(1).equals(strides.get(0))) {
      return null;
    }
    return begin.get(0);
  }

  /**
   * Dimension {@code axis} of a tensor: through transposes and stacks (an unrolled loop's stacked
   * output), else from the static shapes.
   */
  private Long dim(String tensor, int axis, int depth) {
    NodeDef node = graph.node(Tensors.node(tensor));
    if (node == null || depth > MAX_DEPTH || Tensors.index(tensor) != 0) {
      return null;
    }
    List<String> in = dataInputs(node);
    switch (node.getOp()) {
      case "Identity", "Snapshot", "StopGradient", "Cast" -> {
        return dim(in.get(0), axis, depth + 1);
      }
      case "Transpose" -> {
        List<Long> perm = of(in.get(1), depth + 1);
        return perm == null || axis >= perm.size() || perm.get(axis) == null ? null
            : dim(in.get(0), perm.get(axis).intValue(), depth + 1);
      }
      case "Pack" -> {
        long packed = node.getAttrOrDefault("axis", AttrValue.getDefaultInstance()).getI();
        if (packed == axis) {
          return (long) in.size();
        }
        return packed >= 0 && packed < axis ? dim(in.get(0), axis - 1, depth + 1)
            : packed >= 0 ? dim(in.get(0), axis, depth + 1) : null;
      }
      default -> {
        List<Long> dims = shape(tensor);
        return dims == null || axis >= dims.size() ? null : dims.get(axis);
      }
    }
  }

  /** A Shape of a tensor whose static shape is (partly) known. */
  private List<Long> shape(String input) {
    if (Tensors.index(input) != 0) {
      return null;
    }
    if (shapes == null) {
      shapes = ShapeInference.dims(graph);
    }
    List<Long> dims = shapes.get(Tensors.node(input));
    if (dims == null) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (long d : dims) {
      out.add(d < 0 ? null : d);
    }
    return out;
  }

  private static List<Long> pack(List<List<Long>> args) {
    List<Long> out = new ArrayList<>();
    for (List<Long> a : args) {
      if (a != null && a.size() != 1) {
        return null;
      }
      out.add(a == null ? null : a.get(0));
    }
    return out;
  }

  /** A 1-D slice with one begin/end/stride element, as shape arithmetic uses them. */
  private static List<Long> stridedSlice(NodeDef node, List<List<Long>> args) {
    if (args.size() != 4 || args.get(0) == null || mask(node, "ellipsis_mask") != 0
        || mask(node, "new_axis_mask") != 0) {
      return null;
    }
    List<Long> x = args.get(0);
    List<Long> begin = args.get(1);
    List<Long> end = args.get(2);
    List<Long> strides = args.get(3);
    if (begin == null || end == null || strides == null || begin.size() != 1 || end.size() != 1
        || strides.size() != 1 || begin.get(0) == null || end.get(0) == null
        || strides.get(0) == null || strides.get(0) != 1) {
      return null;
    }
    int n = x.size();
    long b = (mask(node, "begin_mask") & 1) != 0 ? 0 : wrap(begin.get(0), n);
    if ((mask(node, "shrink_axis_mask") & 1) != 0) {
      return b < 0 || b >= n ? null : Collections.singletonList(x.get((int) b));
    }
    long e = (mask(node, "end_mask") & 1) != 0 ? n : wrap(end.get(0), n);
    if (b < 0 || e > n || b > e) {
      return null;
    }
    return new ArrayList<>(x.subList((int) b, (int) e));
  }

  private static long wrap(long i, int n) {
    return i < 0 ? i + n : i;
  }

  private static long mask(NodeDef node, String attr) {
    return node.getAttrOrDefault(attr, AttrValue.getDefaultInstance()).getI();
  }

  /** A reduction of a scalar over no axes (tf.reduce_max(n)) or of a known vector over axis 0. */
  private static List<Long> reduce(String op, List<List<Long>> args) {
    if (args.size() != 2 || args.get(0) == null || args.get(1) == null) {
      return null;
    }
    List<Long> x = args.get(0);
    List<Long> axes = args.get(1);
    boolean scalar = x.size() == 1 && axes.isEmpty();
    boolean vector = axes.size() == 1 && Long.valueOf(0).equals(axes.get(0)) && !x.contains(null);
    if (!scalar && !vector) {
      return null;
    }
    if (scalar) {
      return x;
    }
    long acc = op.equals("Sum") ? 0 : op.equals("Prod") ? 1 : x.get(0);
    for (long v : x) {
      acc = switch (op) {
        case "Max" -> Math.max(acc, v);
        case "Min" -> Math.min(acc, v);
        case "Sum" -> acc + v;
        default -> acc * v;
      };
    }
    return List.of(acc);
  }

  private static List<Long> arithmetic(String op, List<List<Long>> args) {
    if (args.size() != 2 || args.get(0) == null || args.get(1) == null
        || args.get(0).size() != 1 || args.get(1).size() != 1
        || args.get(0).get(0) == null || args.get(1).get(0) == null) {
      return null;
    }
    long a = args.get(0).get(0);
    long b = args.get(1).get(0);
    return List.of(switch (op) {
      case "Sub" -> a - b;
      case "Mul" -> a * b;
      case "Maximum" -> Math.max(a, b);
      case "Minimum" -> Math.min(a, b);
      default -> a + b;
    });
  }
}
