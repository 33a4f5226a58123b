package io.tensorspace.convert.tensorspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * TensorSpace layer classes for the drawn nodes of a graph-model.
 *
 * <p>A graph has no layers: a Keras {@code Conv2D} is a {@code Conv2D}, a bias {@code Add} and a
 * {@code Relu} op, and the selected node is the last of them. So the ops between a drawn node and
 * the drawn node it reads (its TensorSpace source) are read together as one layer: bias adds,
 * batch normalisation, element-wise ops with constants and activations decorate a single
 * principal op ({@code Conv2D}, {@code MaxPool}, {@code MatMul}, {@code Reshape}...), whose attributes
 * and the inferred node shapes give the TensorSpace config. Only data ops count: an op fed by the
 * model inputs (not by constants, weights or the shape of a tensor). Whatever does not read as one
 * layer, or whose TensorSpace shape would differ from the node's, is drawn by a generic
 * {@code Layer1d/2d/3d}.
 */
final class GraphOps {
  /** Ops whose output does not depend on the values of their input. */
  private static final Set<String> SHAPE_OPS = Set.of("Shape", "ShapeN", "Size", "Rank");

  /** Activation ops and the name TensorSpace's Activation layers show. */
  private static final Map<String, String> ACTIVATIONS = Map.of(
      "Relu", "relu", "Relu6", "relu6", "Elu", "elu", "Selu", "selu", "Sigmoid", "sigmoid",
      "Tanh", "tanh", "LeakyRelu", "leakyRelu", "Softplus", "softplus", "Softsign", "softsign",
      "Softmax", "softmax");

  /**
   * Ops that keep the shape when their other operands are constants: biases, scales,
   * normalisation, identities.
   */
  private static final Set<String> DECORATIONS = Set.of("Identity", "IdentityN", "Snapshot",
      "StopGradient", "BiasAdd", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum",
      "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "_FusedBatchNormEx", "Neg",
      "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Abs", "Cast");

  /** Ops of two or more data inputs that TensorSpace draws as a merge. */
  private static final Map<String, String> MERGES = Map.of(
      "Add", "Add", "AddV2", "Add", "AddN", "Add", "Sub", "Subtract", "Mul", "Multiply",
      "Maximum", "Maximum", "ConcatV2", "Concatenate", "Concat", "Concatenate");

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private GraphOps() {}

  /** The nodes that carry data from the model inputs, in the graph's topological order. */
  static Set<String> live(NetworkDescription net) {
    Set<String> live = new HashSet<>();
    net.inputs().forEach(i -> live.add(i.name()));
    for (NetworkDescription.Node node : net.nodes()) {
      if (!SHAPE_OPS.contains(node.className()) && node.inbound().stream().anyMatch(live::contains)) {
        live.add(node.name());
      }
    }
    return live;
  }

  /**
   * The TensorSpace class that draws {@code node}, fed by the drawn nodes {@code sources}; fills
   * {@code config} with what that class reads.
   */
  static String layerClass(NetworkDescription.Node node, List<String> sources,
      Map<String, NetworkDescription.Node> nodes, Set<String> live,
      Map<String, List<Long>> tspShapes, boolean last, ObjectNode config) {
    List<Long> shape = node.shape();
    int rank = shape.size();
    String generic = "Layer" + rank + "d";
    if (shape.contains(null)) {
      return generic;
    }

    // the data ops from the source(s) to the node, last op first
    List<NetworkDescription.Node> chain = new ArrayList<>();
    NetworkDescription.Node merge = null;
    NetworkDescription.Node current = node;
    while (true) {
      chain.add(current);
      List<String> in = current.inbound().stream().filter(live::contains).toList();
      if (in.size() >= 2) {
        if (MERGES.containsKey(current.className()) && in.equals(sources)) {
          merge = current;
          break;
        }
        return generic;
      }
      if (in.size() != 1 || chain.size() > nodes.size()) {
        return generic;
      }
      String up = in.get(0);
      if (sources.contains(up)) {
        if (sources.size() != 1) {
          return generic;
        }
        break;
      }
      current = nodes.get(up);
      if (current == null) {
        return generic;
      }
    }
    Collections.reverse(chain); // the op reading the source first

    if (merge != null) {
      return merge(merge, chain, sources, tspShapes, shape);
    }

    // the selected softmax that ends the model: TensorSpace's Output1d
    NetworkDescription.Node end = chain.get(chain.size() - 1);
    for (int i = chain.size() - 1; i > 0 && end.className().startsWith("Identity"); i--) {
      end = chain.get(i - 1);
    }
    if (last && rank == 1 && "Softmax".equals(end.className())) {
      return "Output1d";
    }

    List<Long> inShape = tspShapes.get(sources.get(0));
    if (inShape == null) {
      return generic;
    }
    // one principal op (a flatten may precede a MatMul), decorated by element-wise ops
    List<Integer> principal = new ArrayList<>();
    String activation = null;
    for (int i = 0; i < chain.size(); i++) {
      String op = chain.get(i).className();
      if (ACTIVATIONS.containsKey(op)) {
        activation = ACTIVATIONS.get(op);
      } else if (!DECORATIONS.contains(op)) {
        principal.add(i);
      }
    }
    // decorations keep the shape: the principal op reads the source's shape, the node has its own
    for (int i = 0; i < chain.size(); i++) {
      if (principal.contains(i)) {
        continue;
      }
      List<Long> expected = i < firstOf(principal) ? inShape : shape;
      if (!expected.equals(chain.get(i).shape())) {
        return generic;
      }
    }
    if (principal.isEmpty()) {
      if (activation != null && shape.equals(inShape)) {
        config.put("activation", activation);
        return "Activation" + rank + "d";
      }
      return generic;
    }
    NetworkDescription.Node op = chain.get(principal.get(principal.size() - 1));
    if (!shape.equals(op.shape())) {
      return generic;
    }
    if (principal.size() == 2) {
      NetworkDescription.Node flatten = chain.get(principal.get(0));
      boolean flattens = "Reshape".equals(flatten.className()) && flatten.shape() != null
          && flatten.shape().size() == 1 && inShape.size() > 1
          && Objects.equals(flatten.shape().get(0), product(inShape));
      if (flattens && isMatMul(op) && rank == 1) {
        config.put("units", shape.get(0));
        return "Dense";
      }
      return generic;
    }
    if (principal.size() != 1) {
      return generic;
    }
    ObjectNode settings = F.objectNode();
    String specific = specific(op, inShape, shape, settings);
    if (specific == null) {
      return generic;
    }
    config.setAll(settings);
    return specific;
  }

