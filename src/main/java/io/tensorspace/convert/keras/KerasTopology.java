package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.LayersModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a Keras {@code model_config} (Sequential in list or dict form, or functional) into the one
 * functional {@code Model} shape that TensorFlow.js 1.x and 4.x load: an explicit InputLayer,
 * {@code inbound_nodes} as lists of calls, triples for inputs and outputs.
 */
public final class KerasTopology {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Models inside models deeper than this are not followed in search of the input shape. */
  private static final int MAX_NESTING = 16;

  private KerasTopology() {}

  public static ObjectNode toFunctional(Path file, JsonNode modelConfig) throws ConversionException {
    return toFunctional(file, modelConfig, true);
  }

  /**
   * As {@link #toFunctional(Path, JsonNode)}, but the result takes over (and changes) the config's
   * layer nodes instead of copying them: for a config read for this call alone. Copying a deep
   * model's layers was a tenth of reading a Keras file.
   */
  static ObjectNode toFunctionalReusing(Path file, JsonNode modelConfig)
      throws ConversionException {
    return toFunctional(file, modelConfig, false);
  }

  private static ObjectNode toFunctional(Path file, JsonNode modelConfig, boolean copy)
      throws ConversionException {
    String className = modelConfig.path("class_name").asText("");
    JsonNode config = modelConfig.path("config");
    ObjectNode functional;
    switch (className) {
      case "Sequential" -> functional = fromSequential(file, config, copy);
      case "Model", "Functional" -> functional = fromFunctional(file, config, copy);
      default -> throw new ConversionException(
          file + ": the model's top-level class is '" + className
              + "'; expected a Keras Sequential or functional Model. A subclassed model has no"
              + " layer graph to convert: rebuild it with the Sequential or functional API and save it"
              + " again.");
    }
    ObjectNode model = JSON.objectNode();
    model.put("class_name", "Model");
    model.set("config", functional);
    checkLayerNames(file, functional);
    return model;
  }

  private static ObjectNode fromSequential(Path file, JsonNode config, boolean copy)
      throws ConversionException {
    JsonNode layers = config.isArray() ? config : config.path("layers");
    if (!layers.isArray() || layers.isEmpty()) {
      throw new ConversionException(file + ": the Sequential model has no layers.");
    }
    String name = config.isObject() ? config.path("name").asText("sequential") : "sequential";
    ArrayNode out = JSON.arrayNode();
    ObjectNode first = (ObjectNode) layers.get(0);
    String previous;
    int start;
    if ("InputLayer".equals(first.path("class_name").asText())) {
      ObjectNode input = copy ? first.deepCopy() : first;
      input.put("name", input.path("config").path("name").asText());
      input.set("inbound_nodes", JSON.arrayNode());
      out.add(input);
      previous = input.get("name").asText();
      start = 1;
    } else {
      JsonNode firstConfig = first.path("config");
      JsonNode declared = inputDeclaration(first, 0);
      if (declared == null) {
        declared = withBuildShape(config);
      }
      if (declared == null) {
        throw new ConversionException(
            file + ": the first layer '" + firstConfig.path("name").asText() + "' ("
                + first.path("class_name").asText() + ") declares no input shape, so the model"
                + " was never built. Build it (model.build or an Input) before saving.");
      }
      previous = firstConfig.path("name").asText() + "_input";
      out.add(inputLayer(previous, declared.get("batch_input_shape"),
          declared.path("dtype").asText("float32")));
      start = 0;
    }
    for (int i = start; i < layers.size(); i++) {
      ObjectNode layer = copy ? ((ObjectNode) layers.get(i)).deepCopy() : (ObjectNode) layers.get(i);
      String layerName = layer.path("config").path("name").asText();
      layer.put("name", layerName);
      ArrayNode call = JSON.arrayNode();
      call.addArray().add(previous).add(0).add(0).add(JSON.objectNode());
      ArrayNode inbound = JSON.arrayNode();
      inbound.add(call);
      layer.set("inbound_nodes", inbound);
      reorder(layer);
      out.add(layer);
      previous = layerName;
    }
    ObjectNode functional = JSON.objectNode();
    functional.put("name", name);
    functional.set("layers", out);
    functional.set("input_layers", triple(out.get(0).get("name").asText()));
    functional.set("output_layers", triple(previous));
    return functional;
  }

  /**
   * The config that declares the batch input shape of a Sequential's first layer. When that layer
   * is itself a model (transfer learning, Teachable Machine), the shape lives in its first layer
   * or its input layer, possibly several models deep; a model built with {@code build()} keeps it
   * as {@code build_input_shape} instead. Null when nothing declares it.
   */
  private static JsonNode inputDeclaration(JsonNode layer, int depth) {
    JsonNode config = layer.path("config");
    if (config.path("batch_input_shape").isArray()) {
      return config;
    }
    if (depth > MAX_NESTING) {
      return null;
    }
    JsonNode layers = config.isArray() ? config : config.path("layers");
    JsonNode inner = switch (layer.path("class_name").asText()) {
      case "Sequential" -> layers.path(0);
      case "Model", "Functional" -> config.path("input_layers").size() == 1
          ? named(layers, config.path("input_layers").path(0).path(0).asText()) : null;
      default -> null;
    };
    JsonNode declared = inner == null || inner.isMissingNode() ? null
        : inputDeclaration(inner, depth + 1);
    return declared != null ? declared : withBuildShape(config);
  }

