package io.tensorspace.convert.tensorspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.select.ClosestName;
import io.tensorspace.convert.tensorspace.TensorSpaceDescription.Input;
import io.tensorspace.convert.tensorspace.TensorSpaceDescription.Load;
import io.tensorspace.convert.tensorspace.TensorSpaceDescription.Output;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Chooses the TensorSpace 0.6.1 layer that draws each output of a converted model.
 *
 * <p>Each drawn output is wired to its nearest drawn ancestors (model inputs or other drawn outputs).
 * A specific class ({@code Conv2d}, {@code Pooling2d}, {@code Dense}...) is used only when that
 * wiring is the layer's own input, i.e. the TensorSpace layer before it has the shape the Keras layer
 * reads; otherwise a generic {@code Layer1d/2d/3d} shows the values. For a graph-model the ops between
 * a drawn node and its drawn source are read as one layer ({@link GraphOps}). A model whose drawn outputs form
 * one chain from a single fixed-shape input becomes a {@code TSP.models.Sequential} (outputs mapped by
 * position), anything else a {@code TSP.models.Model} (by name, merges wired). Outputs TensorSpace
 * cannot draw (rank 0 or above 3) are kept in the model but left out of the view.
 */
public final class TspLayerMapping {
  /** TensorSpace's merge layers. */
  static final Set<String> MERGES =
      Set.of("Add", "Concatenate", "Subtract", "Multiply", "Average", "Maximum");

  /** Size used for input dimensions the model leaves open (e.g. a fully convolutional net). */
  public static final long OPEN_DIMENSION_SIZE = 32;

  private static final Set<String> ACTIVATIONS = Set.of(
      "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax", "SReLU");
  private static final Map<String, String> KERAS_MERGES = Map.of(
      "Add", "Add", "Concatenate", "Concatenate", "Subtract", "Subtract", "Multiply", "Multiply",
      "Average", "Average", "Maximum", "Maximum", "Merge", "Concatenate");

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TspLayerMapping() {}

  /**
   * Describes how TensorSpace shows the model.
   *
   * @param net the converted model
   * @param name the key in {@code window.TensorSpaceModels}
   * @param options per-layer overrides
   * @throws ConversionException when an override names a layer that is not an input or output
   */
  public static TensorSpaceDescription describe(
      NetworkDescription net, String name, TensorSpaceOptions options) throws ConversionException {
    return describe(net, name, options, null);
  }

  /**
   * As {@link #describe(NetworkDescription, String, TensorSpaceOptions)} for an ONNX model:
   * {@code onnx} is its name map (model.json's userDefinedMetadata.onnx), whose layer ops choose
   * the TensorSpace classes; null for other models.
   */
  public static TensorSpaceDescription describe(NetworkDescription net, String name,
      TensorSpaceOptions options, JsonNode onnx) throws ConversionException {
    checkOverrides(net, options);
    List<String> notes = new ArrayList<>();
    Map<String, NetworkDescription.Node> nodes = new LinkedHashMap<>();
    for (NetworkDescription.Node node : net.nodes()) {
      nodes.put(node.name(), node);
    }

    List<Input> inputs = describeInputs(net, options, notes);
    boolean openShape = false;
    Set<String> drawnInputs = new HashSet<>();
    for (Input input : inputs) {
      if (input.tspClass() != null) {
        openShape |= input.shape().contains(null);
        drawnInputs.add(input.name());
      }
    }
    List<List<Long>> predictDataShapes = openShape ? predictDataShapes(net, notes) : null;

    Set<String> outputNames = new LinkedHashSet<>(net.outputs());
    Map<String, String> undrawable = undrawableByShape(outputNames, nodes, drawnInputs);
    Drawn drawn = applyView(net, nodes, outputNames, undrawable, drawnInputs, options, notes);
    boolean sequential = !openShape && isSequential(net, drawn.wiring(), drawnInputs);
    List<Output> outputs = describeOutputs(net, nodes, options, inputs, drawn, undrawable,
        sequential, notes, onnxLayers(onnx));
    Load load = new Load(net.loadType(), net.url(), net.outputsName());
    return new TensorSpaceDescription(name,
        sequential ? TensorSpaceDescription.SEQUENTIAL : TensorSpaceDescription.MODEL, load, inputs,
        outputs, sequential ? List.of() : sinks(outputs), predictDataShapes, options.view(),
        notes);
  }

