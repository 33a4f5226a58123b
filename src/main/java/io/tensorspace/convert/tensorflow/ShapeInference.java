package io.tensorspace.convert.tensorflow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Output shapes for the summary, from what the graph records: {@code _output_shapes} (written by
 * TF1), placeholder and constant shapes, and the ops that keep their input's shape. Unknown
 * dimensions print as -1; shapes that cannot be known without running the graph print as ?.
 */
final class ShapeInference {
  private static final java.util.Set<String> SAME_SHAPE = java.util.Set.of("Relu", "Relu6", "Elu",
      "Selu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "BiasAdd", "Identity", "LeakyRelu",
      "Softplus", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "LRN", "Neg", "Exp",
      "Sqrt", "Rsqrt", "Square", "Abs", "StopGradient", "Snapshot", "Cast", "ClipByValue");

  private ShapeInference() {}

  static Map<String, String> infer(TfGraph graph) {
    Map<String, List<Long>> shapes = new HashMap<>();
    for (String name : graph.topologicalOrder()) {
      NodeDef node = graph.node(name);
      List<Long> shape = recorded(node);
      if (shape == null && SAME_SHAPE.contains(node.getOp()) && node.getInputCount() > 0) {
        shape = shapes.get(Tensors.node(node.getInput(0)));
      }
      if (shape != null) {
        shapes.put(name, shape);
      }
    }
    Map<String, String> out = new HashMap<>();
    shapes.forEach((k, v) -> out.put(k, v.toString()));
    return out;
  }

  private static List<Long> recorded(NodeDef node) {
    AttrValue shapes = node.getAttrMap().get("_output_shapes");
    if (shapes != null && shapes.getList().getShapeCount() > 0) {
      return dims(shapes.getList().getShape(0));
    }
    if (node.getOp().startsWith("Placeholder") && node.containsAttr("shape")) {
      return dims(node.getAttrOrThrow("shape").getShape());
    }
    if (node.getOp().equals("Const") && node.containsAttr("value")) {
      return dims(node.getAttrOrThrow("value").getTensor().getTensorShape());
    }
    return null;
  }

  private static List<Long> dims(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return null;
    }
    return shape.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
  }
}