  private static String merge(NetworkDescription.Node merge, List<NetworkDescription.Node> chain,
      List<String> sources, Map<String, List<Long>> tspShapes, List<Long> shape) {
    int rank = shape.size();
    String generic = "Layer" + rank + "d";
    for (NetworkDescription.Node after : chain.subList(1, chain.size())) {
      if (!ACTIVATIONS.containsKey(after.className())
          && !DECORATIONS.contains(after.className()) || !shape.equals(after.shape())) {
        return generic;
      }
    }
    if (!shape.equals(merge.shape())) {
      return generic;
    }
    String tspClass = MERGES.get(merge.className());
    long concatenated = 0;
    for (String source : sources) {
      List<Long> s = tspShapes.get(source);
      if (s == null || s.size() != rank) {
        return generic;
      }
      if ("Concatenate".equals(tspClass)) {
        // TensorSpace concatenates the last axis
        if (!s.subList(0, rank - 1).equals(shape.subList(0, rank - 1)) || s.get(rank - 1) == null) {
          return generic;
        }
        concatenated += s.get(rank - 1);
      } else if (!s.equals(shape)) {
        return generic;
      }
    }
    if ("Concatenate".equals(tspClass) && concatenated != shape.get(rank - 1)) {
      return generic;
    }
    return tspClass;
  }

  /** The class for one principal op reading {@code in} and giving {@code out}, or null. */
  private static String specific(NetworkDescription.Node op, List<Long> in, List<Long> out,
      ObjectNode config) {
    JsonNode a = op.config();
    switch (op.className()) {
      case "Conv2D", "_FusedConv2D" -> {
        if (!image(in, out) || !nhwc(a) || !undilated(a)) {
          return null;
        }
        int[] strides = window(a.path("strides"));
        String padding = padding(a);
        int[] kernel = kernel(a, in, out, strides, padding);
        if (strides == null || padding == null || kernel == null
            || !outputMatches(in, out, kernel, strides, padding)) {
          return null;
        }
        config.put("filters", out.get(2));
        config.set("kernelSize", pair(kernel));
        config.set("strides", pair(strides));
        config.put("padding", padding);
        return "Conv2d";
      }
      case "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative" -> {
        if (!image(in, out) || !nhwc(a) || !undilated(a) || out.get(2) % in.get(2) != 0) {
          return null;
        }
        int[] strides = window(a.path("strides"));
        String padding = padding(a);
        int[] kernel = kernel(a, in, out, strides, padding);
        // TensorSpace 0.6.1 divides the width by the first stride also for "same"
        if (strides == null || padding == null || kernel == null || strides[0] != strides[1]
            || !outputMatches(in, out, kernel, strides, padding)) {
          return null;
        }
        config.set("kernelSize", pair(kernel));
        config.set("strides", pair(strides));
        config.put("depthMultiplier", out.get(2) / in.get(2));
        config.put("padding", padding);
        return "DepthwiseConv2d";
      }
      case "MaxPool", "AvgPool" -> {
        if (!image(in, out) || !nhwc(a) || !Objects.equals(in.get(2), out.get(2))) {
          return null;
        }
        int[] pool = window(a.path("ksize"));
        int[] strides = window(a.path("strides"));
        String padding = padding(a);
        if (pool == null || strides == null || padding == null
            || !outputMatches(in, out, pool, strides, padding)) {
          return null;
        }
        config.set("poolSize", pair(pool));
        config.set("strides", pair(strides));
        config.put("padding", padding);
        return "Pooling2d";
      }
      case "MatMul", "_FusedMatMul" -> {
        if (in.size() != 1 || out.size() != 1 || isTransposed(a)) {
          return null;
        }
        config.put("units", out.get(0));
        return "Dense";
      }
      case "Reshape" -> {
        if (product(in) == null || !product(in).equals(product(out))) {
          return null;
        }
        if (out.size() == 1 && in.size() > 1) {
          return "Flatten";
        }
        ArrayNode target = config.putArray("targetShape");
        out.forEach(target::add);
        return "Reshape";
      }
      case "Mean", "Max" -> {
        // a global pooling: over height and width, keep_dims false
        if (in.size() != 3 || out.size() != 1 || !Objects.equals(in.get(2), out.get(0))) {
          return null;
        }
        return "GlobalPooling2d";
      }
      case "ResizeNearestNeighbor", "ResizeBilinear" -> {
        if (!image(in, out) || !Objects.equals(in.get(2), out.get(2))
            || out.get(0) % in.get(0) != 0 || out.get(1) % in.get(1) != 0) {
          return null;
        }
        config.set("size", F.arrayNode().add(out.get(0) / in.get(0)).add(out.get(1) / in.get(1)));
        return "UpSampling2d";
      }
      case "Pad", "PadV2", "MirrorPad" -> {
        if (!image(in, out) || !Objects.equals(in.get(2), out.get(2))) {
          return null;
        }
        long h = out.get(0) - in.get(0);
        long w = out.get(1) - in.get(1);
        // TensorSpace pads both sides alike
        if (h < 0 || w < 0 || h % 2 != 0 || w % 2 != 0) {
          return null;
        }
        config.set("padding", F.arrayNode().add(h / 2).add(w / 2));
        return "Padding2d";
      }
      default -> {
        return null;
      }
    }
  }

