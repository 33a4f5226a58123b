package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.InputFormat;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.GraphModel;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.GraphDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorInfo;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.VersionDef;
import io.tensorspace.convert.tensorspace.NetworkDescription;
import io.tensorspace.convert.tensorspace.TensorSpaceFiles;
import io.tensorspace.convert.tfjs.TfjsVersions;
import io.tensorspace.convert.write.AtomicDirectory;
import io.tensorspace.convert.write.GraphModelWriter;
import io.tensorspace.convert.write.Quantize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TensorFlow graphs (SavedModel, frozen GraphDef, TensorFlow.js graph-model) to TensorFlow.js
 * graph-models exposing named intermediate nodes, in pure Java: read, freeze and inline (by the
 * readers), select nodes, prune to what they need, check every op against tfjs's op list, write.
 */
public final class GraphConverter {
  public static final String DEFAULT_SIGNATURE = "serving_default";
  public static final Set<String> DEFAULT_TAGS = Set.of("serve");
  /** The newest TensorFlow.js this plugin checks graph-models in (its op list comes from it). */
  static final String TFJS_4 = "4.22.0";

  private final String signature;
  private final Set<String> tags;

  /** Uses the {@code serving_default} signature of the MetaGraph tagged {@code serve}. */
  public GraphConverter() {
    this(DEFAULT_SIGNATURE, DEFAULT_TAGS);
  }

  /**
   * @param signature the SavedModel signature to convert
   * @param tags the tags of the SavedModel MetaGraph to read
   */
  public GraphConverter(String signature, Set<String> tags) {
    this.signature = signature;
    this.tags = Set.copyOf(tags);
  }

  /** Whether {@code source} is something this converter reads (checked by content, not name). */
  public static boolean accepts(Path source) throws IOException {
    return GraphSources.kind(source) != null;
  }

  /** Which TensorFlow graph format {@code source} is, or null for none (checked by content). */
  public static InputFormat format(Path source) throws IOException {
    GraphSources.Kind kind = GraphSources.kind(source);
    return kind == null ? null : kind.format;
  }

  public ConversionResult convert(ConversionRequest request)
      throws ConversionException, IOException {
    return convert(request, CopiedRegions.NONE);
  }

  /** Converts; {@code copied} hears each input file region copied unchanged into the output. */
  public ConversionResult convert(ConversionRequest request, CopiedRegions copied)
      throws ConversionException, IOException {
    checkNoWeights(request);
    return write(request, copied, prepare(request.source(), GraphSources.kind(request.source()),
        request.outputLayers(), request.excludeLayers()));
  }

  /**
   * Converts a source whose {@code format} the caller found already ({@code ModelSources}): a
   * model.json is not read once more to tell its format, which costs a big graph's whole text.
   */
  public ConversionResult convert(ConversionRequest request, CopiedRegions copied,
      InputFormat format) throws ConversionException, IOException {
    checkNoWeights(request);
    return write(request, copied, prepare(request.source(), GraphSources.kind(format),
        request.outputLayers(), request.excludeLayers()));
  }

  private static void checkNoWeights(ConversionRequest request) throws ConversionException {
    if (request.weights() != null) {
      throw new ConversionException(request.source() + " is a TensorFlow graph that holds its own"
          + " weights; remove <weights> (" + request.weights() + ").");
    }
  }

  /**
   * Converts a graph another format's translator built (ONNX): prunes it to what its outputs
   * need, checks every op against tfjs's op list, writes the graph-model and TensorSpace files.
   */
  public ConversionResult convert(ConversionRequest request, CopiedRegions copied, BuiltGraph built)
      throws ConversionException, IOException {
    TfGraph graph = new TfGraph(built.source(), built.generatedBy());
    built.nodes().forEach(graph::put);
    graph.frozen.putAll(built.weights());
    Prepared prepared = finish(graph, built.outputs(), List.of());
    GraphModel m = prepared.model();
    return write(request, copied, new Prepared(new GraphModel(m.source(), m.generatedBy(),
        m.graph(), m.weights(), m.signature(), m.outputNodes(), m.resources(), built.metadata()),
        prepared.description()));
  }

