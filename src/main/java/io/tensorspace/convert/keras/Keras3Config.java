package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Normalises a Keras 3 model config ({@code .keras} {@code config.json}, or the
 * {@code model_config} of a Keras 3 legacy {@code .h5}) into the Keras 2 / tf.keras form
 * (tfjs-format.md §1.4): {@code batch_shape} → {@code batch_input_shape}; {@code {args, kwargs}}
 * nodes → lists of {@code [layer, node, tensor, kwargs]}; flat {@code input_layers} wrapped;
 * DTypePolicy → its name; {@code module}, {@code registered_name}, {@code build_config},
 * {@code compile_config} dropped; {@code Functional} → {@code Model}; {@code __tensor__} values
 * (e.g. {@code Masking.mask_value}) → plain numbers.
 */
final class Keras3Config {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> DROPPED =
      Set.of("module", "registered_name", "build_config", "compile_config", "shared_object_id");
  private static final Set<String> POLICIES =
      Set.of("DTypePolicy", "Policy", "FloatDTypePolicy", "QuantizedDTypePolicy",
          "QuantizedFloat8DTypePolicy", "DTypePolicyMap");
  static final Set<String> MODELS = Set.of("Sequential", "Functional", "Model");

  private Keras3Config() {}

  /**
   * A normalised deep copy. A model that is neither Sequential nor functional (a subclassed
   * {@code keras.Model}) has no layer graph in its config and is refused.
   */
  static ObjectNode normalise(Path file, JsonNode modelConfig) throws ConversionException {
    if (!modelConfig.isObject()) {
      throw new ConversionException(file + ": the model config is not a JSON object.");
    }
    String className = modelConfig.path("class_name").asText("");
    JsonNode config = modelConfig.path("config");
    if (!MODELS.contains(className)
        || !(config.isArray() || config.path("layers").isArray())) {
      String name = config.path("name").asText("(unnamed)");
      String registered = modelConfig.path("registered_name").asText("");
      throw new ConversionException(
          file + ": model '" + name + "' is a custom subclassed Keras model of class '"
              + className + "'" + (registered.isEmpty() || registered.equals(className)
                  ? "" : " (registered as '" + registered + "')")
              + ": its saved config has no layer list, because its layer graph exists only in"
              + " the Python call() method, so it cannot become a TensorFlow.js layers model."
              + " Rebuild it with the Sequential or functional API (keras.Input + layers) and"
              + " save it again.");
    }
    ObjectNode model = modelConfig.deepCopy();
    clean(model);
    normaliseModel(model);
    return model;
  }

