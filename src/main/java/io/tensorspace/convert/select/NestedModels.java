package io.tensorspace.convert.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.keras.KerasTopology;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces each model used as a layer by its own layers, wired into the outer graph, so that any
 * inner layer can be an output (tfjs cannot expose a layer inside a nested model). The computation
 * and the weights stay the same; an inner layer whose name is taken outside becomes
 * {@code <model>_<layer>}, and {@link #renamed()} says so.
 */
public final class NestedModels {
  private static final Set<String> MODEL_CLASSES = Set.of("Model", "Functional", "Sequential");

  private final Map<String, String> renamed = new LinkedHashMap<>();

  /** Inner layers that had to be renamed: original (as {@code model/layer}) → new name. */
  public Map<String, String> renamed() {
    return renamed;
  }

  public LayersModel flatten(LayersModel model) throws ConversionException {
    if (!(model.configView().path("config") instanceof ObjectNode view)
        || firstFlattenable(view) == null) {
      return model; // nothing nested: no copy of the config to make
    }
    ObjectNode config = model.modelConfig();
    ObjectNode outer = (ObjectNode) config.get("config");
    Map<String, List<Weight>> weights = new LinkedHashMap<>(model.weightsByLayer());
    boolean changed = false;
    for (int guard = 0; guard < 64; guard++) {
      ObjectNode nested = firstFlattenable(outer);
      if (nested == null) {
        break;
      }
      inline(model, outer, nested, weights);
      changed = true;
    }
    return changed ? model.withConfig(config, weights) : model;
  }

  /** A nested model called exactly once (a model shared by several calls stays whole). */
  private static ObjectNode firstFlattenable(ObjectNode outer) {
    for (JsonNode layer : outer.path("layers")) {
      if (MODEL_CLASSES.contains(layer.path("class_name").asText())
          && layer.path("inbound_nodes").size() == 1) {
        return (ObjectNode) layer;
      }
    }
    return null;
  }

  private void inline(LayersModel model, ObjectNode outer, ObjectNode nested,
      Map<String, List<Weight>> weights) throws ConversionException {
    String nestedName = nested.path("name").asText();
    ObjectNode innerModel = nested.objectNode();
    innerModel.put("class_name", nested.path("class_name").asText());
    innerModel.set("config", nested.path("config"));
    ObjectNode inner = (ObjectNode) KerasTopology.toFunctional(model.source(), innerModel).get("config");

    Set<String> outerNames = new HashSet<>();
    outer.path("layers").forEach(l -> outerNames.add(l.path("name").asText()));
    Map<String, String> names = new HashMap<>();
    for (JsonNode layer : inner.path("layers")) {
      String name = layer.path("name").asText();
      String unique = name;
      if (outerNames.contains(name)) {
        unique = nestedName + "_" + name;
        for (int k = 2; outerNames.contains(unique); k++) {
          unique = nestedName + "_" + name + "_" + k;
        }
        renamed.put(nestedName + "/" + name, unique);
      }
      outerNames.add(unique);
      names.put(name, unique);
    }

    // the nested model's one call: its entries feed the inner inputs, in order
    JsonNode call = nested.path("inbound_nodes").get(0);
    List<String> innerInputs = new ArrayList<>();
    inner.path("input_layers").forEach(t -> innerInputs.add(t.path(0).asText()));
    if (call.size() != innerInputs.size()) {
      throw new ConversionException(model.source() + ": nested model '" + nestedName + "' has "
          + innerInputs.size() + " inputs but is called with " + call.size() + " tensors.");
    }
    Map<String, JsonNode> feeds = new HashMap<>();
    for (int i = 0; i < innerInputs.size(); i++) {
      feeds.put(innerInputs.get(i), call.get(i));
    }

    ArrayNode replacement = outer.arrayNode();
    for (JsonNode layer : inner.path("layers")) {
      if (innerInputs.contains(layer.path("name").asText())) {
        continue;
      }
      ObjectNode copy = ((ObjectNode) layer).deepCopy();
      String name = names.get(layer.path("name").asText());
      copy.put("name", name);
      ((ObjectNode) copy.path("config")).put("name", name);
      ArrayNode calls = copy.arrayNode();
      for (JsonNode innerCall : layer.path("inbound_nodes")) {
        ArrayNode entries = calls.addArray();
        for (JsonNode entry : innerCall) {
          JsonNode feed = feeds.get(entry.path(0).asText());
          ArrayNode rewired = entries.addArray();
          if (feed != null) {
            rewired.add(feed.path(0).asText()).add(feed.path(1).asInt()).add(feed.path(2).asInt());
          } else {
            rewired.add(names.get(entry.path(0).asText())).add(entry.path(1).asInt())
                .add(entry.path(2).asInt());
          }
          rewired.add(entry.size() > 3 ? entry.get(3) : rewired.objectNode());
        }
      }
      copy.set("inbound_nodes", calls);
      replacement.add(copy);
    }

    // consumers of the nested model now read the inner output it stood for
    List<JsonNode> innerOutputs = new ArrayList<>();
    inner.path("output_layers").forEach(innerOutputs::add);
    ArrayNode layers = outer.arrayNode();
    for (JsonNode layer : outer.path("layers")) {
      if (layer == nested) {
        layers.addAll(replacement);
        continue;
      }
      for (JsonNode outerCall : layer.path("inbound_nodes")) {
        for (JsonNode entry : outerCall) {
          redirect((ArrayNode) entry, nestedName, innerOutputs, names);
        }
      }
      layers.add(layer);
    }
    outer.set("layers", layers);
    for (JsonNode triple : outer.path("output_layers")) {
      redirect((ArrayNode) triple, nestedName, innerOutputs, names);
    }

    // the inner layers' weights take the nested model's place in the manifest order; a weight of
    // a model nested deeper goes to the inner layer that holds that model
    Map<String, String> holders = new HashMap<>();
    for (JsonNode layer : inner.path("layers")) {
      String name = layer.path("name").asText();
      holders.put(name, name);
      holdLayersOf(layer, name, holders);
    }
    Map<String, List<Weight>> reordered = new LinkedHashMap<>();
    for (Map.Entry<String, List<Weight>> entry : weights.entrySet()) {
      if (!entry.getKey().equals(nestedName)) {
        reordered.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).addAll(entry.getValue());
        continue;
      }
      for (Weight weight : entry.getValue()) {
        int slash = weight.name().indexOf('/');
        String innerLayer = slash < 0 ? weight.name() : weight.name().substring(0, slash);
        String holder = holders.getOrDefault(innerLayer, innerLayer);
        String owner = names.getOrDefault(holder, holder);
        Weight named = owner.equals(innerLayer) || !holder.equals(innerLayer) ? weight
            : weight.renamed(owner + weight.name().substring(slash));
        reordered.computeIfAbsent(owner, k -> new ArrayList<>()).add(named);
      }
    }
    weights.clear();
    weights.putAll(reordered);
  }

  /** Marks the layers of a model used as a layer, at any depth, as held by {@code holder}. */
  private static void holdLayersOf(JsonNode layer, String holder, Map<String, String> holders) {
    if (!MODEL_CLASSES.contains(layer.path("class_name").asText())) {
      return;
    }
    JsonNode config = layer.path("config");
    for (JsonNode child : config.isArray() ? config : config.path("layers")) {
      String name = child.has("name") ? child.path("name").asText()
          : child.path("config").path("name").asText();
      holders.putIfAbsent(name, holder);
      holdLayersOf(child, holder, holders);
    }
  }

  private static void redirect(ArrayNode entry, String nestedName, List<JsonNode> innerOutputs,
      Map<String, String> names) {
    if (!entry.path(0).asText().equals(nestedName)) {
      return;
    }
    JsonNode target = innerOutputs.get(Math.min(entry.path(2).asInt(), innerOutputs.size() - 1));
    entry.set(0, entry.textNode(names.get(target.path(0).asText())));
    entry.set(1, entry.numberNode(target.path(1).asInt()));
    entry.set(2, entry.numberNode(target.path(2).asInt()));
  }
}