  private ConversionResult write(ConversionRequest request, CopiedRegions copied,
      Prepared prepared) throws ConversionException, IOException {
    try (GraphModel model = prepared.model()) {
      AtomicLong bytes = new AtomicLong();
      GraphModelWriter writer = new GraphModelWriter(request.shardSizeBytes(), request.quantize(),
          request.quantizeWeights());
      try {
        new AtomicDirectory(request.outputDirectory(),
            name -> GraphModelWriter.writes(name) || TensorSpaceFiles.writes(name))
            .write(AtomicDirectory.concurrently(
                directory -> bytes.set(writer.write(model, directory, copied)),
                // the TensorSpace companion files, for the same selected nodes in the same order
                directory -> TensorSpaceFiles.write(prepared.description(), directory,
                    request.outputDirectory().getFileName().toString(), request.tensorSpace(),
                    model.metadata())));
      } catch (IOException e) {
        // a checkpoint found damaged while its weights stream out is the user's input, not I/O
        if (e.getCause() instanceof ConversionException input) {
          throw input;
        }
        throw e;
      }
      List<String> warnings = new ArrayList<>(writer.warnings());
      if (request.splitWeightsByLayer()) {
        warnings.add("splitWeightsByLayer does not apply to TensorFlow graph-models (a graph has"
            + " no layers); its weights were written as one group.");
      }
      String minimumTfjs = ConversionResult.BASELINE_TFJS;
      for (NodeDef node : model.graph().nodes()) {
        if (!TfjsOps.inTfjs1(node.getOp()) && TfjsOps.supported(node.getOp())) {
          warnings.add("node '" + node.getName() + "' uses op '" + node.getOp() + "', which"
              + " TensorFlow.js 1.x (bundled with TensorSpace 0.6) does not run; load the model"
              + " with TensorFlow.js 4.");
          minimumTfjs = TFJS_4;
        }
      }
      if (request.quantize() == Quantize.FLOAT16) {
        warnings.add(0, Quantize.FLOAT16_WARNING);
        minimumTfjs = TfjsVersions.max(minimumTfjs, Quantize.FLOAT16_MINIMUM_TFJS);
      }
      return new ConversionResult(request.outputDirectory(), model.outputNodes(), bytes.get(),
          warnings, minimumTfjs);
    }
  }

  /**
   * Reads, selects and prunes. The caller closes the model once it is written.
   *
   * @param outputNodes node names in the user's order; empty for the default visual set
   */
  public GraphModel read(Path source, List<String> outputNodes)
      throws ConversionException, IOException {
    return read(source, outputNodes, List.of());
  }

  /**
   * Reads, selects and prunes. The caller closes the model once it is written.
   *
   * @param outputNodes node names in the user's order; empty for the default visual set
   * @param exclude node names or op types to leave out of the default set
   */
  public GraphModel read(Path source, List<String> outputNodes, List<String> exclude)
      throws ConversionException, IOException {
    return prepare(source, GraphSources.kind(source), outputNodes, exclude).model();
  }

  /** A model ready to write, and its description for the TensorSpace companion files. */
  private record Prepared(GraphModel model, NetworkDescription description) {}

  private Prepared prepare(Path source, GraphSources.Kind kind, List<String> outputNodes,
      List<String> exclude) throws ConversionException, IOException {
    TfGraph graph = GraphSources.read(source, kind, signature, tags);
    try {
      return finish(graph, outputNodes, exclude);
    } catch (ConversionException | IOException | RuntimeException e) {
      closeQuietly(graph, e);
      throw e;
    }
  }

  /** Lists every node a user can select. */
  public GraphSummary summarize(Path source) throws ConversionException, IOException {
    TfGraph graph = GraphSources.read(source, GraphSources.kind(source), signature, tags);
    try {
      normalize(graph);
      return GraphSummary.of(graph, new NodeSelection(graph));
    } finally {
      closeQuietly(graph, null);
    }
  }

  private Prepared finish(TfGraph graph, List<String> requested, List<String> exclude)
      throws ConversionException, IOException {
    normalize(graph);
    NodeSelection selection = new NodeSelection(graph);
    List<String> outputs;
    if (requested.isEmpty()) {
      for (String root : roots(graph)) {
        String blocker = selection.blocker(root);
        // a SavedModel without signature also holds its training and saving ops: only an
        // inference graph must be fully runnable
        if (blocker != null && !graph.mayHoldTraining) {
          throw NodeSelection.unsupported(graph, blocker, Tensors.node(root));
        }
      }
      outputs = new ArrayList<>(selection.defaults());
      outputs.removeIf(name -> exclude.contains(name) || exclude.contains(graph.node(name).getOp()));
      if (outputs.isEmpty() && exclude.isEmpty()) {
        // no layer-like op (e.g. a tf.Module computing 3*x): expose what the model computes
        outputs = new ArrayList<>();
        for (String root : roots(graph)) {
          if (!outputs.contains(Tensors.node(root)) && selection.blocker(root) == null) {
            outputs.add(Tensors.node(root));
          }
        }
      }
      if (outputs.isEmpty()) {
        throw new ConversionException(graph.source + ": found no node to expose; name the nodes"
            + " with <outputLayers> (the summary goal lists them).");
      }
    } else {
      outputs = selection.requested(requested);
    }

    Set<String> keep = new LinkedHashSet<>(outputs);
    if (graph.signature != null) {
      graph.signature.getOutputsMap().values().forEach(info -> keep.add(info.getName()));
      graph.signature.getInputsMap().values().forEach(info -> keep.add(info.getName()));
    }
    Set<String> needed = graph.ancestors(keep);
    for (String name : needed) {
      String blocker = selection.blocker(name);
      if (blocker != null) {
        throw NodeSelection.unsupported(graph, blocker, name);
      }
    }
    graph.retain(needed);
    NetworkDescription description =
        GraphDescription.of(graph, outputs, GraphModelWriter.MODEL_JSON);

    List<NodeDef> nodes = new ArrayList<>();
    List<Weight> weights = new ArrayList<>();
    for (NodeDef node : graph.nodeList()) {
      boolean isConst = node.getOp().equals("Const");
      TensorProto stripped = null;
      if (isConst) {
        weights.add(weight(graph, node));
        // the value moves to the weights: the node keeps only its dtype and shape
        TensorProto value = node.getAttrOrThrow("value").getTensor();
        stripped = TensorProto.newBuilder().setDtype(value.getDtype())
            .setTensorShape(value.getTensorShape()).build();
        if (stripped.equals(value)) {
          stripped = null; // a tfjs graph's Consts carry no value already
        }
      }
      if (stripped == null && inputsCanonical(node)) {
        nodes.add(node); // most nodes: copying one into a builder would change nothing
        continue;
      }
      NodeDef.Builder b = node.toBuilder().clearInput();
      for (String input : node.getInputList()) {
        // control edges only ordered side effects (initialisers, asserts) that the frozen graph lacks
        if (!Tensors.isControl(input)) {
          b.addInput(Tensors.canonical(input));
        }
      }
      if (stripped != null) {
        b.putAttr("value", AttrValue.newBuilder().setTensor(stripped).build());
      }
      nodes.add(b.build());
    }
    GraphDef def = new GraphDef(nodes, VersionDef.ofProducer(graph.producer));
    return new Prepared(new GraphModel(graph.source, graph.generatedBy, def, weights,
        graph.signature, outputs, graph.resources), description);
  }