  /**
   * The drawn outputs: each wired to its nearest drawn ancestors, why the view shows it (when the
   * view leaves some out), and the reason the view gives the others.
   */
  private record Drawn(Map<String, List<String>> wiring, Map<String, String> shownBecause,
      String leftOut) {}

  private static List<Input> describeInputs(NetworkDescription net, TensorSpaceOptions options,
      List<String> notes) {
    List<Input> inputs = new ArrayList<>();
    for (NetworkDescription.Tensor tensor : net.inputs()) {
      String tspClass = inputClass(tensor.shape());
      ObjectNode config = F.objectNode();
      config.put("name", tensor.name());
      if (tspClass == null) {
        notes.add("Input '" + tensor.name() + "' of shape " + tensor.shape()
            + " has no TensorSpace input layer (Input1d, GreyscaleInput, RGBInput), so the model"
            + " cannot be shown.");
      } else if (tensor.shape().contains(null)) {
        // TensorSpace reads an open-shaped input's size from its layer config
        ArrayNode filled = config.putArray("shape");
        for (Long d : tensor.shape()) {
          filled.add(d == null ? OPEN_DIMENSION_SIZE : d);
        }
      }
      applyOverride(config, options.layers().get(tensor.name()));
      inputs.add(new Input(tensor.name(), tensor.shape(), tensor.dtype(), tspClass, config));
    }
    return inputs;
  }

  private static List<List<Long>> predictDataShapes(NetworkDescription net, List<String> notes) {
    List<List<Long>> shapes = new ArrayList<>();
    for (NetworkDescription.Tensor tensor : net.inputs()) {
      List<Long> filled = new ArrayList<>();
      for (Long dim : tensor.shape()) {
        filled.add(dim == null ? OPEN_DIMENSION_SIZE : dim);
      }
      shapes.add(filled);
    }
    notes.add("The model leaves an input dimension open; TensorSpace shows it for input shapes "
        + shapes + " (predictDataShapes).");
    return shapes;
  }

  /** Why each output that TensorSpace cannot draw, by its shape, is left out. */
  private static Map<String, String> undrawableByShape(Set<String> outputs,
      Map<String, NetworkDescription.Node> nodes, Set<String> drawnInputs) {
    Map<String, String> undrawable = new HashMap<>();
    for (String output : outputs) {
      NetworkDescription.Node node = nodes.get(output);
      List<Long> shape = node == null ? null : node.shape();
      if (node == null) {
        undrawable.put(output, "not in the graph");
      } else if (shape == null) {
        undrawable.put(output, "its output shape is unknown");
      } else if (shape.isEmpty() || shape.size() > 3) {
        undrawable.put(output, "TensorSpace draws 1, 2 or 3 dimensions, the output has shape " + shape);
      } else if (drawnInputs.contains(output)) {
        undrawable.put(output, "it is a model input, drawn by the input layer");
      }
    }
    return undrawable;
  }

  /** Wires the drawable outputs and lets the view setting leave some out. */
  private static Drawn applyView(NetworkDescription net, Map<String, NetworkDescription.Node> nodes,
      Set<String> outputs, Map<String, String> undrawable, Set<String> drawnInputs,
      TensorSpaceOptions options, List<String> notes) throws ConversionException {
    Map<String, List<String>> wiring = wire(net, nodes, outputs, undrawable, drawnInputs);
    int drawable = wiring.size();
    String leftOut = options.view().leftOutReason(drawable);
    if (!options.view().selects(drawable)) {
      return new Drawn(wiring, Map.of(), leftOut);
    }
    Map<String, String> shownBecause =
        options.view().choose(net, wiring, lastOf(net.outputs(), wiring));
    for (String output : wiring.keySet()) {
      if (!shownBecause.containsKey(output)) {
        undrawable.put(output, leftOut);
      }
    }
    wiring = wire(net, nodes, outputs, undrawable, drawnInputs);
    if (!"list".equals(options.view().mode())) {
      wiring = withoutDeadEnds(net, nodes, outputs, undrawable, drawnInputs, wiring, leftOut);
    }
    shownBecause.keySet().retainAll(wiring.keySet());
    notes.add("The view draws " + wiring.size() + " of the " + drawable + " drawable outputs"
        + " (view " + options.view() + "); the converted model returns all "
        + net.outputs().size() + " outputs.");
    return new Drawn(wiring, shownBecause, leftOut);
  }

