package io.tensorspace.convert.onnx;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.select.ClosestName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The translated graph and the map from ONNX names to it: which TensorFlow node holds each ONNX
 * node output, in which layout, with which NCHW shape; which outputs a user may select and which
 * the default selection exposes.
 */
final class OnnxTranslation {
  /** Ops whose result is a layer a visualiser draws. */
  private static final Set<String> ANCHORS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul",
      "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization",
      "InstanceNormalization", "LayerNormalization", "LRN", "Softmax", "LogSoftmax", "LSTM",
      "GRU", "RNN", "Resize", "Upsample");
  /** Ops that finish an anchor's layer when they directly follow it. */
  private static final Set<String> FOLLOWERS = Set.of("Relu", "LeakyRelu", "PRelu", "Sigmoid",
      "Tanh", "Elu", "Selu", "Softplus", "Clip", "HardSigmoid", "Softmax", "LogSoftmax",
      "BatchNormalization", "Add");
  /** Ops that merge branches when two or more inputs are computed. */
  private static final Set<String> MERGES = Set.of("Concat", "Add", "Sum");

  /** One ONNX node output, or one step of a recurrent node ({@code step} not null). */
  record Tensor(String name, OnnxModel.Node node, Value value, OpContext.Step step) {
    Tensor(String name, OnnxModel.Node node, Value value) {
      this(name, node, value, null);
    }
  }

  final OnnxModel model;
  final TfGraphBuilder graph;
  final List<String> inputs;
  final Map<String, ConversionException> blocked = new HashMap<>();
  private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
  private final Map<String, OnnxModel.Node> nodesByName = new HashMap<>();
  private final Map<String, List<OnnxModel.Node>> consumers = new HashMap<>();
  private final Map<String, Value> inputValues = new LinkedHashMap<>();

  OnnxTranslation(OnnxModel model, TfGraphBuilder graph, List<String> inputs) {
    this.model = model;
    this.graph = graph;
    this.inputs = List.copyOf(inputs);
  }

  void addInput(String name, Value v) {
    inputValues.put(name, v);
  }

  void addNode(OnnxModel.Node node, Value[] outputs) {
    if (!node.name().isEmpty()) {
      nodesByName.putIfAbsent(node.name(), node);
    }
    for (String in : node.inputs()) {
      consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
    }
    for (int i = 0; i < node.outputs().size(); i++) {
      String name = node.outputs().get(i);
      if (!name.isEmpty()) {
        tensors.put(name, new Tensor(name, node, outputs == null ? null : outputs[i]));
      }
    }
  }

  /** The per-step states of a recurrent node, selectable by their TensorFlow node names. */
  void addSteps(OnnxModel.Node node, List<OpContext.Step> steps) {
    for (OpContext.Step s : steps) {
      tensors.put(s.value().tf(), new Tensor(s.value().tf(), node, s.value(), s));
    }
  }

  /** The ONNX tensor names the user's names (tensor, node or TensorFlow node names) denote. */
  List<String> resolve(List<String> requested) throws ConversionException {
    Map<String, String> byTfName = new HashMap<>();
    tensors.values().forEach(t -> {
      if (t.value() != null && t.value().tf() != null) {
        byTfName.put(t.value().tf(), t.name());
      }
    });
    List<String> out = new ArrayList<>();
    for (String wanted : requested) {
      String name = tensors.containsKey(wanted) ? wanted
          : nodesByName.containsKey(wanted) ? nodesByName.get(wanted).outputs().get(0)
          : byTfName.get(wanted);
      if (name == null) {
        List<String> all = new ArrayList<>(tensors.keySet());
        all.addAll(nodesByName.keySet());
        String close = ClosestName.of(wanted, all);
        throw new ConversionException(model.file() + " has no node output or node named '"
            + wanted + "'" + (close == null ? "" : "; did you mean '" + close + "'?")
            + " The summary goal lists every name.");
      }
      out.add(name);
    }
    return out;
  }

  /** The outputs a visualiser gets by default: each layer's activation, merges, graph outputs. */
  List<String> defaults() throws ConversionException {
    Set<String> chosen = new LinkedHashSet<>();
    for (Tensor t : tensors.values()) {
      String op = t.node().opType();
      boolean anchor = ANCHORS.contains(op) || MERGES.contains(op) && computedInputs(t.node()) >= 2;
      if (anchor && t.node().outputs().get(0).equals(t.name())) {
        chosen.add(follow(t.name()));
      }
    }
    for (OnnxModel.ValueInfo out : model.graph().outputs()) {
      if (tensors.containsKey(out.name())) {
        chosen.add(out.name());
      }
    }
    List<String> out = new ArrayList<>();
    for (String name : chosen) {
      ConversionException why = blocked.get(name);
      if (why != null) {
        if (isGraphOutput(name)) {
          throw why;
        }
        continue;
      }
      out.add(name);
    }
    return out;
  }

  /** Whether {@code exclude} names the tensor, its node or its op type. */
  boolean excluded(String name, List<String> exclude) {
    Tensor t = tensors.get(name);
    return exclude.contains(name) || t != null && (exclude.contains(t.node().name())
        || exclude.contains(t.node().opType()) || t.value() != null
        && exclude.contains(t.value().tf()));
  }

  private boolean isGraphOutput(String name) {
    return model.graph().outputs().stream().anyMatch(o -> o.name().equals(name));
  }

  /** The activation that directly and solely follows {@code name}, followed again. */
  private String follow(String name) {
    String current = name;
    for (int guard = 0; guard < 4; guard++) {
      List<OnnxModel.Node> next = consumers.getOrDefault(current, List.of());
      if (next.size() != 1 || !FOLLOWERS.contains(next.get(0).opType())
          || next.get(0).outputs().isEmpty() || isGraphOutput(current)
          || next.get(0).opType().equals("Add") && computedInputs(next.get(0)) >= 2) {
        return current;
      }
      current = next.get(0).outputs().get(0);
    }
    return current;
  }

  private int computedInputs(OnnxModel.Node node) {
    int n = 0;
    for (String in : node.inputs()) {
      Tensor t = tensors.get(in);
      if (t != null && (t.value() == null || !t.value().isConstant()) || inputs.contains(in)) {
        n++;
      }
    }
    return n;
  }

  /** The TensorFlow node holding ONNX tensor {@code name}; a constant is added to the graph. */
  String tfNode(String name) throws ConversionException {
    ConversionException why = blocked.get(name);
    if (why != null) {
      throw why;
    }
    Tensor t = tensors.get(name);
    if (t.value().tf() == null) {
      String node = graph.constant(t.value().constant(), name);
      tensors.put(name, new Tensor(name, t.node(), t.value().inGraph(node), t.step()));
      return node;
    }
    return t.value().tf();
  }

  /** model.json's record of the selected outputs and the inputs: ONNX name to TensorFlow node. */
  ObjectNode metadata(List<String> selected) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode onnx = f.objectNode();
    onnx.put("source", model.file().getFileName().toString());
    onnx.put("producer", model.producer());
    onnx.put("irVersion", model.irVersion());
    onnx.put("opset", model.opset());
    ObjectNode in = onnx.putObject("inputs");
    inputValues.forEach((name, v) -> describe(in.putObject(name), null, v));
    ObjectNode out = onnx.putObject("outputs");
    for (String name : selected) {
      Tensor t = tensors.get(name);
      ObjectNode o = out.putObject(name);
      describe(o, t.node(), t.value());
      if (t.step() != null) {
        o.put("stepOf", t.step().of());
        o.put("direction", t.step().direction());
        o.put("step", t.step().index());
        o.put("state", t.step().state());
      }
      layer(o, t.node(), selected);
    }
    return onnx;
  }

  /**
   * The op that makes the output's layer, for TensorSpace: an activation or normalisation
   * directly after a Conv, Gemm or pool belongs to it, unless that is an output of its own; a
   * Softmax stays itself.
   */
  private void layer(ObjectNode o, OnnxModel.Node node, List<String> selected) {
    OnnxModel.Node current = node;
    for (int guard = 0; guard < 4 && FOLLOWERS.contains(current.opType())
        && !current.opType().endsWith("Softmax") && !current.inputs().isEmpty(); guard++) {
      Tensor up = tensors.get(current.inputs().get(0));
      if (up == null || selected.contains(up.name())
          || consumers.getOrDefault(up.name(), List.of()).size() != 1) {
        break;
      }
      current = up.node();
    }
    o.put("layerOp", current.opType());
    for (String attribute : List.of("kernel_shape", "strides", "group")) {
      OnnxAttribute a = current.attributes().get(attribute);
      if (a != null && a.intArray().length > 0) {
        ArrayNode values = o.putArray(attribute);
        for (long v : a.intArray()) {
          values.add(v);
        }
      } else if (a != null) {
        o.put(attribute, a.i());
      }
    }
  }

  private static void describe(ObjectNode o, OnnxModel.Node node, Value v) {
    o.put("node", v.tf());
    if (node != null) {
      o.put("onnxNode", node.name());
      o.put("op", node.opType());
    }
    o.put("layout", v.layout().label());
    ArrayNode shape = o.putArray("shape");
    for (long d : v.shape()) {
      shape.add(d);
    }
    if (v.unflattened() != null) {
      ArrayNode from = o.putArray("flattenedFrom");
      for (long d : v.unflattened()) {
        from.add(d);
      }
    }
  }

  /** Summary lines: every node output with op, NCHW shape, node name and what it became. */
  List<String[]> rows(Set<String> suggested) {
    List<String[]> rows = new ArrayList<>();
    for (Tensor t : tensors.values()) {
      ConversionException why = blocked.get(t.name());
      rows.add(new String[] {suggested.contains(t.name()) ? "*" : "", t.name(),
          t.node().name(), t.node().opType(),
          t.value() == null ? "?" : java.util.Arrays.toString(t.value().shape()),
          why != null ? "not translated" : t.value().tf() == null ? "(constant)" : t.value().tf()});
    }
    return rows;
  }
}
