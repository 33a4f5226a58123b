package io.tensorspace.convert.tensorspace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outputs a block-level view of a deep model shows: what a reader of the architecture looks
 * for (TensorSpace's own gallery picks the same for MobileNet, ResNet-50 and Inception-v3) —
 * merges (Inception modules' concatenations, residual additions), depthwise-separable pairs,
 * stage boundaries and pooling (where the spatial size changes), global pooling and the
 * classifier.
 */
final class BlockView {
  private static final Set<String> MERGES = Set.of("Add", "Concatenate", "Multiply", "Average",
      "Maximum", "Minimum", "Subtract", "Dot", "AddV2", "AddN", "ConcatV2", "Concat", "Mul",
      "Sub");
  private static final Set<String> POOLING = Set.of("MaxPooling1D", "MaxPooling2D",
      "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "MaxPool1D",
      "MaxPool2D", "AvgPool1D", "AvgPool2D", "MaxPool", "MaxPoolV2", "AvgPool");
  private static final Set<String> GLOBAL_POOLING = Set.of("GlobalAveragePooling1D",
      "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAvgPool1D",
      "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "Mean", "Max");
  private static final Set<String> CLASSIFIER = Set.of("Dense", "Flatten", "MatMul", "Softmax");
  private static final Set<String> DEPTHWISE = Set.of("DepthwiseConv2D",
      "DepthwiseConv2dNative");
  private static final Set<String> SEPARABLE = Set.of("SeparableConv1D", "SeparableConv2D");

  private BlockView() {}

  /**
   * Which of the drawable outputs the view shows, each with why.
   *
   * @param net the converted model
   * @param wiring every drawable output with its nearest drawable ancestors, in model order
   * @param last the last drawable output (always shown)
   */
  static Map<String, String> choose(NetworkDescription net, Map<String, List<String>> wiring,
      String last) {
    Map<String, String> shown = new LinkedHashMap<>();
    Map<String, NetworkDescription.Node> nodes = net.nodesByName();
    for (Map.Entry<String, List<String>> entry : wiring.entrySet()) {
      String reason = reason(net, nodes, entry.getKey(), entry.getValue(), last, wiring);
      if (reason != null) {
        shown.put(entry.getKey(), reason);
      }
    }
    return shown;
  }

  private static String reason(NetworkDescription net, Map<String, NetworkDescription.Node> nodes,
      String name, List<String> sources, String last, Map<String, List<String>> wiring) {
    NetworkDescription.Node node = nodes.get(name);
    String op = node.className();
    if (name.equals(last)) {
      return "the model's last output";
    }
    if (MERGES.contains(op) && sources.size() >= 2) {
      return "a merge of " + String.join(", ", sources);
    }
    if (endsMerge(nodes, node, wiring)) {
      return "a merge (with its activation)";
    }
    if (GLOBAL_POOLING.contains(op)) {
      return "global pooling";
    }
    if (CLASSIFIER.contains(op)) {
      return "the classifier";
    }
    if (SEPARABLE.contains(op) || endsDepthwisePair(nodes, node)) {
      return "a depthwise-separable convolution";
    }
    List<Long> from = nodes.get(sources.get(0)) == null ? inputShape(net, sources.get(0))
        : nodes.get(sources.get(0)).shape();
    if (spatialChanges(from, node.shape())) {
      // pooling inside a module (stride 1, as in Inception's branches) keeps the size: not a block
      return (POOLING.contains(op) ? "pooling" : "a stage boundary") + ": spatial size "
          + spatial(from) + " -> " + spatial(node.shape());
    }
    return null;
  }

  /** A 1x1 convolution that reads a depthwise convolution, through shape-keeping layers. */
  private static boolean endsDepthwisePair(Map<String, NetworkDescription.Node> nodes,
      NetworkDescription.Node node) {
    if (!"Conv2D".equals(node.className()) || !node.config().path("kernel_size").isArray()
        || node.config().path("kernel_size").path(0).asInt() != 1
        || node.config().path("kernel_size").path(1).asInt() != 1) {
      return false;
    }
    NetworkDescription.Node up = node;
    for (int hops = 0; hops < 4 && up != null && up.inbound().size() == 1; hops++) {
      up = nodes.get(up.inbound().get(0));
      if (up != null && DEPTHWISE.contains(up.className())) {
        return true;
      }
    }
    return false;
  }

  /**
   * An activation that finishes a merge of a graph-model (a residual AddV2 and its Relu): the
   * node reads, through single-input ops, an op of 2+ data inputs that merges and that is not an
   * output itself (then the merge is shown, as in layers models).
   */
  private static boolean endsMerge(Map<String, NetworkDescription.Node> nodes,
      NetworkDescription.Node node, Map<String, List<String>> wiring) {
    NetworkDescription.Node up = node;
    for (int hops = 0; hops < 3 && up != null; hops++) {
      List<String> data = new ArrayList<>();
      for (String name : up.inbound()) {
        if (nodes.get(name) == null || !"Const".equals(nodes.get(name).className())) {
          data.add(name);
        }
      }
      if (up != node && MERGES.contains(up.className()) && data.size() >= 2) {
        return !wiring.containsKey(up.name());
      }
      up = data.size() == 1 ? nodes.get(data.get(0)) : null;
    }
    return false;
  }

  private static List<Long> inputShape(NetworkDescription net, String name) {
    for (NetworkDescription.Tensor input : net.inputs()) {
      if (input.name().equals(name)) {
        return input.shape();
      }
    }
    return null;
  }

  private static boolean spatialChanges(List<Long> from, List<Long> to) {
    return from != null && to != null && from.size() == 3 && to.size() == 3
        && !spatial(from).equals(spatial(to));
  }

  private static List<Long> spatial(List<Long> shape) {
    return shape.subList(0, shape.size() - 1);
  }
}
