package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.select.ClosestName;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes a graph-model exposes. Users name nodes in their order; by default a visualiser gets
 * one node per layer: for Keras-made graphs the last op of each layer's name scope, otherwise the
 * activation that ends each Conv/MatMul/Pool/Softmax-like op's chain.
 */
final class NodeSelection {
  /** Ops that start a layer a visualiser draws. */
  static final Set<String> ANCHORS = Set.of("Conv1D", "Conv2D", "Conv3D", "DepthwiseConv2d",
      "DepthwiseConv2dNative", "_FusedConv2D", "FusedDepthwiseConv2dNative", "Conv2DBackpropInput",
      "MatMul", "BatchMatMul", "BatchMatMulV2", "_FusedMatMul", "MaxPool", "AvgPool", "MaxPool3D",
      "AvgPool3D", "Softmax", "LogSoftmax");
  /** Ops that merge branches (Inception's concatenations, residual additions) when 2+ inputs are data. */
  static final Set<String> MERGES = Set.of("ConcatV2", "Concat", "AddN", "Add", "AddV2");
  /**
   * Element-wise ops that finish an anchor's layer (bias, normalisation, activation); a softmax
   * right after a MatMul is that layer's activation, not a layer of its own.
   */
  static final Set<String> FOLLOWERS = Set.of("BiasAdd", "Add", "AddV2", "Relu", "Relu6", "Elu",
      "Selu", "Sigmoid", "Tanh", "LeakyRelu", "Softplus", "Prelu", "FusedBatchNorm",
      "FusedBatchNormV2", "FusedBatchNormV3", "Softmax", "LogSoftmax");
  /** Ops that are plumbing rather than a layer's result. */
  private static final Set<String> PLUMBING = Set.of("Const", "Identity", "IdentityN", "NoOp",
      "Placeholder", "PlaceholderWithDefault", "StopGradient", "Snapshot", "Shape", "ShapeN", "Rank",
      "Size");

  private final TfGraph graph;
  /** The graph's topological order, computed once: the graph does not change while selecting. */
  private final List<String> order;
  private final Map<String, String> blockers;

  NodeSelection(TfGraph graph) {
    this.graph = graph;
    this.order = graph.topologicalOrder();
    this.blockers = blockers(graph, order);
  }

  /**
   * For each node that tfjs cannot compute, the first node on its path whose op tfjs does not run
   * (or runs only asynchronously); runnable nodes are absent.
   */
  private static Map<String, String> blockers(TfGraph graph, List<String> order) {
    Map<String, String> out = new HashMap<>();
    for (String name : order) {
      NodeDef node = graph.node(name);
      if (!runs(node.getOp())) {
        out.put(name, name);
        continue;
      }
      for (String input : node.getInputList()) {
        String blocker = Tensors.isControl(input) ? null : out.get(Tensors.node(input));
        if (blocker != null) {
          out.put(name, blocker);
          break;
        }
      }
    }
    return out;
  }

  static boolean runs(String op) {
    return TfjsOps.supported(op) && !TfjsOps.needsAsync(op);
  }

  /** The node, if any, that stops tfjs from computing {@code node}. */
  String blocker(String node) {
    return blockers.get(Tensors.node(node));
  }

  /** Every node a user can pick (tfjs can compute it), in topological order. */
  List<String> selectable() {
    List<String> out = new ArrayList<>();
    for (String name : order) {
      if (!blockers.containsKey(name) && !graph.node(name).getOp().equals("Const")
          && !graph.node(name).getOp().equals("NoOp")) {
        out.add(name);
      }
    }
    return out;
  }

