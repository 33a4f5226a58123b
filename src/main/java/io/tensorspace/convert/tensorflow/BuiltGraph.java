package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A TensorFlow graph another format's translator built (ONNX), ready for the graph-model
 * pipeline: nodes in an order where inputs come first, Const values either in the node or, for
 * weights read when written, in {@code weights} by node name.
 *
 * @param source the file it was read from, for messages
 * @param generatedBy what wrote the source, e.g. "pytorch 2.0.0 (ONNX opset 16)"
 * @param nodes the nodes
 * @param weights lazily read values of Const nodes, by node name
 * @param outputs the nodes to expose, in order
 * @param metadata extra entries for model.json's userDefinedMetadata, or null
 */
public record BuiltGraph(Path source, String generatedBy, List<NodeDef> nodes,
    Map<String, Weight> weights, List<String> outputs, ObjectNode metadata) {
  public BuiltGraph {
    nodes = List.copyOf(nodes);
    weights = Map.copyOf(weights);
    outputs = List.copyOf(outputs);
  }
}
