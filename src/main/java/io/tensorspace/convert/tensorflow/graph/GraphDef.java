package io.tensorspace.convert.tensorflow.graph;

import java.util.List;

/**
 * A graph as a TensorFlow.js graph-model's {@code modelTopology} holds it: nodes in order and the
 * versions (no function library: a graph-model has its functions inlined).
 *
 * @param nodes the nodes
 * @param versions the GraphDef versions
 */
public record GraphDef(List<NodeDef> nodes, VersionDef versions) {
  public GraphDef {
    nodes = List.copyOf(nodes);
  }
}