  private static boolean image(List<Long> in, List<Long> out) {
    return in.size() == 3 && out.size() == 3 && !in.contains(null) && !out.contains(null)
        && in.get(0) > 0 && in.get(1) > 0;
  }

  private static boolean nhwc(JsonNode a) {
    return "NHWC".equals(a.path("data_format").asText("NHWC"));
  }

  private static boolean undilated(JsonNode a) {
    JsonNode d = a.path("dilations");
    for (JsonNode v : d) {
      if (v.asInt(1) != 1) {
        return false;
      }
    }
    return true;
  }

  private static boolean isMatMul(NetworkDescription.Node op) {
    return ("MatMul".equals(op.className()) || "_FusedMatMul".equals(op.className()))
        && !isTransposed(op.config());
  }

  private static boolean isTransposed(JsonNode a) {
    return a.path("transpose_a").asBoolean(false);
  }

  /** The height and width of an NHWC window attribute ([1, h, w, 1]), or null. */
  private static int[] window(JsonNode list) {
    if (!list.isArray() || list.size() != 4 || list.get(1).asInt() < 1 || list.get(2).asInt() < 1) {
      return null;
    }
    return new int[] {list.get(1).asInt(), list.get(2).asInt()};
  }

  private static String padding(JsonNode a) {
    String padding = a.path("padding").asText("");
    return switch (padding) {
      case "VALID" -> "valid";
      case "SAME" -> "same";
      default -> null;
    };
  }

  /**
   * The kernel's height and width: from the filter's shape when the graph knows it, else the
   * largest kernel giving the output shape ("valid"; "same" does not depend on it).
   */
  private static int[] kernel(JsonNode a, List<Long> in, List<Long> out, int[] strides,
      String padding) {
    JsonNode filter = a.path("filter_shape");
    if (filter.isArray() && filter.size() == 4 && filter.get(0).asLong() > 0
        && filter.get(1).asLong() > 0) {
      return new int[] {filter.get(0).asInt(), filter.get(1).asInt()};
    }
    if (strides == null || !"valid".equals(padding)) {
      return null;
    }
    long h = in.get(0) - (out.get(0) - 1) * strides[0];
    long w = in.get(1) - (out.get(1) - 1) * strides[1];
    return h < 1 || w < 1 ? null : new int[] {(int) h, (int) w};
  }

  /** Whether TensorSpace 0.6.1's shape rule for Conv2d/Pooling2d gives the node's shape. */
  private static boolean outputMatches(List<Long> in, List<Long> out, int[] window, int[] strides,
      String padding) {
    for (int axis = 0; axis < 2; axis++) {
      long size = "valid".equals(padding)
          ? ceilDiv(in.get(axis) - window[axis] + 1, strides[axis])
          : ceilDiv(in.get(axis), strides[axis]);
      if (size != out.get(axis)) {
        return false;
      }
    }
    return true;
  }

  private static long ceilDiv(long a, long b) {
    return a <= 0 ? 0 : (a + b - 1) / b;
  }

  private static Long product(List<Long> shape) {
    long p = 1;
    for (Long d : shape) {
      if (d == null) {
        return null;
      }
      p *= d;
    }
    return p;
  }

  private static int firstOf(List<Integer> indexes) {
    return indexes.isEmpty() ? Integer.MAX_VALUE : indexes.get(0);
  }

  private static ArrayNode pair(int[] values) {
    return F.arrayNode().add(values[0]).add(values[1]);
  }
}
