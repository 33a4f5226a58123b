package io.tensorspace.convert.onnx;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.ops.OpTable;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates an ONNX graph into TensorFlow nodes, node by node in file order, with the handler
 * {@link OpTable} registers for each op. A node that cannot be translated does not stop the
 * translation: its outputs, and everything computed from them, remember why, so a selection of
 * earlier outputs still converts.
 */
final class OnnxTranslator {
  private final OnnxModel model;
  private final Map<String, long[]> inputShapes;
  private final TfGraphBuilder graph = new TfGraphBuilder();
  private final Map<String, Value> values = new HashMap<>();
  /** Why an ONNX tensor cannot be computed: the refusal of the node it depends on. */
  private final Map<String, ConversionException> blocked = new HashMap<>();
  /** TensorFlow nodes already standing for an ONNX output. */
  private final java.util.Set<String> owned = new java.util.HashSet<>();
  /** The recurrent steps the last translated node recorded. */
  private List<OpContext.Step> steps = List.of();
  private OnnxTranslation translation;

  OnnxTranslator(OnnxModel model, Map<String, long[]> inputShapes) {
    this.model = model;
    this.inputShapes = Map.copyOf(inputShapes);
  }

  OnnxTranslation translate() throws ConversionException {
    long opset = model.opset();
    if (opset == 0) {
      throw new ConversionException(model.file() + " imports no ONNX operator set (IR version "
          + model.irVersion() + (model.producer().isEmpty() ? "" : ", " + model.producer())
          + "), so the meaning of its ops is undefined; ONNX Runtime refuses it too. Export the"
          + " model again with a newer exporter (torch.onnx.export with opset_version 7 or later).");
    }
    OnnxModel.Graph g = model.graph();
    List<String> inputs = new ArrayList<>();
    for (OnnxModel.ValueInfo info : g.inputs()) {
      if (!g.initializers().containsKey(info.name())) {
        inputs.add(info.name());
      }
    }
    Map<String, long[]> given = givenShapes(inputs);
    for (OnnxModel.ValueInfo info : g.inputs()) {
      if (!g.initializers().containsKey(info.name())) {
        values.put(info.name(), placeholder(info, given.get(info.name())));
      }
    }
    g.initializers().forEach((name, tensor) -> values.put(name, Value.constant(tensor)));
    translation = new OnnxTranslation(model, graph, inputs);
    inputs.forEach(name -> translation.addInput(name, values.get(name)));
    translateNodes(g, opset);
    translation.blocked.putAll(blocked);
    checkOutputs(g);
    return translation;
  }

  private void translateNodes(OnnxModel.Graph g, long opset) throws ConversionException {
    for (OnnxModel.Node node : g.nodes()) {
      Value[] out = translate(node, opset);
      translation.addNode(node, out);
      translation.addSteps(node, steps);
      steps = List.of();
    }
  }

  /**
   * The outputs of a subgraph (the chosen branch of an If) translated in place: its nodes see
   * the values around them and become selectable like the others.
   */
  private Value[] inline(OnnxModel.Graph g, long opset) throws ConversionException {
    g.initializers().forEach((name, tensor) -> values.put(name, Value.constant(tensor)));
    translateNodes(g, opset);
    Value[] out = new Value[g.outputs().size()];
    for (int i = 0; i < out.length; i++) {
      String name = g.outputs().get(i).name();
      if (blocked.containsKey(name)) {
        throw blocked.get(name);
      }
      out[i] = values.get(name);
      if (out[i] == null) {
        throw new ConversionException(model.file() + ": subgraph '" + g.name() + "' gives '"
            + name + "', which none of its nodes, initializers or outer values defines. The"
            + " model is damaged; export it again.");
      }
    }
    return out;
  }

  /** A graph output that names no value means a damaged file, not an output to leave out. */
  private void checkOutputs(OnnxModel.Graph g) throws ConversionException {
    for (OnnxModel.ValueInfo out : g.outputs()) {
      if (!values.containsKey(out.name()) && !blocked.containsKey(out.name())) {
        List<String> known = new ArrayList<>();
        g.nodes().forEach(node -> node.outputs().stream().filter(o -> !o.isEmpty())
            .forEach(known::add));
        throw new ConversionException(model.file() + ": graph output '" + out.name() + "' names"
            + " no input, initializer or node output of the graph (it has "
            + abbreviated(known) + "). The model is damaged; export it again.");
      }
    }
  }

