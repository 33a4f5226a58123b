package io.tensorspace.convert;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a model as read, before anything is written: the layer graph is well formed (unique
 * names, inbound nodes that name existing layers, no cycle, inputs and outputs that exist) and the
 * weights of common layers have the shapes their config gives. A model failing these loads in
 * no TensorFlow.js; the message says which layer is wrong.
 */
public final class ModelChecks {
  private static final Set<String> RNN = Set.of("LSTM", "GRU", "SimpleRNN");

  private ModelChecks() {}

  public static void check(LayersModel model) throws ConversionException {
    String file = String.valueOf(model.source());
    JsonNode config = model.configView().path("config");
    JsonNode layers = config.path("layers");
    if (!layers.isArray() || layers.isEmpty()) {
      throw new ConversionException(file + ": the model config has no layers.");
    }
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode layer : layers) {
      String name = layer.path("name").isTextual() ? layer.get("name").asText() : "";
      if (!layer.isObject() || name.isEmpty() || !layer.path("class_name").isTextual()) {
        throw new ConversionException(file + ": the model config has a layer without a name or"
            + " class_name: " + abbreviate(layer));
      }
      if (byName.put(name, layer) != null) {
        throw new ConversionException(file + ": two layers of the model config are named '" + name
            + "'; layer names must be unique.");
      }
    }
    Map<Call, List<Call>> inputsOf = callGraph(file, layers, byName, config);
    checkAcyclic(file, inputsOf);
    for (String key : List.of("input_layers", "output_layers")) {
      JsonNode triples = config.path(key);
      if (!triples.isArray() || triples.isEmpty()) {
        throw new ConversionException(file + ": the model config has no " + key + ".");
      }
      for (JsonNode triple : triples) {
        String name = triple.path(0).asText(null);
        if (name == null || !byName.containsKey(name)) {
          throw new ConversionException(file + ": " + key + " names " + abbreviate(triple)
              + ", which is not a layer of the model.");
        }
      }
    }
    boolean keras1 = String.valueOf(model.generatedBy()).startsWith("keras v1.");
    for (JsonNode layer : layers) {
      checkSettings(file, layer);
      checkWeights(file, layer, model.weightsByLayer().getOrDefault(layer.get("name").asText(),
          List.of()), keras1);
    }
  }

  /**
   * The graph of calls: a shared layer's calls are separate nodes, and a later call may read a
   * descendant of an earlier one without any cycle.
   */
  private static Map<Call, List<Call>> callGraph(String file, JsonNode layers,
      Map<String, JsonNode> byName, JsonNode config) throws ConversionException {
    Map<String, Integer> firstCall = LayersModel.firstNodes(config);
    Map<Call, List<Call>> inputsOf = new HashMap<>();
    for (JsonNode layer : layers) {
      String name = layer.get("name").asText();
      JsonNode calls = layer.path("inbound_nodes");
      boolean isInput = "InputLayer".equals(layer.get("class_name").asText());
      if (!isInput && (!calls.isArray() || calls.isEmpty())) {
        throw new ConversionException(file + ": layer '" + name + "' has no inputs (its"
            + " inbound_nodes are missing, empty or damaged).");
      }
      int index = 0;
      for (JsonNode call : calls) {
        if (!call.isArray() || call.isEmpty()) {
          throw inbound(file, name, call);
        }
        List<Call> inputs = new ArrayList<>();
        for (JsonNode entry : call) {
          String from = entry.path(0).isTextual() ? entry.get(0).asText() : null;
          JsonNode source = from == null ? null : byName.get(from);
          if (source == null || !entry.path(1).canConvertToInt() || !entry.path(2).canConvertToInt()
              || entry.get(1).asInt() < 0 || entry.get(2).asInt() < 0) {
            throw inbound(file, name, entry);
          }
          int node = entry.get(1).asInt() - firstCall.getOrDefault(from, 0);
          int made = Math.max(1, source.path("inbound_nodes").size());
          if (node < 0 || node >= made) {
            throw new ConversionException(file + ": layer '" + name + "' reads node "
                + entry.get(1).asInt() + " of layer '" + from + "', which is called only " + made
                + " time(s): " + abbreviate(entry) + ".");
          }
          inputs.add(new Call(from, node));
        }
        inputsOf.put(new Call(name, index++), inputs);
      }
    }
    return inputsOf;
  }

  private static ConversionException inbound(String file, String layer, JsonNode entry) {
    return new ConversionException(file + ": layer '" + layer + "' has an inbound node that names"
        + " no layer of the model: " + abbreviate(entry) + ".");
  }

  /** One call of a layer: its {@code index}-th inbound node. */
  private record Call(String layer, int index) {
    // written out: a record's generated equals and hashCode bootstrap method handles on first
    // use, which costs a cold Maven JVM more than the whole cycle check of a small model
    @Override
    public boolean equals(Object other) {
      return other instanceof Call call && index == call.index
          && java.util.Objects.equals(layer, call.layer);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Objects.hashCode(layer) + index;
    }

    @Override
    public String toString() {
      return "'" + layer + "'" + (index == 0 ? "" : " (call " + index + ")");
    }
  }

  private static void checkAcyclic(String file, Map<Call, List<Call>> inputsOf)
      throws ConversionException {
    Map<Call, Integer> state = new HashMap<>();  // 1 = on the path, 2 = done
    for (Call start : inputsOf.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      // iterative depth-first search: a crafted config may chain thousands of layers
      List<Call> path = new ArrayList<>();
      List<Integer> next = new ArrayList<>();
      path.add(start);
      next.add(0);
      state.put(start, 1);
      while (!path.isEmpty()) {
        int top = path.size() - 1;
        Call call = path.get(top);
        List<Call> inputs = inputsOf.getOrDefault(call, List.of());
        int i = next.get(top);
        if (i == inputs.size()) {
          state.put(call, 2);
          path.remove(top);
          next.remove(top);
          continue;
        }
        next.set(top, i + 1);
        Call input = inputs.get(i);
        Integer s = state.get(input);
        if (s == null) {
          state.put(input, 1);
          path.add(input);
          next.add(0);
        } else if (s == 1) {
          throw new ConversionException(file + ": the layers form a cycle through " + input
              + " (its inbound_nodes lead back to it); a model's layers must form a graph"
              + " without cycles.");
        }
      }
    }
  }

  /**
   * The settings that give common layers their weight shapes: a config without one is incomplete,
   * which is no fault of the weights (the Keras 1 translation guards its own, Keras1Config).
   */
  private static void checkSettings(String file, JsonNode layer) throws ConversionException {
    String cls = layer.path("class_name").asText();
    List<String> required = cls.equals("Dense") || RNN.contains(cls) ? List.of("units")
        : cls.matches("Conv[123]D") ? List.of("filters", "kernel_size")
        : cls.equals("Embedding") ? List.of("input_dim", "output_dim")
        : List.of();
    for (String key : required) {
      JsonNode value = layer.path("config").path(key);
      if (value.isMissingNode() || value.isNull()) {
        throw new ConversionException(file + ": layer '" + layer.get("name").asText() + "' ("
            + cls + ") has no " + key + " in its config, so TensorFlow.js cannot build it. The"
            + " model config is incomplete; save the model again.");
      }
    }
  }

  /** The weight shapes common layers must have, from their config. */
  private static void checkWeights(String file, JsonNode layer, List<Weight> weights,
      boolean keras1) throws ConversionException {
    String cls = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    String name = layer.get("name").asText();
    Map<String, long[]> shapes = new HashMap<>();
    for (Weight w : weights) {
      String n = w.name();
      shapes.put(n.substring(n.lastIndexOf('/') + 1), w.shape());
    }
    boolean known = cls.equals("Dense") || cls.matches("Conv[123]D") || RNN.contains(cls)
        || cls.equals("Embedding") || cls.equals("BatchNormalization");
    if (!known) {
      return;
    }
    if (weights.isEmpty()) {
      throw new ConversionException(file + ": layer '" + name + "' (" + cls + ") has no weights"
          + " in the file; TensorFlow.js cannot load it. The weights are missing or belong to"
          + " another model.");
    }
    String problem = null;
    long[] kernel = shapes.get("kernel");
    long[] bias = shapes.get("bias");
    if (cls.equals("Dense")) {
      long units = config.path("units").asLong(-1);
      problem = lastDim(kernel, "kernel", units, 2);
      problem = problem != null ? problem : vector(bias, "bias", units);
    } else if (cls.matches("Conv[123]D")) {
      int rank = cls.charAt(4) - '0';
      long filters = config.path("filters").asLong(-1);
      problem = lastDim(kernel, "kernel", filters, rank + 2);
      problem = problem != null ? problem : vector(bias, "bias", filters);
      JsonNode size = config.path("kernel_size");
      for (int i = 0; problem == null && size.isArray() && i < rank && i < size.size(); i++) {
        if (kernel[i] != size.get(i).asLong()) {
          problem = "kernel " + Arrays.toString(kernel) + " does not match kernel_size " + size;
        }
      }
    } else if (RNN.contains(cls)) {
      long units = config.path("units").asLong(-1);
      long gates = units * (cls.equals("LSTM") ? 4 : cls.equals("GRU") ? 3 : 1);
      problem = lastDim(kernel, "kernel", gates, 2);
      long[] recurrent = shapes.get("recurrent_kernel");
      if (problem == null && recurrent != null
          && !(recurrent.length == 2 && recurrent[0] == units && recurrent[1] == gates)) {
        problem = "recurrent_kernel " + Arrays.toString(recurrent) + " is not [" + units + ", "
            + gates + "]";
      }
      if (problem == null && bias != null && bias[bias.length - 1] != gates) {
        problem = "bias " + Arrays.toString(bias) + " does not end in " + gates;
      }
    } else if (cls.equals("Embedding")) {
      long[] table = shapes.get("embeddings");
      long in = config.path("input_dim").asLong(-1);
      long out = config.path("output_dim").asLong(-1);
      if (table != null && !(table.length == 2 && table[0] == in && table[1] == out)) {
        problem = "embeddings " + Arrays.toString(table) + " is not [" + in + ", " + out + "]";
      }
    } else {
      long length = -1;
      for (var e : shapes.entrySet()) {
        if (e.getValue().length != 1 || (length >= 0 && e.getValue()[0] != length)) {
          problem = "its weights are not vectors of one length: " + e.getKey() + " "
              + Arrays.toString(e.getValue());
          break;
        }
        length = e.getValue()[0];
      }
    }
    boolean needsBias = !cls.equals("Embedding") && !cls.equals("BatchNormalization")
        && config.path("use_bias").asBoolean(true);
    if (problem == null && needsBias && bias == null) {
      problem = "its config has use_bias but the file holds no bias";
    }
    if (problem != null) {
      throw new ConversionException(file + ": the weights of layer '" + name + "' (" + cls
          + ") do not fit its config: " + problem + (keras1
              ? ". The config was translated from Keras 1 by the converter: either the weights"
                  + " belong to another model, or the translation lost a setting of this layer"
                  + " (then please report it with the model)."
              : ". The weights belong to another model or the file is damaged."));
    }
  }

  private static String lastDim(long[] shape, String what, long expected, int rank) {
    if (shape == null) {
      return what + " is missing";
    }
    if (expected >= 0 && (shape.length != rank || shape[rank - 1] != expected)) {
      return what + " " + Arrays.toString(shape) + " is not of rank " + rank + " ending in "
          + expected;
    }
    return null;
  }

  private static String vector(long[] shape, String what, long expected) {
    if (shape != null && expected >= 0 && !(shape.length == 1 && shape[0] == expected)) {
      return what + " " + Arrays.toString(shape) + " is not [" + expected + "]";
    }
    return null;
  }

  private static String abbreviate(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