  /** Whether the drawn outputs are one chain from the model's one drawn input. */
  private static boolean isSequential(NetworkDescription net, Map<String, List<String>> wiring,
      Set<String> drawnInputs) {
    if (net.inputs().size() != 1 || drawnInputs.isEmpty()) {
      return false;
    }
    String previous = net.inputs().get(0).name();
    Set<String> seen = new HashSet<>();
    for (String output : net.outputs()) {
      if (!wiring.containsKey(output)) {
        continue;
      }
      if (!seen.add(output) || !wiring.get(output).equals(List.of(previous))) {
        return false; // the same output twice, or a branch
      }
      previous = output;
    }
    return true;
  }

  private static List<Output> describeOutputs(NetworkDescription net,
      Map<String, NetworkDescription.Node> nodes, TensorSpaceOptions options, List<Input> inputs,
      Drawn drawn, Map<String, String> undrawable, boolean sequential, List<String> notes,
      Map<String, JsonNode> onnx) {
    // a [rows, columns] input is drawn as a greyscale image: only generic layers may follow it
    Set<String> imageOfSequence = new HashSet<>();
    for (Input input : inputs) {
      if (input.shape() != null && input.shape().size() == 2 && input.tspClass() != null) {
        imageOfSequence.add(input.name());
      }
    }
    String lastDrawn = lastOf(net.outputs(), drawn.wiring());
    boolean graph = "tensorflow".equals(net.loadType());
    Set<String> live = graph ? GraphOps.live(net) : Set.of();
    Map<String, List<Long>> tspShapes = new HashMap<>();
    for (Input input : inputs) {
      tspShapes.put(input.name(), input.shape());
    }
    List<Output> outputs = new ArrayList<>();
    Set<String> described = new HashSet<>();
    for (int i = 0; i < net.outputs().size(); i++) {
      String output = net.outputs().get(i);
      NetworkDescription.Node node = nodes.get(output);
      String className = node == null ? null : node.className();
      List<Long> shape = node == null ? null : node.shape();
      if (!described.add(output)) {
        outputs.add(new Output(i, output, className, shape, null, null, List.of(),
            "it is already drawn as output " + net.outputs().indexOf(output), null));
        continue;
      }
      List<String> sources = drawn.wiring().get(output);
      if (sources == null) {
        String reason = undrawable.getOrDefault(output, "not drawable");
        if (!reason.equals(drawn.leftOut())) { // the view's own choice is noted once
          notes.add("Output '" + output + "' is not drawn: " + reason + ".");
        }
        outputs.add(new Output(i, output, className, shape, null, null, List.of(), reason, null));
        continue;
      }
      ObjectNode config = F.objectNode();
      config.put("name", output);
      String onnxClass = onnx.containsKey(output) ? OnnxLayers.layerClass(onnx.get(output),
          tspShapes.get(sources.get(0)), shape, output.equals(lastDrawn), config) : null;
      String tspClass = imageOfSequence.containsAll(sources) && shape.size() == 2
          ? "Layer" + shape.size() + "d"
          : onnxClass != null ? onnxClass
          : graph ? GraphOps.layerClass(node, sources, nodes, live, tspShapes,
              output.equals(lastDrawn), config)
          : layerClass(node, sources, nodes, tspShapes, output.equals(lastDrawn), config);
      if ("Reshape".equals(tspClass) && !sequential) {
        // TensorSpace 0.6.1's Reshape only works in a Sequential (its inner layer never learns
        // what it reads in a Model)
        tspClass = "Layer" + shape.size() + "d";
        config.remove("targetShape");
      }
      if (!MERGES.contains(tspClass) && sources.size() > 1) {
        // a TensorSpace layer reads one layer; the others stay ends of the view
        sources = List.of(sources.get(0));
      }
      TensorSpaceOptions.LayerOverride override = options.layers().get(output);
      if (override != null && override.tspClass() != null && !override.tspClass().isBlank()) {
        tspClass = override.tspClass();
      }
      applyOverride(config, override);
      tspShapes.put(output, shape);
      outputs.add(new Output(i, output, className, shape, tspClass, config, sources, null,
          drawn.shownBecause().get(output)));
    }
    return outputs;
  }