  /** Up to ten names, then how many there are in all. */
  private static String abbreviated(List<String> names) {
    String shown = "'" + String.join("', '", names.subList(0, Math.min(10, names.size()))) + "'";
    return names.size() <= 10 ? shown : shown + ", ... (" + names.size() + " in all)";
  }

  /** The node's output values, or null when it is blocked. */
  private Value[] translate(OnnxModel.Node node, long opset) throws ConversionException {
    List<Value> in = new ArrayList<>();
    for (String name : node.inputs()) {
      if (name.isEmpty()) {
        in.add(null);
        continue;
      }
      if (blocked.containsKey(name)) {
        block(node, blocked.get(name));
        return null;
      }
      Value v = values.get(name);
      if (v == null) {
        throw new ConversionException(model.file() + ": node '" + node.label() + "' ("
            + node.opType() + ") reads '" + name + "', which no earlier node, input or"
            + " initializer defines. The model is damaged; export it again.");
      }
      in.add(v);
    }
    OpContext ctx = new OpContext(model.file(), node, opset, in, graph, g -> inline(g, opset));
    OpHandler handler = node.domain().isEmpty() || node.domain().equals("ai.onnx")
        ? OpTable.handler(node.opType()) : null;
    try {
      if (handler == null) {
        throw ctx.unsupported("uses op '" + node.opType() + "'"
            + (node.domain().isEmpty() ? "" : " of domain '" + node.domain() + "'"));
      }
      handler.translate(ctx);
    } catch (ConversionException e) {
      block(node, e);
      return null;
    }
    Value[] out = ctx.outputs();
    steps = ctx.steps();  // after an inlined subgraph: this node's own
    for (int i = 0; i < out.length; i++) {
      String name = node.outputs().get(i);
      if (out[i] == null) {
        // an extra output (MaxPool indices, Dropout mask): only what reads it is blocked
        if (!name.isEmpty()) {
          blocked.put(name, ctx.unsupported("has output " + i + " ('" + name
              + "'), which this converter does not compute"));
        }
        continue;
      }
      out[i] = own(ctx, node.outputs().get(i), out[i]);
      values.put(node.outputs().get(i), out[i]);
    }
    return out;
  }

  /** Gives an output a node of its own name when the handler passed another tensor through. */
  private Value own(OpContext ctx, String output, Value v) {
    if (v.tf() == null || !v.tf().contains(":") && ctx.emitted(v.tf()) && owned.add(v.tf())) {
      return v;
    }
    String id = graph.node(output, "Identity", List.of(v.tf()), Attrs.of());
    owned.add(id);
    return v.layout() == Layout.FLAT_CHANNELS_LAST
        ? Value.flattened(id, v.shape(), v.unflattened())
        : Value.computed(id, v.shape(), v.layout(), v.elemType());
  }

  private void block(OnnxModel.Node node, ConversionException why) {
    for (String out : node.outputs()) {
      if (!out.isEmpty()) {
        blocked.put(out, why);
      }
    }
  }

  /** The given shapes by input name: a shape given without a name goes to the only input. */
  private Map<String, long[]> givenShapes(List<String> inputs) throws ConversionException {
    Map<String, long[]> given = new HashMap<>(inputShapes);
    long[] unnamed = given.remove(io.tensorspace.convert.InputShapes.ONLY);
    if (unnamed != null) {
      if (inputs.size() != 1) {
        throw new ConversionException(model.file() + ": inputShape gives one shape without a"
            + " name, but the model has " + inputs.size() + " inputs (" + quoted(inputs)
            + "); name each, e.g. '" + (inputs.isEmpty() ? "input" : inputs.get(0)) + ":"
            + "1x3x224x224'.");
      }
      given.put(inputs.get(0), unnamed);
    }
    for (String name : given.keySet()) {
      if (!inputs.contains(name)) {
        throw new ConversionException(model.file() + ": inputShape names input '" + name
            + "', which the model does not have; its inputs are " + quoted(inputs) + ".");
      }
    }
    return given;
  }

