package io.tensorspace.convert.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.LayersModel.Layer;
import io.tensorspace.convert.model.Weight;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses which layers a model exposes as outputs, and drops the layers (and their weights) that no
 * chosen output depends on: tfjs refuses weights that have no layer to bind to.
 */
public final class LayerSelection {
  private final List<String> requested;
  private final List<String> excluded;

  /**
   * @param requested layer names in the order the outputs should have; empty means the default:
   *     every layer after the inputs, in the model's order
   * @param excluded layer names or class names to leave out
   */
  public LayerSelection(List<String> requested, List<String> excluded) {
    this.requested = List.copyOf(requested);
    this.excluded = List.copyOf(excluded);
  }

  public LayersModel apply(LayersModel model) throws ConversionException {
    List<Layer> layers = model.layers();
    Map<String, Layer> byName = new LinkedHashMap<>();
    layers.forEach(layer -> byName.put(layer.name(), layer));
    List<String> selectable = new ArrayList<>();
    for (Layer layer : layers) {
      if (!layer.isInput()) {
        selectable.add(layer.name());
      }
    }
    List<String> outputs = new ArrayList<>();
    if (requested.isEmpty()) {
      selectable.stream().filter(name -> !model.helperLayers().contains(name)).forEach(outputs::add);
    } else {
      for (String name : requested) {
        if (!selectable.contains(name)) {
          throw unknown(model, name, selectable, byName.containsKey(name));
        }
        if (outputs.contains(name)) {
          throw new ConversionException(
              model.source() + ": layer '" + name + "' is listed twice in the output layers.");
        }
        outputs.add(name);
      }
    }
    outputs.removeIf(name -> excluded.contains(name) || excluded.contains(byName.get(name).className()));
    if (outputs.isEmpty()) {
      throw new ConversionException(
          model.source() + ": no layer is left to show after excluding " + excluded
              + ". Selectable layers: " + String.join(", ", selectable));
    }
    Set<String> kept = ancestors(outputs, byName);
    kept.addAll(model.inputNames());

    ObjectNode config = model.modelConfig();
    ObjectNode inner = (ObjectNode) config.get("config");
    ArrayNode keptLayers = inner.arrayNode();
    for (JsonNode layer : inner.path("layers")) {
      if (kept.contains(layer.path("name").asText())) {
        keptLayers.add(layer);
      }
    }
    inner.set("layers", keptLayers);
    inner.set("output_layers", LayersModel.triples(inner, outputs));
    Map<String, List<Weight>> weights = new LinkedHashMap<>();
    model.weightsByLayer().forEach((layer, list) -> {
      if (kept.contains(layer)) {
        weights.put(layer, list);
      }
    });
    return model.withConfig(config, weights);
  }

  private static Set<String> ancestors(List<String> outputs, Map<String, Layer> byName) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(outputs);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (seen.add(name) && byName.containsKey(name)) {
        todo.addAll(byName.get(name).inboundLayers());
      }
    }
    return new HashSet<>(seen);
  }

  private static ConversionException unknown(
      LayersModel model, String name, List<String> selectable, boolean isInput) {
    if (isInput) {
      return new ConversionException(
          model.source() + ": '" + name + "' is an input layer; TensorSpace shows inputs anyway."
              + " Remove it from the output layers.");
    }
    String closest = ClosestName.of(name, selectable);
    return new ConversionException(
        model.source() + ": the model has no layer named '" + name + "'"
            + (closest == null ? "" : " (did you mean '" + closest + "'?)")
            + ". Valid layer names: " + String.join(", ", selectable));
  }
}