  /** An ONNX name map's outputs by the TensorFlow node that holds them. */
  private static Map<String, JsonNode> onnxLayers(JsonNode onnx) {
    Map<String, JsonNode> byNode = new HashMap<>();
    if (onnx != null) {
      for (JsonNode output : onnx.path("outputs")) {
        byNode.put(output.path("node").asText(), output);
      }
    }
    return byNode;
  }

  /** For a {@code Model}: the drawn layers no other drawn layer reads (its {@code outputs}). */
  private static List<String> sinks(List<Output> outputs) {
    Set<String> read = new HashSet<>();
    for (Output o : outputs) {
      if (o.drawn()) {
        read.addAll(o.tspInputs());
      }
    }
    List<String> sinks = new ArrayList<>();
    for (Output o : outputs) {
      if (o.drawn() && !read.contains(o.name())) {
        sinks.add(o.name());
      }
    }
    return sinks;
  }

  /**
   * Wires each drawable output to its nearest drawn ancestors, in topological order; an output no
   * drawn layer leads to joins {@code undrawable}.
   */
  private static Map<String, List<String>> wire(NetworkDescription net,
      Map<String, NetworkDescription.Node> nodes, Set<String> outputs,
      Map<String, String> undrawable, Set<String> drawnInputs) {
    Set<String> drawnSet = new HashSet<>(drawnInputs);
    Map<String, List<String>> wiring = new LinkedHashMap<>();
    Map<String, List<String>> memo = new HashMap<>();
    for (NetworkDescription.Node node : net.nodes()) { // topological order
      if (outputs.contains(node.name()) && !undrawable.containsKey(node.name())) {
        List<String> sources = ancestors(node.inbound(), nodes, drawnSet, memo);
        if (sources.isEmpty()) {
          undrawable.put(node.name(), "no drawn layer leads to it");
        } else {
          wiring.put(node.name(), sources);
          drawnSet.add(node.name());
          memo.clear();
        }
      }
    }
    return wiring;
  }

  /**
   * Leaves out the drawn outputs of a block-level view that no other drawn output reads (a
   * TensorSpace layer reads its first source only): a branch cut off by the view would otherwise
   * dangle, and TensorSpace puts every dangling layer on the top level.
   */
  private static Map<String, List<String>> withoutDeadEnds(NetworkDescription net,
      Map<String, NetworkDescription.Node> nodes, Set<String> outputs,
      Map<String, String> undrawable, Set<String> drawnInputs, Map<String, List<String>> wiring,
      String leftOut) {
    String last = lastOf(net.outputs(), wiring);
    while (true) {
      Set<String> read = new HashSet<>();
      for (List<String> sources : wiring.values()) {
        read.add(sources.get(0));
      }
      List<String> dead = new ArrayList<>();
      for (String o : wiring.keySet()) {
        if (!o.equals(last) && !read.contains(o)) {
          dead.add(o);
        }
      }
      if (dead.isEmpty()) {
        return wiring;
      }
      for (String o : dead) {
        undrawable.put(o, leftOut);
      }
      wiring = wire(net, nodes, outputs, undrawable, drawnInputs);
    }
  }

  /** The last of {@code outputs} that is wired, or null. */
  private static String lastOf(List<String> outputs, Map<String, List<String>> wiring) {
    String last = null;
    for (String output : outputs) {
      if (wiring.containsKey(output)) {
        last = output;
      }
    }
    return last;
  }

  /** The nearest drawn layers upstream of {@code inbound}, in call order, without repeats. */
  private static List<String> ancestors(List<String> inbound,
      Map<String, NetworkDescription.Node> nodes, Set<String> drawn,
      Map<String, List<String>> memo) {
    Set<String> result = new LinkedHashSet<>();
    for (String name : inbound) {
      result.addAll(ancestorsOf(name, nodes, drawn, memo, new HashSet<>()));
    }
    return List.copyOf(result);
  }

