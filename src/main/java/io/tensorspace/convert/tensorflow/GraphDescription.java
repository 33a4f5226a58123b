package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import io.tensorspace.convert.tensorspace.NetworkDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A graph-model described for the TensorSpace companion files: loaded with {@code type:
 * "tensorflow"} and {@code outputsName} = the selected nodes; every non-constant node with its op,
 * attributes as plain JSON values (plus {@code filter_shape}, the kernel's shape, for convolutions),
 * output shape and data inputs.
 */
final class GraphDescription {
  /** Attributes that are bookkeeping, not what an op computes. */
  private static final Set<String> SKIPPED_ATTRS = Set.of("value", "_output_shapes", "_class",
      "T", "dtype", "use_cudnn_on_gpu", "explicit_paddings");

  /** Ops whose second input is a filter ([height, width, in, out or multiplier]). */
  private static final Set<String> FILTERED = Set.of("Conv2D", "_FusedConv2D",
      "DepthwiseConv2dNative", "FusedDepthwiseConv2dNative");

  private GraphDescription() {}

  static NetworkDescription of(TfGraph graph, List<String> outputs, String url) {
    List<String> order = graph.topologicalOrder();
    Map<String, List<Long>> shapes = ShapeInference.dims(graph, order);
    List<NetworkDescription.Node> nodes = new ArrayList<>();
    List<NetworkDescription.Tensor> inputs = new ArrayList<>();
    for (String name : order) {
      NodeDef node = graph.node(name);
      if (node.getOp().equals("Const")) {
        continue;
      }
      List<String> inbound = new ArrayList<>();
      for (String input : node.getInputList()) {
        NodeDef from = Tensors.isControl(input) ? null : graph.node(Tensors.node(input));
        if (from != null && !from.getOp().equals("Const")) {
          inbound.add(from.getName());
        }
      }
      List<Long> shape = withoutBatch(shapes.get(name));
      ObjectNode config = config(node);
      if (FILTERED.contains(node.getOp()) && node.getInputCount() > 1
          && shapes.get(Tensors.node(node.getInput(1))) != null) {
        // the kernel is a constant input, not an attribute: its shape gives the kernel size
        ArrayNode filter = config.putArray("filter_shape");
        for (Long d : shapes.get(Tensors.node(node.getInput(1)))) {
          filter.add(d);
        }
      }
      nodes.add(new NetworkDescription.Node(name, node.getOp(), config, shape, inbound));
      if (node.getOp().equals("Placeholder")) {
        AttrValue dtype = node.getAttrMap().get("dtype");
        inputs.add(new NetworkDescription.Tensor(name, shape, dtype == null ? null
            : TensorValues.manifestType(dtype.getType()) == null ? null
            : TensorValues.manifestType(dtype.getType()).jsonName()));
      }
    }
    return new NetworkDescription("tensorflow", url, outputs, inputs, nodes, outputs);
  }

  private static ObjectNode config(NodeDef node) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, AttrValue> e : new TreeMap<>(node.getAttrMap()).entrySet()) {
      if (SKIPPED_ATTRS.contains(e.getKey())) {
        continue;
      }
      AttrValue v = e.getValue();
      switch (v.getValueCase()) {
        case S -> config.put(e.getKey(), v.getS().toStringUtf8());
        case I -> config.put(e.getKey(), v.getI());
        case F -> config.put(e.getKey(), v.getF());
        case B -> config.put(e.getKey(), v.getB());
        case TYPE -> config.put(e.getKey(), v.getType().name());
        case SHAPE -> config.set(e.getKey(), dims(v.getShape()));
        case LIST -> {
          ArrayNode list = config.putArray(e.getKey());
          // loops, not lambdas: a fresh JVM links each lambda on first use
          for (Long i : v.getList().getIList()) {
            list.add(i);
          }
          for (Float f : v.getList().getFList()) {
            list.add(f);
          }
          for (ByteString s : v.getList().getSList()) {
            list.add(s.toStringUtf8());
          }
        }
        default -> { }
      }
    }
    return config;
  }

  private static ArrayNode dims(TensorShapeProto shape) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (TensorShapeProto.Dim d : shape.getDimList()) {
      out.add(d.getSize());
    }
    return out;
  }

  /** TensorSpace shapes leave out the batch dimension and write unknown dimensions as null. */
  private static List<Long> withoutBatch(List<Long> shape) {
    if (shape == null || shape.isEmpty()) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (long d : shape.subList(1, shape.size())) {
      out.add(d < 0 ? null : d);
    }
    return out;
  }
}
