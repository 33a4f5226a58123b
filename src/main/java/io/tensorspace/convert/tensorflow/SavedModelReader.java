package io.tensorspace.convert.tensorflow;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.FunctionDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.SignatureDef;
import io.tensorspace.convert.tensorflow.graph.TensorInfo;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;

/**
 * Reads a TF1 or TF2 SavedModel without TensorFlow: picks the MetaGraph by tags and one signature,
 * keeps the part of the graph the signature computes, inlines the functions it calls (TF2) and
 * freezes its variables with the values of the checkpoint in {@code variables/}.
 */
final class SavedModelReader {
  static final String INIT_OP_SIGNATURE = "__saved_model_init_op";

  private final String signature;
  private final Set<String> tags;

  SavedModelReader(String signature, Set<String> tags) {
    this.signature = signature;
    this.tags = tags;
  }

  TfGraph read(Path savedModelPb) throws ConversionException, IOException {
    Path folder = savedModelPb.toAbsolutePath().getParent();
    MetaGraphDef meta = metaGraph(savedModelPb);
    String version = meta.getMetaInfoDef().getTensorflowVersion();
    TfGraph graph = new TfGraph(folder,
        version.isEmpty() ? "TensorFlow SavedModel" : "TensorFlow " + version);
    graph.producer = meta.getGraphDef().getVersions().getProducer();
    ProtoGraphs.nodes(meta.getGraphDef().getNodeList()).forEach(graph::put);
    graph.keras = kerasMade(meta, folder);

    // which checkpoint tensor restores which variable: read before pruning drops the saver
    List<FunctionDef> library = ProtoGraphs.library(meta.getGraphDef().getLibrary());
    VariableKeys keys = VariableKeys.of(meta.getSaverDef().getRestoreOpName(), library, graph);

    org.tensorflow.proto.SignatureDef found = meta.getSignatureDefMap().get(signature);
    SignatureDef sig = found == null ? null : ProtoGraphs.signature(found);
    List<String> available = signatures(meta);
    if (sig == null && !available.isEmpty()) {
      throw new ConversionException(savedModelPb + " has no signature '" + signature
          + "'; it has " + String.join(", ", available) + ". Set <signature> to one of them.");
    }
    String unprefixed = null;
    graph.mayHoldTraining = sig == null;
    if (sig != null) {
      graph.signature = sig;
      Set<String> roots = new LinkedHashSet<>();
      Set<String> callers = new HashSet<>();
      for (TensorInfo info : sig.getOutputsMap().values()) {
        requireTensor(graph, savedModelPb, info, "output");
        roots.add(info.getName());
        callers.add(Tensors.node(info.getName()));
      }
      for (TensorInfo info : sig.getInputsMap().values()) {
        requireTensor(graph, savedModelPb, info, "input");
        roots.add(info.getName());
      }
      graph.retain(graph.ancestors(roots));
      // TF2 signatures are one call of a wrapper function: its body keeps its own names, as in
      // the official converter (StatefulPartitionedCall/<model>/<layer>/<op>)
      if (callers.size() == 1) {
        NodeDef caller = graph.node(callers.iterator().next());
        if (caller.getOp().endsWith("PartitionedCall")) {
          unprefixed = caller.getName();
        }
      }
    }
    if (!library.isEmpty()) {
      FunctionInliner.inlineAll(graph, library, unprefixed);
    }
    VariableFreezer.freeze(graph, keys, folder.resolve("variables").resolve("variables"));
    if (unprefixed != null) {
      relaxScalarInputs(graph);
    }
    return graph;
  }

  /**
   * A TF2 signature traced with a scalar spec still runs element-wise on any shape, and TensorFlow
   * does not check the shape of a function's arguments; tfjs checks placeholder shapes and would
   * refuse inputs TensorFlow accepts. Such inputs are written with unknown rank (only validation
   * changes: no op reads a placeholder's shape attr).
   */
  private static void relaxScalarInputs(TfGraph graph) {
    SignatureDef.Builder sig = graph.signature.toBuilder();
    for (var e : graph.signature.getInputsMap().entrySet()) {
      NodeDef node = graph.node(Tensors.node(e.getValue().getName()));
      TensorShapeProto shape = e.getValue().getTensorShape();
      if (node == null || !node.getOp().equals("Placeholder") || shape.getUnknownRank()
          || shape.getDimCount() > 0) {
        continue;
      }
      TensorShapeProto unknown = TensorShapeProto.newBuilder().setUnknownRank(true).build();
      graph.put(node.toBuilder()
          .putAttr("shape", AttrValue.newBuilder().setShape(unknown).build()).build());
      sig.putInputs(e.getKey(), e.getValue().toBuilder().setTensorShape(unknown).build());
    }
    graph.signature = sig.build();
  }

  private MetaGraphDef metaGraph(Path pb) throws ConversionException, IOException {
    SavedModel model;
    try (InputStream in = Files.newInputStream(pb)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setRecursionLimit(1000);
      coded.setSizeLimit(Integer.MAX_VALUE);
      model = SavedModel.parseFrom(coded);
    } catch (InvalidProtocolBufferException e) {
      throw new ConversionException(pb + " is not a TensorFlow SavedModel (" + e.getMessage()
          + ").", e);
    }
    List<String> found = new ArrayList<>();
    MetaGraphDef match = null;
    for (MetaGraphDef meta : model.getMetaGraphsList()) {
      Set<String> metaTags = new TreeSet<>(meta.getMetaInfoDef().getTagsList());
      found.add(metaTags.toString());
      if (metaTags.equals(new TreeSet<>(tags)) || (match == null && metaTags.containsAll(tags))) {
        match = meta;
      }
    }
    if (match == null) {
      throw new ConversionException(pb + " has no MetaGraph tagged " + new TreeSet<>(tags)
          + "; its tag sets are " + String.join(", ", found) + ". Set <tags> to one of them.");
    }
    return match;
  }

  private static List<String> signatures(MetaGraphDef meta) {
    List<String> out = new ArrayList<>(new TreeSet<>(meta.getSignatureDefMap().keySet()));
    out.remove(INIT_OP_SIGNATURE);
    return out;
  }

  private void requireTensor(TfGraph graph, Path pb, TensorInfo info, String what)
      throws ConversionException {
    if (info.getName().isEmpty() || graph.node(Tensors.node(info.getName())) == null) {
      throw new ConversionException(pb + ": signature '" + signature + "' names " + what + " '"
          + info.getName() + "', which is not in the graph (a composite or sparse tensor?);"
          + " choose another <signature>.");
    }
  }

  /** tf.keras SavedModels say so in their object graph or in keras_metadata.pb. */
  private static boolean kerasMade(MetaGraphDef meta, Path folder) {
    if (Files.isRegularFile(folder.resolve("keras_metadata.pb"))) {
      return true;
    }
    for (SavedObject object : meta.getObjectGraphDef().getNodesList()) {
      if (object.hasUserObject() && object.getUserObject().getIdentifier().startsWith("_tf_keras")) {
        return true;
      }
    }
    return false;
  }
}
