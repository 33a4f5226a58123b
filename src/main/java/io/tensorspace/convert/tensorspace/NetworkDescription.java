package io.tensorspace.convert.tensorspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.OutputShapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the TensorSpace companion needs to know about a converted model, independent of how it was
 * converted: the inputs, every node of the graph (so paths between outputs can be followed), the
 * exposed outputs in the order the converted model returns them, and how a browser loads it. Both
 * the layers-model path ({@link #of(LayersModel, String)}) and a graph-model path can produce it.
 *
 * @param loadType {@code tfjs} for a layers-model, {@code tensorflow} for a graph-model
 * @param url the model file relative to the generated files, e.g. {@code model.json}
 * @param outputsName for a graph-model, the node names TensorSpace fetches (its {@code outputsName});
 *     null for a layers-model
 * @param inputs the model inputs, in the model's order
 * @param nodes every node (layer or op) of the graph, inputs included, in topological order
 * @param outputs the exposed node names, in the order the converted model returns them
 */
public record NetworkDescription(
    String loadType,
    String url,
    List<String> outputsName,
    List<Tensor> inputs,
    List<Node> nodes,
    List<String> outputs) {

  /** One model input: name, shape without the batch dimension ({@code null} = unknown), dtype. */
  public record Tensor(String name, List<Long> shape, String dtype) {
    public Tensor {
      Objects.requireNonNull(name, "name");
      shape = shape == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(shape));
      dtype = dtype == null ? "float32" : dtype;
    }
  }

  /**
   * One node of the graph.
   *
   * @param name layer or node name
   * @param className Keras class (e.g. {@code Conv2D}) or TensorFlow op (e.g. {@code Conv2D})
   * @param config the layer config (Keras names: filters, kernel_size...), or the op attributes
   * @param shape output shape without the batch dimension, or null when unknown
   * @param inbound names of the nodes it reads, in call order
   */
  public record Node(
      String name, String className, ObjectNode config, List<Long> shape, List<String> inbound) {
    public Node {
      Objects.requireNonNull(name, "name");
      config = config == null ? JsonNodeFactory.instance.objectNode() : config;
      shape = shape == null ? null : java.util.Collections.unmodifiableList(new ArrayList<>(shape));
      inbound = List.copyOf(inbound);
    }
  }

  public NetworkDescription {
    inputs = List.copyOf(inputs);
    nodes = List.copyOf(nodes);
    outputs = List.copyOf(outputs);
    outputsName = outputsName == null ? null : List.copyOf(outputsName);
  }

  /** Every node by its name (built on each call: look up through one map, not the list). */
  public Map<String, Node> nodesByName() {
    Map<String, Node> byName = new java.util.HashMap<>();
    for (Node node : nodes) {
      byName.putIfAbsent(node.name(), node);
    }
    return byName;
  }

  /**
   * Describes a layers-model as written by the layers path (after the selection), loaded by
   * TensorSpace with {@code type: "tfjs"}.
   *
   * @param model the selected model (its {@code output_layers} are the exposed layers)
   * @param url the model.json path relative to the generated files
   */
  public static NetworkDescription of(LayersModel model, String url) {
    Map<String, List<Long>> shapes = OutputShapes.infer(model);
    List<Node> nodes = new ArrayList<>();
    Map<String, LayersModel.Layer> byName = new LinkedHashMap<>();
    for (LayersModel.Layer layer : model.layers()) {
      byName.put(layer.name(), layer);
      nodes.add(new Node(layer.name(), layer.className(), layer.config(),
          withoutBatch(shapes.get(layer.name())), layer.inboundLayers()));
    }
    List<Tensor> inputs = new ArrayList<>();
    for (String name : model.inputNames()) {
      LayersModel.Layer layer = byName.get(name);
      String dtype = layer == null ? null : text(layer.config(), "dtype");
      inputs.add(new Tensor(name, withoutBatch(shapes.get(name)), dtype));
    }
    return new NetworkDescription("tfjs", url, null, inputs, nodes, model.outputNames());
  }

  private static String text(JsonNode config, String field) {
    JsonNode value = config.path(field);
    return value.isTextual() ? value.asText() : null;
  }

  private static List<Long> withoutBatch(List<Long> shape) {
    if (shape == null || shape.isEmpty()) {
      return null;
    }
    return new ArrayList<>(shape.subList(1, shape.size()));
  }
}