  private static List<String> ancestorsOf(String name, Map<String, NetworkDescription.Node> nodes,
      Set<String> drawn, Map<String, List<String>> memo, Set<String> visiting) {
    if (drawn.contains(name)) {
      return List.of(name);
    }
    List<String> known = memo.get(name);
    if (known != null) {
      return known;
    }
    NetworkDescription.Node node = nodes.get(name);
    if (node == null || !visiting.add(name)) {
      return List.of();
    }
    Set<String> result = new LinkedHashSet<>();
    for (String up : node.inbound()) {
      result.addAll(ancestorsOf(up, nodes, drawn, memo, visiting));
    }
    List<String> list = List.copyOf(result);
    memo.put(name, list);
    return list;
  }

  static String inputClass(List<Long> shape) {
    if (shape == null) {
      return null;
    }
    return switch (shape.size()) {
      case 1 -> "Input1d";
      case 2 -> "GreyscaleInput";
      case 3 -> Objects.equals(shape.get(2), 1L) ? "GreyscaleInput"
          : Objects.equals(shape.get(2), 3L) ? "RGBInput" : null;
      default -> null;
    };
  }

  /** The TensorSpace class for a drawn output; fills {@code config} with what that class reads. */
  private static String layerClass(NetworkDescription.Node node, List<String> sources,
      Map<String, NetworkDescription.Node> nodes, Map<String, List<Long>> tspShapes,
      boolean last, ObjectNode config) {
    List<Long> shape = node.shape();
    int rank = shape.size();
    String keras = node.className();
    JsonNode kc = node.config();
    // is the TensorSpace wiring the layer's own input(s)?
    boolean direct = sources.equals(node.inbound());
    boolean sameInput = direct && sources.size() == 1;
    if (sameInput) {
      NetworkDescription.Node up = nodes.get(sources.get(0));
      List<Long> tspInputShape = tspShapes.get(sources.get(0));
      sameInput = up != null && tspInputShape != null && tspInputShape.equals(up.shape());
    }
    if (direct && sources.size() >= 2 && KERAS_MERGES.containsKey(keras)) {
      boolean sameRank = true;
      for (String source : sources) {
        List<Long> s = tspShapes.get(source);
        sameRank &= s != null && s.size() == rank;
      }
      String merge = KERAS_MERGES.get(keras);
      boolean shapesAgree = true;
      if (!"Concatenate".equals(merge)) {
        for (String source : sources) {
          shapesAgree &= shape.equals(tspShapes.get(source));
        }
      } else {
        shapesAgree = lastAxis(kc, rank);
      }
      if (sameRank && shapesAgree && rank >= 1) {
        return merge;
      }
    }
    if (last && rank == 1 && isSoftmax(keras, kc)) {
      return "Output1d";
    }
    if (sameInput) {
      String specific = specific(keras, kc, rank, config);
      if (specific != null) {
        return specific;
      }
    }
    if (ACTIVATIONS.contains(keras) && sameInput) {
      config.put("activation", activationName(keras, kc));
      return "Activation" + rank + "d";
    }
    return "Layer" + rank + "d";
  }

  private static boolean lastAxis(JsonNode kc, int rank) {
    int axis = kc.path("axis").asInt(-1);
    return axis == -1 || axis == rank;
  }

  private static boolean isSoftmax(String keras, JsonNode kc) {
    return "Softmax".equals(keras)
        || ("Dense".equals(keras) || "Activation".equals(keras))
            && "softmax".equals(kc.path("activation").asText());
  }

  private static String activationName(String keras, JsonNode kc) {
    if ("Activation".equals(keras)) {
      return kc.path("activation").asText("linear");
    }
    return keras.toLowerCase(Locale.ROOT);
  }

