package io.tensorspace.convert.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.tensorflow.graph.GraphDef;
import io.tensorspace.convert.tensorflow.graph.SignatureDef;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A TensorFlow graph as a TensorFlow.js graph-model holds it: frozen (no variables), inlined (no
 * function calls), every Const node's value moved into {@link #weights()} under the node's name (the
 * node keeps its dtype and shape), and the nodes a visualiser fetches by name.
 *
 * @param source the file or folder it was read from, for messages
 * @param generatedBy the TensorFlow version that wrote the source, or a description of the source
 * @param graph the nodes, Const values cleared
 * @param weights one per Const node, in node order, read lazily
 * @param signature the inputs and outputs to record (tensor names of {@code graph}), or null
 * @param outputNodes the selected node names, in the user's order
 * @param resources what must stay open until the weights are written
 * @param metadata entries added to model.json's userDefinedMetadata (e.g. the ONNX name map), or
 *     null
 */
public record GraphModel(
    Path source,
    String generatedBy,
    GraphDef graph,
    List<Weight> weights,
    SignatureDef signature,
    List<String> outputNodes,
    AutoCloseable resources,
    ObjectNode metadata) implements Closeable {

  public GraphModel {
    weights = List.copyOf(weights);
    outputNodes = List.copyOf(outputNodes);
  }

  /** A graph without extra metadata. */
  public GraphModel(Path source, String generatedBy, GraphDef graph, List<Weight> weights,
      SignatureDef signature, List<String> outputNodes, AutoCloseable resources) {
    this(source, generatedBy, graph, weights, signature, outputNodes, resources, null);
  }

  @Override
  public void close() throws IOException {
    if (resources == null) {
      return;
    }
    try {
      resources.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
