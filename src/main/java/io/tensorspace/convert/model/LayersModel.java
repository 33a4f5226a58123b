package io.tensorspace.convert.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Keras-style layers model in the one shape every reader produces and every writer consumes: a
 * functional {@code Model} config that TensorFlow.js 1.x and 4.x load (explicit InputLayers,
 * {@code inbound_nodes} as lists of calls, {@code input_layers}/{@code output_layers} as triples),
 * plus its weights in manifest order, read lazily.
 */
public final class LayersModel implements Closeable {
  private final Path source;
  private final String generatedBy;
  private final ObjectNode modelConfig;
  private final Map<String, List<Weight>> weightsByLayer;
  private final AutoCloseable resources;
  private final Set<String> helperLayers;

  /**
   * @param source the file the model was read from, for messages
   * @param generatedBy what wrote it, e.g. {@code keras v2.1.6}
   * @param modelConfig {@code {"class_name": "Model", "config": {...}}}, normalised for tfjs
   * @param weightsByLayer each top-level layer's weights, in manifest order
   * @param resources what must stay open until the weights are written (e.g. the HDF5 file)
   */
  public LayersModel(
      Path source,
      String generatedBy,
      ObjectNode modelConfig,
      Map<String, List<Weight>> weightsByLayer,
      AutoCloseable resources) {
    this(source, generatedBy, modelConfig, weightsByLayer, resources, Set.of());
  }

