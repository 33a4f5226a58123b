package io.tensorspace.convert.onnx;

import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.TensorData;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The TensorFlow graph being built: nodes in emission order (every node after its inputs), the
 * lazily read float weights of its Const nodes by node name, and the names taken.
 */
final class TfGraphBuilder {
  /** Ops whose dtype attr is not "T". */
  private static final Set<String> NO_T = Set.of("Const", "Placeholder", "Cast", "Shape");

  final List<NodeDef> nodes = new ArrayList<>();
  final Map<String, Weight> weights = new LinkedHashMap<>();
  final TfNames names = new TfNames();
  private final Map<OnnxTensor, String> constants = new IdentityHashMap<>();

  /** Adds a node named {@code wanted} (made unique) and returns its name. */
  String node(String wanted, String op, List<String> inputs, Attrs attrs) {
    String name = names.unique(wanted);
    NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp(op).addAllInput(inputs);
    if (!NO_T.contains(op) && !attrs.has("T")) {
      attrs.type("T", DataType.DT_FLOAT);
    }
    b.putAllAttr(attrs.values());
    nodes.add(b.build());
    return name;
  }

  /** A float32 Const whose bytes are produced when the shards are written. */
  String weight(String wanted, long[] shape, TensorData data) {
    String name = names.unique(wanted);
    nodes.add(constNode(name, DataType.DT_FLOAT, shape, null));
    weights.put(name, new Weight(name, shape, DType.FLOAT32, data));
    return name;
  }

  /** A small int32 Const held in the node (shapes, axes, permutations), values clamped. */
  String ints(String wanted, long[] shape, long[] values) {
    String name = names.unique(wanted);
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      // tfjs has no int64: "to the end" markers (INT64_MAX) become the int32 extreme
      b.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)));
    }
    nodes.add(constNode(name, DataType.DT_INT32, shape, ByteString.copyFrom(b.array())));
    return name;
  }

  /** The graph tensor of an ONNX constant, added once (as float32 or int32). */
  String constant(OnnxTensor value, String wanted) {
    String known = constants.get(value);
    if (known != null) {
      return known;
    }
    String name;
    if (ElemType.isFloat(value.dataType())) {
      name = weight(wanted, value.dims(), out -> {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(value.elementCount() * 4))
            .order(ByteOrder.LITTLE_ENDIAN);
        for (float f : value.floats()) {
          b.putFloat(f);
        }
        out.write(b.array());
      });
    } else {
      try {
        name = ints(wanted, value.dims(), value.longs());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    constants.put(value, name);
    return name;
  }

  private static NodeDef constNode(String name, DataType type, long[] shape, ByteString content) {
    TensorProto.Builder t = TensorProto.newBuilder().setDtype(type).setTensorShape(shape(shape));
    if (content != null) {
      t.setTensorContent(content);
    }
    return NodeDef.newBuilder().setName(name).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(type).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(t).build()).build();
  }

  static TensorShapeProto shape(long[] dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return s.build();
  }
}
