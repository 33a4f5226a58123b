package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.BundleEntryProto;

/**
 * Turns variables into constants holding their checkpoint values, because tfjs runs no variable
 * ops. A TF1 {@code VariableV2} node becomes a Const of the same name (its {@code /read} Identity
 * stays); a TF2 {@code ReadVariableOp} of a variable handle becomes a Const named like the read, so
 * the names users see in TensorBoard remain. Values are read from the checkpoint only when written.
 */
final class VariableFreezer {
  private VariableFreezer() {}

  static void freeze(TfGraph graph, VariableKeys keys, Path checkpointPrefix)
      throws ConversionException, IOException {
    TensorBundle bundle = null;
    java.util.Map<String, String> firstRead = new java.util.HashMap<>();
    for (NodeDef node : new ArrayList<>(graph.nodes.values())) {
      String variable = null;
      DataType dtype = null;
      if (node.getOp().equals("VariableV2") || node.getOp().equals("Variable")) {
        variable = node.getName();
        dtype = node.getAttrOrThrow("dtype").getType();
      } else if (node.getOp().equals("ReadVariableOp") && node.getInputCount() > 0) {
        variable = handle(graph, node.getInput(0));
        dtype = node.getAttrOrThrow("dtype").getType();
      }
      if (variable == null) {
        continue;
      }
      if (bundle == null) {
        bundle = TensorBundle.open(checkpointPrefix);
      }
      NodeDef variableNode = graph.node(variable);
      String key = keys.key(variable);
      if (key == null) {
        key = variableNode.getOp().equals("VarHandleOp")
            ? variableNode.getAttrOrDefault("shared_name", AttrValue.getDefaultInstance()).getS()
                .toStringUtf8()
            : variable;
      }
      if (!bundle.contains(key)) {
        throw new ConversionException(graph.source + ": variable '" + variable + "' (read by node '"
            + node.getName() + "') has no value in checkpoint " + checkpointPrefix + " (looked for '"
            + key + "'); the SavedModel's variables folder does not belong to this graph.");
      }
      String first = firstRead.putIfAbsent(key, node.getName());
      if (first != null) {
        // another read of a variable already frozen (an unrolled loop reads it in every step):
        // one weight, the other reads are Identity ops of it
        graph.put(NodeDef.newBuilder().setName(node.getName()).setOp("Identity").addInput(first)
            .putAttr("T", AttrValue.newBuilder().setType(plain(dtype, bundle.entry(key))).build())
            .build());
        continue;
      }
      graph.put(constant(node.getName(), dtype, bundle.entry(key)));
      graph.frozen.put(node.getName(), weight(graph, node.getName(), bundle, key));
    }
    // handles nothing reads any more would look like unsupported outputs of the model
    java.util.Map<String, List<String>> consumers = graph.consumers();
    graph.nodes.values().removeIf(n -> n.getOp().equals("VarHandleOp")
        && !consumers.containsKey(n.getName()));
  }

  /** The VarHandleOp a resource input comes from (through Identity), or null. */
  private static String handle(TfGraph graph, String input) {
    for (int hops = 0; hops < 16; hops++) {
      NodeDef node = graph.node(Tensors.node(input));
      if (node == null) {
        return null;
      }
      if (node.getOp().equals("VarHandleOp")) {
        return node.getName();
      }
      if (!node.getOp().equals("Identity") || node.getInputCount() == 0) {
        return null;
      }
      input = node.getInput(0);
    }
    return null;
  }

  private static NodeDef constant(String name, DataType dtype, BundleEntryProto entry) {
    DataType type = plain(dtype, entry);
    return NodeDef.newBuilder().setName(name).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(type).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder()
            .setDtype(type).setTensorShape(ProtoGraphs.shape(entry.getShape()))).build())
        .build();
  }

  /** The value type of a variable: its dtype attr, without *_REF, else the checkpoint's. */
  private static DataType plain(DataType dtype, BundleEntryProto entry) {
    DataType type = dtype == null || dtype == DataType.DT_INVALID
        ? ProtoGraphs.type(entry.getDtype()) : dtype;
    // a TF1 variable's dtype attr may be a *_REF type; the constant holds the plain type
    return type.getNumber() > 100 ? DataType.forNumber(type.getNumber() - 100) : type;
  }

  private static Weight weight(TfGraph graph, String name, TensorBundle bundle, String key)
      throws ConversionException {
    BundleEntryProto entry = bundle.entry(key);
    DataType stored = ProtoGraphs.type(entry.getDtype());
    DType dtype = TensorValues.manifestType(stored);
    if (dtype == null) {
      throw new ConversionException(graph.source + ": variable '" + key + "' (node '" + name
          + "') has dtype " + stored + ", which TensorFlow.js weights cannot hold.");
    }
    long[] shape = TensorValues.dims(ProtoGraphs.shape(entry.getShape()));
    long count = TensorValues.elements(shape);
    boolean storedAsTfjsReads = (stored == DataType.DT_FLOAT || stored == DataType.DT_INT32)
        && entry.getSize() == count * 4;
    return new Weight(name, shape, dtype, out -> {
      try {
        if (storedAsTfjsReads) {
          bundle.copy(key, out);
        } else {
          out.write(TensorValues.fromRaw(stored, bundle.read(key), count));
        }
      } catch (ConversionException e) {
        throw new IOException(e.getMessage(), e);
      }
    });
  }
}