  /** Drops Keras 3 bookkeeping, resolves policies and tensors, everywhere in the tree. */
  private static void clean(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (String key : DROPPED) {
        object.remove(key);
      }
      List<String> keys = new ArrayList<>();
      object.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        JsonNode value = object.get(key);
        if (value instanceof ObjectNode child) {
          JsonNode replaced = replacement(key, child);
          if (replaced != null) {
            object.set(key, replaced);
            continue;
          }
        }
        clean(value);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i) instanceof ObjectNode child) {
          JsonNode replaced = replacement(null, child);
          if (replaced != null) {
            array.set(i, replaced);
            continue;
          }
        }
        clean(array.get(i));
      }
    }
  }

  /** A value that replaces an object outright: policy → name, tensor → its value. */
  private static JsonNode replacement(String key, ObjectNode value) {
    String className = value.path("class_name").asText("");
    if (POLICIES.contains(className) && ("dtype".equals(key) || key == null)) {
      String name = value.path("config").path("name").asText("float32");
      if (name.startsWith("mixed_") || name.equals("mixed")) {
        name = "float32";
      }
      if (name.contains("_from_")) {
        // quantized policies are named e.g. int8_from_float32
        name = name.substring(name.indexOf("_from_") + "_from_".length());
      }
      return JSON.textNode(name);
    }
    if (className.equals("__tensor__") || className.equals("__numpy__")) {
      JsonNode tensor = value.path("config").path("value");
      while (tensor.isArray() && tensor.size() == 1) {
        tensor = tensor.get(0);
      }
      return tensor.deepCopy();
    }
    return null;
  }

  private static void normaliseModel(ObjectNode model) {
    String className = model.path("class_name").asText();
    if (className.equals("Functional")) {
      model.put("class_name", "Model");
    }
    JsonNode config = model.path("config");
    ArrayNode layers = config.isArray() ? (ArrayNode) config
        : config.path("layers") instanceof ArrayNode a ? a : null;
    if (layers == null) {
      return;
    }
    for (JsonNode layer : layers) {
      if (layer instanceof ObjectNode object) {
        normaliseLayer(object);
      }
    }
    if (config instanceof ObjectNode object) {
      JsonNode buildShape = object.remove("build_input_shape");
      if (className.equals("Sequential") && !layers.isEmpty()
          && !"InputLayer".equals(layers.get(0).path("class_name").asText())
          && layers.get(0).path("config") instanceof ObjectNode first
          && !first.has("batch_input_shape") && buildShape != null && buildShape.isArray()) {
        first.set("batch_input_shape", buildShape);
      }
      for (String key : List.of("input_layers", "output_layers")) {
        JsonNode value = object.get(key);
        if (value instanceof ArrayNode array && !array.isEmpty() && array.get(0).isTextual()) {
          object.set(key, JSON.arrayNode().add(array));
        }
      }
    }
  }

  private static void normaliseLayer(ObjectNode layer) {
    String className = layer.path("class_name").asText();
    if (className.equals("Functional")) {
      layer.put("class_name", "Model");
      className = "Model";
    }
    if (layer.path("config") instanceof ObjectNode config) {
      if (config.has("batch_shape")) {
        JsonNode shape = config.remove("batch_shape");
        if (!config.has("batch_input_shape")) {
          config.set("batch_input_shape", shape);
        }
      }
      if (MODELS.contains(className)) {
        normaliseModel(layer);
      }
      if (config.get("layer") instanceof ObjectNode inner) {
        normaliseLayer(inner);
        if (className.equals("Bidirectional")
            && inner.path("config") instanceof ObjectNode innerConfig
            && innerConfig.path("name").asText().startsWith("forward_")) {
          // Keras 3 stores the already-prefixed forward layer; tfjs (like Keras 2) adds
          // forward_/backward_ itself, and binds <bidi>/forward_<inner>/kernel
          innerConfig.put("name", innerConfig.path("name").asText().substring("forward_".length()));
        }
      }
      if (className.equals("Bidirectional")) {
        // tfjs builds the backward layer from the forward one (go_backwards flipped)
        config.remove("backward_layer");
      }
    }
    if (layer.get("inbound_nodes") instanceof ArrayNode nodes) {
      ArrayNode calls = JSON.arrayNode();
      for (JsonNode node : nodes) {
        calls.add(node.isObject() ? call((ObjectNode) node) : node);
      }
      layer.set("inbound_nodes", calls);
    }
  }

  /** {@code {"args": [...], "kwargs": {...}}} → {@code [[layer, node, tensor, kwargs], ...]}. */
  private static ArrayNode call(ObjectNode node) {
    ObjectNode kwargs = JSON.objectNode();
    if (node.get("kwargs") instanceof ObjectNode given) {
      for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        List<JsonNode> tensors = new ArrayList<>();
        collectTensors(entry.getValue(), tensors);
        if (tensors.isEmpty()) {
          kwargs.set(entry.getKey(), entry.getValue().deepCopy());
        }
      }
    }
    List<JsonNode> tensors = new ArrayList<>();
    collectTensors(node.path("args"), tensors);
    ArrayNode call = JSON.arrayNode();
    for (JsonNode history : tensors) {
      call.addArray()
          .add(history.path(0).asText())
          .add(history.path(1).asInt())
          .add(history.path(2).asInt())
          .add(kwargs.deepCopy());
    }
    return call;
  }

  /**
   * The tfjs name of a weight in a Keras 3 legacy {@code .h5}, given its variable path without
   * the model prefix: Keras 3 scopes a TimeDistributed weight by the wrapped layer
   * ({@code td/dense/kernel}, tfjs binds {@code td/kernel}) and names the DepthwiseConv kernel
   * {@code kernel} (tfjs: {@code depthwise_kernel}).
   *
   * @param layer the normalised top-level layer holding the weight
   */
  static String legacyWeightName(JsonNode layer, String name) {
    List<String> parts = new ArrayList<>(List.of(name.split("/")));
    JsonNode owner = layer;
    if (MODELS.contains(layer.path("class_name").asText()) && parts.size() >= 2) {
      JsonNode config = layer.path("config");
      for (JsonNode inner : config.isArray() ? config : config.path("layers")) {
        if (inner.path("config").path("name").asText(inner.path("name").asText())
            .equals(parts.get(0))) {
          owner = inner;
          break;
        }
      }
    }
    String className = owner.path("class_name").asText();
    if (className.equals("TimeDistributed") && parts.size() >= 3) {
      parts.remove(1);
    }
    String wrapped = className.equals("TimeDistributed")
        ? owner.path("config").path("layer").path("class_name").asText() : className;
    if ((wrapped.equals("DepthwiseConv2D") || wrapped.equals("DepthwiseConv1D"))
        && parts.get(parts.size() - 1).equals("kernel")) {
      parts.set(parts.size() - 1, "depthwise_kernel");
    }
    return String.join("/", parts);
  }

  private static void collectTensors(JsonNode node, List<JsonNode> into) {
    if (node.isObject()) {
      if ("__keras_tensor__".equals(node.path("class_name").asText())) {
        into.add(node.path("config").path("keras_history"));
        return;
      }
      node.elements().forEachRemaining(child -> collectTensors(child, into));
    } else if (node.isArray()) {
      node.forEach(child -> collectTensors(child, into));
    }
  }
}