  /** The user's nodes, checked; unknown names fail with the closest match. */
  List<String> requested(List<String> names) throws ConversionException {
    List<String> candidates = selectable();
    List<String> out = new ArrayList<>();
    for (String name : names) {
      String node = Tensors.node(name);
      if (!graph.nodes.containsKey(node)) {
        String closest = ClosestName.of(node, candidates);
        throw new ConversionException(graph.source + ": there is no node '" + node + "' in the graph"
            + (closest == null ? "" : "; did you mean '" + closest + "'?")
            + " Run the summary goal to list every node you can select.");
      }
      String blocker = blockers.get(node);
      if (blocker != null) {
        throw unsupported(graph, blocker, node);
      }
      if (!out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /** The default visual set, in topological order. */
  List<String> defaults() {
    List<String> anchors = new ArrayList<>();
    for (String name : order) {
      if (ANCHORS.contains(graph.node(name).getOp()) && inference(name)) {
        anchors.add(name);
      }
    }
    // loops, not streams: a fresh JVM links each lambda on first use
    List<String> merges = new ArrayList<>();
    for (String name : order) {
      if (MERGES.contains(graph.node(name).getOp()) && inference(name) && dataInputs(name) >= 2) {
        merges.add(name);
      }
    }
    Set<String> picked = new LinkedHashSet<>();
    // an unrolled RNN repeats its anchors once per step: they would outvote the other layers
    List<String> voters = new ArrayList<>();
    for (String anchor : anchors) {
      if (!inUnrolledStep(anchor)) {
        voters.add(anchor);
      }
    }
    if (keras(voters.isEmpty() ? anchors : voters)) {
      // Keras layer scopes sit at one depth ([call/]model/layer): the depth most anchors have.
      // Deeper scopes (flatten/Reshape, dense/Tensordot) belong to their layer; ops above that
      // depth (raw TF ops in a functional model, e.g. model/Cast) are layers of their own.
      int depth = voters.isEmpty() ? loopLayerDepth(anchors) : layerDepth(voters);
      Map<String, String> layers = new LinkedHashMap<>();
      for (String name : order) {
        NodeDef node = graph.node(name);
        // an RNN layer's activation is its output after the loop, not a step's last op
        if (PLUMBING.contains(node.getOp()) || !inference(name) || inUnrolledStep(name)) {
          continue;
        }
        String[] parts = scope(name).isEmpty() ? new String[0] : scope(name).split("/");
        String layer = parts.length >= depth
            ? String.join("/", java.util.Arrays.copyOf(parts, depth)) : name;
        layers.put(layer, name);
      }
      picked.addAll(layers.values());
    } else {
      Map<String, List<String>> consumers = graph.consumers();
      List<String> starts = new ArrayList<>(anchors);
      starts.addAll(merges); // a merge is a layer of its own (TensorSpace draws Add, Concatenate)
      for (String anchor : starts) {
        String end = anchor;
        while (true) {
          // the one consumer that finishes this layer: an activation, or a bias/normalisation
          // whose other inputs are weights (an Add of two activations is a merge, not a bias);
          // other consumers (accuracy ops, skip connections) do not end the chain
          List<String> next = new ArrayList<>();
          for (String c : dataConsumers(end, consumers)) {
            if (FOLLOWERS.contains(graph.node(c).getOp()) && othersAreWeights(c, end)) {
              next.add(c);
            }
          }
          if (next.size() != 1) {
            break;
          }
          end = next.get(0);
        }
        picked.add(end);
      }
    }
    List<String> out = new ArrayList<>();
    for (String name : order) {
      if (picked.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private boolean inUnrolledStep(String name) {
    for (String loop : graph.unrolledLoops) {
      if (name.startsWith(loop + "/step_")) {
        return true;
      }
    }
    return false;
  }

  /** The depth of the scope an unrolled loop sits in (its layer), when only loops have anchors. */
  private int loopLayerDepth(List<String> anchors) {
    int depth = Integer.MAX_VALUE;
    for (String loop : graph.unrolledLoops) {
      depth = Math.min(depth, scope(loop).isEmpty() ? 1 : scope(loop).split("/").length);
    }
    return depth == Integer.MAX_VALUE ? layerDepth(anchors) : depth;
  }

  private static int layerDepth(List<String> anchors) {
    Map<Integer, Integer> counts = new java.util.TreeMap<>();
    for (String anchor : anchors) {
      int depth = scope(anchor).split("/").length;
      counts.put(depth, counts.getOrDefault(depth, 0) + 1);
    }
    int best = 1;
    int bestCount = -1;
    for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best;
  }

  /**
   * Keras names every op {@code [call/]model/layer/op}: a graph is treated as Keras-made when the
   * reader says so, or when every anchor op sits in a name scope and no scope holds two anchors of
   * the same kind (hand-written TF1 graphs put many MatMuls side by side).
   */
  private boolean keras(List<String> anchors) {
    if (graph.keras) {
      return true;
    }
    if (anchors.isEmpty()) {
      return false;
    }
    Set<String> seen = new java.util.HashSet<>();
    for (String anchor : anchors) {
      String scope = scope(anchor);
      if (scope.isEmpty() || !seen.add(scope + "\u0000" + graph.node(anchor).getOp())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a node belongs to the forward pass tfjs can run: runnable, and (in a graph that may
   * hold training ops) not in the {@code gradients} scope TensorFlow's optimizers build.
   */
  private boolean inference(String name) {
    return !blockers.containsKey(name)
        && !(graph.mayHoldTraining && (name.startsWith("gradients") || name.contains("/gradients")));
  }

  /** How many inputs of {@code node} carry data rather than constants (weights, axes). */
  private int dataInputs(String node) {
    int data = 0;
    for (String input : graph.node(node).getInputList()) {
      if (!Tensors.isControl(input) && !isConstant(Tensors.node(input))) {
        data++;
      }
    }
    return data;
  }

  private boolean isConstant(String name) {
    NodeDef producer = graph.node(name);
    for (int hops = 0; producer != null && producer.getOp().equals("Identity") && hops < 8;
        hops++) {
      producer = graph.node(Tensors.node(producer.getInput(0)));
    }
    return producer != null && producer.getOp().equals("Const");
  }

  private boolean othersAreWeights(String node, String from) {
    for (String input : graph.node(node).getInputList()) {
      if (!Tensors.isControl(input) && !Tensors.node(input).equals(from)
          && !isConstant(Tensors.node(input))) {
        return false;
      }
    }
    return true;
  }

  /** The forward-pass nodes reading {@code name}'s outputs. */
  private List<String> dataConsumers(String name, Map<String, List<String>> consumers) {
    List<String> out = new ArrayList<>();
    for (String c : consumers.getOrDefault(name, List.of())) {
      if (!inference(c)) {
        continue;
      }
      NodeDef node = graph.node(c);
      for (String input : node.getInputList()) {
        if (!Tensors.isControl(input) && Tensors.node(input).equals(name) && !out.contains(c)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  static String scope(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? "" : name.substring(0, slash);
  }

  /**
   * Why a loop (or a TensorList op feeding or reading one) was not unrolled, and what makes it
   * convertible; empty for other ops.
   */
  private static String loopNote(TfGraph graph, String blocker) {
    String op = graph.node(blocker).getOp();
    boolean loopOp = op.equals("While") || op.equals("StatelessWhile")
        || op.startsWith("TensorList") || op.equals("EmptyTensorList");
    if (!loopOp || graph.loopNotes.isEmpty()) {
      return "";
    }
    String loop = graph.loopNotes.containsKey(blocker) ? blocker
        : graph.loopNotes.keySet().iterator().next();
    return ". The loop '" + loop + "' was not unrolled into plain ops because "
        + graph.loopNotes.get(loop) + "; a tf.keras RNN layer (LSTM, GRU, SimpleRNN) is unrolled"
        + " when the SavedModel's signature fixes the number of time steps (e.g. save it with"
        + " input_signature=[tf.TensorSpec([None, 28, 8])] rather than [None, None, 8])";
  }

  static ConversionException unsupported(TfGraph graph, String blocker, String needed) {
    NodeDef node = graph.node(blocker);
    String op = node.getOp();
    String why;
    if (TfjsOps.needsAsync(op)) {
      why = "op '" + op + "' is dynamic control flow (a while loop, condition, tensor array or"
          + " dynamic shape), which TensorFlow.js runs only through executeAsync(); TensorSpace"
          + " runs models with execute()" + loopNote(graph, blocker);
    } else if (op.equals("VariableV2") || op.equals("VarHandleOp") || op.equals("ReadVariableOp")
        || op.equals("Variable")) {
      why = "op '" + op + "' is a variable whose value was not found in the checkpoint";
    } else {
      why = "op '" + op + "' is not in TensorFlow.js's op list";
    }
    String path = blocker.equals(needed) ? "" : " (needed by node '" + needed + "')";
    return new ConversionException(graph.source + ": node '" + blocker + "'" + path + " cannot run"
        + " in TensorFlow.js: " + why + ". Select nodes that do not depend on it (<outputLayers>),"
        + " or change the model to avoid op '" + op + "'.");
  }
}
