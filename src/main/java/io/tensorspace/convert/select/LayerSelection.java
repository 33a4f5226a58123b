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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
    for (Layer layer : layers) {
      byName.put(layer.name(), layer);
    }
    // what can be an output: every call of every layer after the inputs; a layer called more
    // than once (shared) is picked per call as name#call
    Map<String, Output> selectable = new LinkedHashMap<>();
    Map<String, Output> aliases = new HashMap<>();
    for (Layer layer : layers) {
      if (layer.isInput()) {
        continue;
      }
      int calls = Math.max(1, layer.calls());
      for (int call = 0; call < calls; call++) {
        Output output = new Output(layer.name(), call, calls == 1 ? layer.name() : layer.name() + "#" + call);
        selectable.put(output.label(), output);
      }
      aliases.put(layer.name(), new Output(layer.name(), 0, calls == 1 ? layer.name() : layer.name() + "#0"));
    }
    List<Output> chosen = new ArrayList<>();
    if (requested.isEmpty()) {
      for (Output output : selectable.values()) {
        if (!model.helperLayers().contains(output.layer())) {
          chosen.add(output);
        }
      }
    } else {
      for (String name : requested) {
        Output output = selectable.getOrDefault(name, aliases.get(name));
        if (output == null) {
          throw unknown(model, name, new ArrayList<>(selectable.keySet()), byName.containsKey(name));
        }
        if (chosen.contains(output)) {
          throw new ConversionException(
              model.source() + ": layer '" + name + "' is listed twice in the output layers.");
        }
        chosen.add(output);
      }
    }
    for (Iterator<Output> each = chosen.iterator(); each.hasNext(); ) {
      Output output = each.next();
      if (excluded.contains(output.layer()) || excluded.contains(output.label())
          || excluded.contains(byName.get(output.layer()).className())) {
        each.remove();
      }
    }
    if (chosen.isEmpty()) {
      throw new ConversionException(
          model.source() + ": no layer is left to show after excluding " + excluded
              + ". Selectable layers: " + String.join(", ", selectable.keySet()));
    }
    List<String> outputs = new ArrayList<>();
    for (Output output : chosen) {
      outputs.add(output.layer());
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
    ArrayNode outputLayers = inner.arrayNode();
    Map<String, Integer> first = LayersModel.firstNodes(inner);
    for (Output output : chosen) {
      outputLayers.addArray().add(output.layer())
          .add(first.getOrDefault(output.layer(), 0) + output.call()).add(0);
    }
    inner.set("output_layers", outputLayers);
    Map<String, List<Weight>> weights = new LinkedHashMap<>();
    for (Map.Entry<String, List<Weight>> layer : model.weightsByLayer().entrySet()) {
      if (kept.contains(layer.getKey())) {
        weights.put(layer.getKey(), layer.getValue());
      }
    }
    return model.withConfig(config, weights);
  }

  /** One selectable tensor: a layer's output at one of its calls, as the user names it. */
  private record Output(String layer, int call, String label) {}

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