  /** Whether every input is a data edge already written as the output keeps it. */
  private static boolean inputsCanonical(NodeDef node) {
    for (String input : node.getInputList()) {
      if (Tensors.isControl(input) || !Tensors.canonical(input).equals(input)) {
        return false;
      }
    }
    return true;
  }

  /** What the model computes: the signature's outputs, else the graph's sinks. */
  private static List<String> roots(TfGraph graph) {
    List<String> roots = new ArrayList<>();
    if (graph.signature != null && graph.signature.getOutputsCount() > 0) {
      for (TensorInfo info : graph.signature.getOutputsMap().values()) {
        roots.add(info.getName());
      }
      return roots;
    }
    Map<String, List<String>> consumers = graph.consumers();
    for (NodeDef node : graph.nodes.values()) {
      String op = node.getOp();
      if (!consumers.containsKey(node.getName()) && !op.equals("Const") && !op.equals("NoOp")
          && !op.equals("Placeholder")) {
        roots.add(node.getName());
      }
    }
    return roots;
  }

  /** Ops with a dilations attr, which tfjs 4 reads without a default. */
  private static final Set<String> DILATED =
      Set.of("Conv2D", "DepthwiseConv2dNative", "Conv3D", "Conv2DBackpropInput");

  /** Fixes what tfjs reads differently from TensorFlow, without changing any node's meaning. */
  private static void normalize(TfGraph graph) {
    for (NodeDef node : graph.nodeList()) {
      NodeDef.Builder b = null;
      if (!node.getDevice().isEmpty()) {
        b = node.toBuilder().clearDevice();
      }
      // GraphDefs from before TF 1.5 omit the dilations attr; tfjs 4 reads it without a default
      if (DILATED.contains(node.getOp()) && !node.containsAttr("dilations")) {
        int rank = node.getOp().equals("Conv3D") ? 5 : 4;
        AttrValue.ListValue.Builder ones = AttrValue.ListValue.newBuilder();
        for (int i = 0; i < rank; i++) {
          ones.addI(1);
        }
        b = (b == null ? node.toBuilder() : b)
            .putAttr("dilations", AttrValue.newBuilder().setList(ones).build());
      }
      if (b != null) {
        graph.put(b.build());
      }
    }
  }

  private static Weight weight(TfGraph graph, NodeDef node) throws ConversionException {
    Weight frozen = graph.frozen.get(node.getName());
    if (frozen != null) {
      return frozen;
    }
    TensorProto value = node.getAttrOrThrow("value").getTensor();
    DType dtype = TensorValues.manifestType(value.getDtype());
    if (dtype == null) {
      throw new ConversionException(graph.source + ": constant node '" + node.getName()
          + "' has dtype " + value.getDtype() + ", which TensorFlow.js weights cannot hold"
          + (value.getDtype() == DataType.DT_STRING ? " (string tensors)" : "")
          + "; select nodes that do not depend on it.");
    }
    // decoded when written, so a big graph's constants are not held twice
    return new Weight(node.getName(), TensorValues.dims(value.getTensorShape()), dtype,
        out -> out.write(TensorValues.fromProto(value)));
  }

  private static void closeQuietly(TfGraph graph, Exception primary) {
    if (graph.resources == null) {
      return;
    }
    try {
      graph.resources.close();
    } catch (Exception e) {
      if (primary != null) {
        primary.addSuppressed(e);
      }
    }
  }
}