  private static JsonNode withBuildShape(JsonNode config) {
    JsonNode shape = config.path("build_input_shape");
    if (!shape.isArray() || shape.isEmpty() || !shape.get(0).isValueNode()) {
      return null;
    }
    ObjectNode declared = JSON.objectNode();
    declared.set("batch_input_shape", shape);
    return declared;
  }

  private static JsonNode named(JsonNode layers, String name) {
    for (JsonNode layer : layers) {
      String own = layer.has("name") ? layer.path("name").asText()
          : layer.path("config").path("name").asText();
      if (own.equals(name)) {
        return layer;
      }
    }
    return null;
  }

  private static ObjectNode fromFunctional(Path file, JsonNode config, boolean copy)
      throws ConversionException {
    if (!config.path("layers").isArray()) {
      throw new ConversionException(file + ": the functional model's config has no 'layers' list.");
    }
    ObjectNode functional = JSON.objectNode();
    functional.put("name", config.path("name").asText("model"));
    ArrayNode layers = JSON.arrayNode();
    for (JsonNode layer : config.path("layers")) {
      ObjectNode own = copy ? ((ObjectNode) layer).deepCopy() : (ObjectNode) layer;
      if (!own.has("name")) {
        own.put("name", own.path("config").path("name").asText());
      }
      if (!own.path("inbound_nodes").isArray()) {
        own.set("inbound_nodes", JSON.arrayNode());
      }
      reorder(own);
      layers.add(own);
    }
    functional.set("layers", layers);
    functional.set("input_layers", triples(file, config.path("input_layers"), "input_layers"));
    functional.set("output_layers", triples(file, config.path("output_layers"), "output_layers"));
    return functional;
  }

  /** Keras writes name, class_name, config, inbound_nodes; keep that order whatever the source. */
  private static void reorder(ObjectNode layer) {
    for (String key : List.of("name", "class_name", "config", "inbound_nodes")) {
      JsonNode value = layer.remove(key);
      if (value != null) {
        layer.set(key, value);
      }
    }
    List<String> others = new ArrayList<>();
    for (Iterator<String> names = layer.fieldNames(); names.hasNext(); ) {
      others.add(names.next());
    }
    for (String key : others) {
      if (!List.of("name", "class_name", "config", "inbound_nodes").contains(key)) {
        layer.set(key, layer.remove(key));
      }
    }
  }

  static ObjectNode inputLayer(String name, JsonNode batchInputShape, String dtype) {
    ObjectNode input = JSON.objectNode();
    input.put("name", name);
    input.put("class_name", "InputLayer");
    ObjectNode config = input.putObject("config");
    config.set("batch_input_shape", batchInputShape.deepCopy());
    config.put("dtype", dtype);
    config.put("sparse", false);
    config.put("name", name);
    input.set("inbound_nodes", JSON.arrayNode());
    return input;
  }

  private static ArrayNode triple(String name) {
    return LayersModel.triples(JSON.objectNode(), List.of(name));
  }

  /** Accepts a list of triples, or a single flat triple as Keras 3 may write. */
  private static ArrayNode triples(Path file, JsonNode node, String field)
      throws ConversionException {
    if (!node.isArray() || node.isEmpty()) {
      throw new ConversionException(file + ": the model config has no '" + field + "'.");
    }
    ArrayNode result = JSON.arrayNode();
    if (node.get(0).isTextual()) {
      result.add(node.deepCopy());
      return result;
    }
    for (JsonNode entry : node) {
      if (!entry.isArray() || entry.isEmpty() || !entry.get(0).isTextual()) {
        throw new ConversionException(
            file + ": '" + field + "' has an entry that is not [layer, node, tensor]: " + entry);
      }
      result.add(entry.deepCopy());
    }
    return result;
  }

  private static void checkLayerNames(Path file, ObjectNode functional)
      throws ConversionException {
    Set<String> seen = new HashSet<>();
    for (JsonNode layer : functional.path("layers")) {
      String name = layer.path("name").asText("");
      if (name.isEmpty()) {
        throw new ConversionException(
            file + ": a layer of class '" + layer.path("class_name").asText() + "' has no name.");
      }
      if (!seen.add(name)) {
        throw new ConversionException(
            file + ": two layers are named '" + name + "'. Layer names must be unique; rename one"
                + " and save the model again.");
      }
    }
  }
}
