package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shared state of the rewrites of one model: the names in use (helpers must not clash), the
 * helper layers made so far, and the file for messages.
 */
final class Rewriting {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Path file;
  private final Set<String> names;
  private final Set<String> helpers = new LinkedHashSet<>();
  private final Map<String, List<Long>> shapes;

  Rewriting(Path file, Set<String> names, Map<String, List<Long>> shapes) {
    this.file = file;
    this.names = new LinkedHashSet<>(names);
    this.shapes = shapes;
  }

  Path file() {
    return file;
  }

  /** Helper layers added so far. */
  Set<String> helpers() {
    return helpers;
  }

  /** The output shape (batch first) of a layer of the original model, or null if unknown. */
  List<Long> shape(String layer) {
    return shapes.get(layer);
  }

  /** A fresh helper name {@code <layer>__<what>}. */
  String helperName(String layer, String what) {
    String base = layer + "__" + what;
    String name = base;
    for (int i = 2; names.contains(name); i++) {
      name = base + "_" + i;
    }
    names.add(name);
    helpers.add(name);
    return name;
  }

  ConversionException refuse(String layer, String className, String why, String wayOut) {
    return new ConversionException(
        file + ": layer '" + layer + "' (" + className + ") cannot be converted: " + why + ". "
            + wayOut);
  }

  /**
   * Builds the chain that replaces one layer. The first layer added takes the original layer's
   * inbound nodes; each next one is called on the previous, once per call of the original layer;
   * the last one must be added with {@link #last} so that it keeps the original name.
   */
  final class Chain {
    private final ObjectNode original;
    private final String name;
    private final List<ObjectNode> layers = new ArrayList<>();
    private final Map<String, List<Weight>> weights = new LinkedHashMap<>();
    private String previous;

    Chain(ObjectNode original) {
      this.original = original;
      this.name = original.path("name").asText();
    }

    String name() {
      return name;
    }

    /** The shape of the original layer's first input (first call), or null if unknown. */
    List<Long> inputShape() {
      return shape(original.path("inbound_nodes").path(0).path(0).path(0).asText());
    }

    int calls() {
      return Math.max(1, original.path("inbound_nodes").size());
    }

    /** A helper layer after the previous one; returns its name. */
    String helper(String what, String className, ObjectNode config, List<Weight> layerWeights) {
      String helper = helperName(name, what);
      add(helper, className, config, layerWeights, null);
      return helper;
    }

    /** A helper layer with explicit inbound nodes (e.g. a merge of two tensors). */
    String helper(String what, String className, ObjectNode config, ArrayNode inbound) {
      return helper(what, className, config, List.of(), inbound);
    }

    /** A helper layer with weights (named {@code <anything>/<weight>}) and explicit inbound nodes. */
    String helper(
        String what, String className, ObjectNode config, List<Weight> layerWeights,
        ArrayNode inbound) {
      String helper = helperName(name, what);
      add(helper, className, config, layerWeights, inbound);
      return helper;
    }

    /** The final layer, which keeps the original name and so the original output. */
    Replacement last(String className, ObjectNode config, List<Weight> layerWeights) {
      add(name, className, config, layerWeights, null);
      return new Replacement(layers, weights);
    }

    Replacement last(String className, ObjectNode config, ArrayNode inbound) {
      add(name, className, config, List.of(), inbound);
      return new Replacement(layers, weights);
    }

    /** Inbound nodes calling {@code layer} once per call of the original layer. */
    ArrayNode callsOf(String... layer) {
      ArrayNode inbound = JSON.arrayNode();
      for (int call = 0; call < calls(); call++) {
        ArrayNode entries = inbound.addArray();
        for (String input : layer) {
          entries.addArray().add(input).add(call).add(0).addObject();
        }
      }
      return inbound;
    }

    private void add(
        String layerName, String className, ObjectNode config, List<Weight> layerWeights,
        ArrayNode inbound) {
      ObjectNode layer = JSON.objectNode();
      layer.put("name", layerName);
      layer.put("class_name", className);
      config.put("name", layerName);
      layer.set("config", config);
      if (inbound == null) {
        inbound = previous == null
            ? (ArrayNode) original.path("inbound_nodes").deepCopy()
            : callsOf(previous);
      }
      layer.set("inbound_nodes", inbound);
      layers.add(layer);
      if (!layerWeights.isEmpty()) {
        List<Weight> renamed = new ArrayList<>();
        for (Weight weight : layerWeights) {
          String weightName = weight.name();
          int slash = weightName.indexOf('/');
          renamed.add(weight.renamed(
              layerName + (slash < 0 ? "/" + weightName : weightName.substring(slash))));
        }
        weights.put(layerName, renamed);
      }
      previous = layerName;
    }
  }

  /** A config with the usual layer settings, copied from the original layer's config. */
  static ObjectNode baseConfig(JsonNode original) {
    ObjectNode config = JSON.objectNode();
    config.put("name", "");
    config.put("trainable", original.path("trainable").asBoolean(true));
    config.put("dtype", original.path("dtype").isTextual() ? original.path("dtype").asText() : "float32");
    return config;
  }

  static ArrayNode ints(long... values) {
    ArrayNode array = JSON.arrayNode();
    for (long value : values) {
      array.add(value);
    }
    return array;
  }

  /** The layers replacing one layer (the last named as the original) and their weights. */
  record Replacement(List<ObjectNode> layers, Map<String, List<Weight>> weights) {}
}