  private LayersModel(
      Path source,
      String generatedBy,
      ObjectNode modelConfig,
      Map<String, List<Weight>> weightsByLayer,
      AutoCloseable resources,
      Set<String> helperLayers) {
    this.source = source;
    this.generatedBy = generatedBy;
    this.modelConfig = modelConfig;
    Map<String, List<Weight>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, List<Weight>> layer : weightsByLayer.entrySet()) {
      copy.put(layer.getKey(), List.copyOf(layer.getValue()));
    }
    this.weightsByLayer = Collections.unmodifiableMap(copy);
    this.resources = resources;
    this.helperLayers = Set.copyOf(helperLayers);
  }

  /** The same source and weights with another topology, e.g. after selecting outputs. */
  public LayersModel withConfig(ObjectNode newConfig, Map<String, List<Weight>> newWeights) {
    return new LayersModel(source, generatedBy, newConfig, newWeights, resources, helperLayers);
  }

  /**
   * The same model, marking layers that a compatibility rewrite added (named
   * {@code <layer>__<what>}): they are not shown as outputs unless asked for by name.
   */
  public LayersModel withHelperLayers(Set<String> helpers) {
    return new LayersModel(source, generatedBy, modelConfig, weightsByLayer, resources, helpers);
  }

  /** Layers added by a compatibility rewrite; never default outputs. */
  public Set<String> helperLayers() {
    return helperLayers;
  }

  @Override
  public void close() throws IOException {
    try {
      resources.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  public Path source() {
    return source;
  }

  public String generatedBy() {
    return generatedBy;
  }

  /** A deep copy, so callers can change it freely. */
  public ObjectNode modelConfig() {
    return modelConfig.deepCopy();
  }

  /**
   * The model config itself, for reading only (a deep model's config is copied in milliseconds,
   * and most steps only read it); change a {@link #modelConfig()} copy instead.
   */
  public JsonNode configView() {
    return modelConfig;
  }

  /** The same topology with other weights, e.g. wrapped to report progress. */
  public LayersModel withWeights(Map<String, List<Weight>> newWeights) {
    return new LayersModel(source, generatedBy, modelConfig, newWeights, resources, helperLayers);
  }

  /** Every weight, in manifest order. */
  public List<Weight> weights() {
    List<Weight> all = new ArrayList<>();
    for (List<Weight> weights : weightsByLayer.values()) {
      all.addAll(weights);
    }
    return all;
  }

  /** Each top-level layer's weights, in manifest order; layers without weights may be absent. */
  public Map<String, List<Weight>> weightsByLayer() {
    return weightsByLayer;
  }

  public List<Layer> layers() {
    List<Layer> layers = new ArrayList<>();
    for (JsonNode layer : modelConfig.path("config").path("layers")) {
      layers.add(Layer.of((ObjectNode) layer));
    }
    return Collections.unmodifiableList(layers);
  }

  public List<String> inputNames() {
    return firstElements(modelConfig.path("config").path("input_layers"));
  }

  /**
   * The outputs in order, as users name them: the layer name, or {@code name#call} for a layer
   * called more than once.
   */
  public List<String> outputNames() {
    Map<String, Integer> calls = new HashMap<>();
    for (JsonNode layer : modelConfig.path("config").path("layers")) {
      calls.put(layer.path("name").asText(), layer.path("inbound_nodes").size());
    }
    Map<String, Integer> first = firstNodes(modelConfig.path("config"));
    List<String> names = new ArrayList<>();
    for (JsonNode triple : modelConfig.path("config").path("output_layers")) {
      String name = triple.path(0).asText();
      int call = triple.path(1).asInt() - first.getOrDefault(name, 0);
      names.add(calls.getOrDefault(name, 1) > 1 ? name + "#" + call : name);
    }
    return names;
  }

  private static final Set<String> MODELS = Set.of("Model", "Functional", "Sequential");

  /**
   * The node index that stands for the first call of each layer of a functional {@code config}:
   * 0, except for a model used as a layer, whose node 0 is its own (inside it) in Keras 2 and tfjs
   * configs, so that its calls are numbered from 1. A config that reads node 0 of such a model
   * (this converter's Sequential translation, Keras 3) numbers them from 0.
   */
  public static Map<String, Integer> firstNodes(JsonNode config) {
    Map<String, Integer> first = new HashMap<>();
    for (JsonNode layer : config.path("layers")) {
      if (MODELS.contains(layer.path("class_name").asText())) {
        first.put(layer.path("name").asText(), 1);
      }
    }
    List<JsonNode> references = new ArrayList<>();
    for (JsonNode layer : config.path("layers")) {
      references(layer.path("inbound_nodes"), references);
    }
    for (JsonNode output : config.path("output_layers")) {
      references.add(output);
    }
    for (JsonNode reference : references) {
      if (first.containsKey(reference.path(0).asText()) && reference.path(1).asInt(-1) == 0) {
        first.put(reference.path(0).asText(), 0);
      }
    }
    return first;
  }

  /** The {@code [layer, node, tensor, ...]} entries in inbound nodes, Keras 3 histories too. */
  private static void references(JsonNode node, List<JsonNode> found) {
    if (node.isArray() && node.path(0).isTextual() && node.path(1).isNumber()) {
      found.add(node);
    } else if (node.isContainerNode()) {
      for (JsonNode child : node) {
        references(child, found);
      }
    }
  }

  private static List<String> firstElements(JsonNode triples) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode triple : triples) {
      names.add(triple.path(0).asText());
    }
    return List.copyOf(names);
  }

  /**
   * A read-only view of one layer of the config.
   *
   * @param config the layer's config as the model holds it (not a copy): read it only
   * @param inboundLayers the layers whose outputs this one reads, over all its calls
   * @param calls how many times the layer is called in the graph (more than once when shared)
   */
  public record Layer(
      String name, String className, ObjectNode config, List<String> inboundLayers, int calls) {
    static Layer of(ObjectNode layer) {
      Set<String> inbound = new LinkedHashSet<>();
      for (JsonNode call : layer.path("inbound_nodes")) {
        for (JsonNode entry : call) {
          inbound.add(entry.path(0).asText());
        }
      }
      JsonNode config = layer.path("config");
      return new Layer(
          layer.path("name").asText(),
          layer.path("class_name").asText(),
          config.isObject() ? (ObjectNode) config : JsonNodeFactory.instance.objectNode(),
          List.copyOf(inbound),
          layer.path("inbound_nodes").size());
    }

    public boolean isInput() {
      return "InputLayer".equals(className);
    }
  }

  /** Builds a triple list {@code [[name, 0, 0], ...]}. */
  public static ArrayNode triples(ObjectNode owner, List<String> names) {
    ArrayNode list = owner.arrayNode();
    for (String name : names) {
      list.addArray().add(name).add(0).add(0);
    }
    return list;
  }
}