  /** A Placeholder for a graph input, images channels-last, dynamic dimensions pinned. */
  private Value placeholder(OnnxModel.ValueInfo info, long[] given) throws ConversionException {
    long[] dims = given != null ? pinned(info, given) : info.dims();
    if (dims == null) {
      throw new ConversionException(model.file() + ": input '" + info.name() + "' has no shape in"
          + " the model; give it with the inputShape setting, e.g. '" + info.name()
          + ":1x3x224x224'.");
    }
    dims = dims.clone();
    for (int k = 0; k < dims.length; k++) {
      if (dims[k] > 0) {
        continue;
      }
      if (k == 0) {
        dims[k] = 1; // a dynamic batch: TensorSpace shows one sample
        continue;
      }
      String param = info.dimParams() == null ? null : info.dimParams().get(k);
      throw new ConversionException(model.file() + ": input '" + info.name() + "' has the"
          + " dynamic dimension " + k + (param == null ? "" : " ('" + param + "')")
          + " (shape " + describe(info) + "); the converter needs a fixed shape. Give the"
          + " whole shape with the inputShape setting: '" + info.name() + ":" + example(info)
          + "', each <...> a number.");
    }
    boolean image = dims.length == 4;
    Layout layout = image ? Layout.CHANNELS_LAST : Layout.ONNX;
    long[] tfShape = image ? Layout.permute(dims, Layout.toChannelsLast(4)) : dims;
    boolean isFloat = ElemType.isFloat(info.elemType()) || info.elemType() == 0;
    String name = graph.node(info.name(), "Placeholder", List.of(), Attrs.of()
        .type("dtype", isFloat ? DataType.DT_FLOAT : DataType.DT_INT32)
        .put("shape", AttrValue.newBuilder().setShape(TfGraphBuilder.shape(tfShape)).build()));
    return Value.computed(name, dims, layout, isFloat ? ElemType.FLOAT : ElemType.INT32);
  }

  /** The given shape, checked against the model's: same rank, and its fixed dimensions kept. */
  private long[] pinned(OnnxModel.ValueInfo info, long[] given) throws ConversionException {
    long[] own = info.dims();
    if (own == null) {
      return given;
    }
    if (own.length != given.length) {
      throw new ConversionException(model.file() + ": inputShape gives input '" + info.name()
          + "' " + given.length + " dimensions, but it has " + own.length + " (shape "
          + describe(info) + ").");
    }
    for (int k = 0; k < own.length; k++) {
      if (own[k] > 0 && own[k] != given[k]) {
        throw new ConversionException(model.file() + ": inputShape gives dimension " + k
            + " of input '" + info.name() + "' as " + given[k] + ", but the model fixes it to "
            + own[k] + " (shape " + describe(info) + "). Give only its dynamic dimensions"
            + " other values.");
      }
    }
    return given;
  }

  /** The model's shape as an inputShape value, each dynamic dimension a {@code <name>}. */
  private static String example(OnnxModel.ValueInfo info) {
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < info.dims().length; k++) {
      String param = info.dimParams() == null ? null : info.dimParams().get(k);
      parts.add(info.dims()[k] > 0 ? Long.toString(info.dims()[k])
          : "<" + (param == null ? "dim " + k : param) + ">");
    }
    return String.join("x", parts);
  }

  private static String quoted(List<String> names) {
    return names.isEmpty() ? "none" : "'" + String.join("', '", names) + "'";
  }

  private static String describe(OnnxModel.ValueInfo info) {
    long[] d = info.dims();
    List<String> parts = new ArrayList<>();
    for (int k = 0; k < d.length; k++) {
      String p = info.dimParams().get(k);
      parts.add(d[k] > 0 ? Long.toString(d[k]) : p != null ? p : "?");
    }
    return "[" + String.join(", ", parts) + "]";
  }
}