  private static String specific(String keras, JsonNode kc, int rank, ObjectNode config) {
    switch (keras) {
      case "Conv2D", "Convolution2D", "SeparableConv2D", "SeparableConvolution2D" -> {
        if (rank != 3 || !channelsLast(kc) || !validOrSame(kc)) {
          return null;
        }
        config.put("filters", kc.path("filters").asInt());
        config.set("kernelSize", pair(kc.path("kernel_size")));
        config.set("strides", pair(kc.path("strides"), 1));
        config.put("padding", kc.path("padding").asText("valid"));
        return "Conv2d";
      }
      case "Conv2DTranspose", "Deconvolution2D", "Deconv2D" -> {
        if (rank != 3 || !channelsLast(kc) || !validOrSame(kc)) {
          return null;
        }
        config.put("filters", kc.path("filters").asInt());
        config.set("kernelSize", pair(kc.path("kernel_size")));
        config.set("strides", pair(kc.path("strides"), 1));
        config.put("padding", kc.path("padding").asText("valid"));
        return "Conv2dTranspose";
      }
      case "DepthwiseConv2D" -> {
        if (rank != 3 || !channelsLast(kc) || !validOrSame(kc)) {
          return null;
        }
        config.set("kernelSize", pair(kc.path("kernel_size")));
        config.set("strides", pair(kc.path("strides"), 1));
        config.put("depthMultiplier", kc.path("depth_multiplier").asInt(1));
        config.put("padding", kc.path("padding").asText("valid"));
        return "DepthwiseConv2d";
      }
      case "Conv1D", "Convolution1D" -> {
        if (rank != 2 || !validOrSame(kc) || !channelsLast(kc)) {
          return null;
        }
        config.put("filters", kc.path("filters").asInt());
        config.put("kernelSize", first(kc.path("kernel_size")));
        config.put("strides", first(kc.path("strides"), 1));
        config.put("padding", kc.path("padding").asText("valid"));
        return "Conv1d";
      }
      case "MaxPooling2D", "AveragePooling2D", "MaxPool2D", "AvgPool2D" -> {
        if (rank != 3 || !channelsLast(kc) || !validOrSame(kc)) {
          return null;
        }
        config.set("poolSize", pair(kc.path("pool_size"), 2));
        config.set("strides", pair(kc.path("strides").isNull() || kc.path("strides").isMissingNode()
            ? kc.path("pool_size") : kc.path("strides"), 2));
        config.put("padding", kc.path("padding").asText("valid"));
        return "Pooling2d";
      }
      case "MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D" -> {
        if (rank != 2 || !validOrSame(kc) || !channelsLast(kc)) {
          return null;
        }
        config.put("poolSize", first(kc.path("pool_size"), 2));
        JsonNode strides = kc.path("strides");
        config.put("strides", first(strides.isNull() || strides.isMissingNode()
            ? kc.path("pool_size") : strides, 2));
        config.put("padding", kc.path("padding").asText("valid"));
        return "Pooling1d";
      }
      case "GlobalMaxPooling2D", "GlobalAveragePooling2D", "GlobalMaxPool2D", "GlobalAvgPool2D" -> {
        return rank == 1 && channelsLast(kc) ? "GlobalPooling2d" : null;
      }
      case "GlobalMaxPooling1D", "GlobalAveragePooling1D", "GlobalMaxPool1D", "GlobalAvgPool1D" -> {
        return rank == 1 && channelsLast(kc) ? "GlobalPooling1d" : null;
      }
      case "UpSampling2D" -> {
        if (rank != 3 || !channelsLast(kc)) {
          return null;
        }
        config.set("size", pair(kc.path("size"), 2));
        return "UpSampling2d";
      }
      case "UpSampling1D" -> {
        if (rank != 2) {
          return null;
        }
        config.put("size", first(kc.path("size"), 2));
        return "UpSampling1d";
      }
      case "ZeroPadding2D" -> {
        if (rank != 3 || !channelsLast(kc)) {
          return null;
        }
        config.set("padding", symmetric(kc.path("padding")));
        return "Padding2d";
      }
      case "ZeroPadding1D" -> {
        if (rank != 2) {
          return null;
        }
        config.put("padding", first(kc.path("padding"), 1));
        return "Padding1d";
      }
      case "Cropping2D" -> {
        if (rank != 3 || !channelsLast(kc)) {
          return null;
        }
        config.set("cropping", kc.path("cropping").deepCopy());
        return "Cropping2d";
      }
      case "Cropping1D" -> {
        if (rank != 2) {
          return null;
        }
        config.set("cropping", kc.path("cropping").deepCopy());
        return "Cropping1d";
      }
      case "Dense" -> {
        if (rank != 1) {
          return null;
        }
        config.put("units", kc.path("units").asInt());
        return "Dense";
      }
      case "Flatten" -> {
        return rank == 1 ? "Flatten" : null;
      }
      case "Reshape" -> {
        if (rank < 1 || rank > 3) {
          return null;
        }
        ArrayNode target = config.putArray("targetShape");
        kc.path("target_shape").forEach(d -> target.add(d.asLong()));
        return "Reshape";
      }
      default -> {
        return null;
      }
    }
  }

  private static boolean channelsLast(JsonNode kc) {
    String format = kc.path("data_format").asText("channels_last");
    return !"channels_first".equals(format);
  }

  private static boolean validOrSame(JsonNode kc) {
    String padding = kc.path("padding").asText("valid");
    return "valid".equals(padding) || "same".equals(padding);
  }

  private static ArrayNode pair(JsonNode value) {
    return pair(value, 1);
  }

  private static ArrayNode pair(JsonNode value, int fallback) {
    ArrayNode pair = F.arrayNode();
    if (value.isArray() && value.size() >= 2) {
      pair.add(value.get(0).asInt()).add(value.get(1).asInt());
    } else if (value.isArray() && value.size() == 1) {
      pair.add(value.get(0).asInt()).add(value.get(0).asInt());
    } else if (value.isNumber()) {
      pair.add(value.asInt()).add(value.asInt());
    } else {
      pair.add(fallback).add(fallback);
    }
    return pair;
  }

  private static int first(JsonNode value) {
    return first(value, 1);
  }

  private static int first(JsonNode value, int fallback) {
    if (value.isArray() && value.size() >= 1) {
      return value.get(0).isArray() ? value.get(0).path(0).asInt(fallback) : value.get(0).asInt();
    }
    return value.isNumber() ? value.asInt() : fallback;
  }

  /** Keras padding (int, [h, w] or [[top, bottom], [left, right]]) as TensorSpace's [h, w]. */
  private static ArrayNode symmetric(JsonNode padding) {
    ArrayNode pair = F.arrayNode();
    if (padding.isArray() && padding.size() == 2 && padding.get(0).isArray()) {
      pair.add(padding.get(0).path(0).asInt()).add(padding.get(1).path(0).asInt());
      return pair;
    }
    return pair(padding, 1);
  }

  private static void applyOverride(ObjectNode config, TensorSpaceOptions.LayerOverride override) {
    if (override == null) {
      return;
    }
    if (override.color() != null && !override.color().isBlank()) {
      config.put("color", override.color());
    }
    if (!override.outputs().isEmpty()) {
      ArrayNode labels = config.putArray("outputs");
      override.outputs().forEach(labels::add);
    }
    if (override.initStatus() != null && !override.initStatus().isBlank()) {
      config.put("initStatus", override.initStatus());
    }
  }

  private static void checkOverrides(NetworkDescription net, TensorSpaceOptions options)
      throws ConversionException {
    List<String> names = new ArrayList<>();
    for (NetworkDescription.Tensor input : net.inputs()) {
      names.add(input.name());
    }
    names.addAll(net.outputs());
    for (Map.Entry<String, TensorSpaceOptions.LayerOverride> e : options.layers().entrySet()) {
      if (!names.contains(e.getKey())) {
        String suggestion = ClosestName.of(e.getKey(), names);
        throw new ConversionException("The TensorSpace settings name layer '" + e.getKey()
            + "', which the converted model does not expose. Exposed layers: "
            + String.join(", ", names)
            + (suggestion == null ? "." : ". Did you mean '" + suggestion + "'?"));
      }
      String status = e.getValue().initStatus();
      if (status != null && !status.isBlank() && !List.of("open", "close").contains(status)) {
        throw new ConversionException("The TensorSpace settings of layer '" + e.getKey()
            + "' give initStatus '" + status + "'; use 'open' or 'close'.");
      }
    }
  }
}
