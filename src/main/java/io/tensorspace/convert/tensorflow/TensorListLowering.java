package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces TensorList reads by plain ops where the graph holds no loop any more (after
 * {@link WhileUnroller}) and every index is static: an item read from a list made from a tensor
 * becomes a {@code GatherV2} of that tensor, an item written before becomes an {@code Identity} of
 * what was written, a stacked list a {@code Pack} of its items, a length a constant. tfjs runs
 * TensorList ops only through executeAsync(). Lists whose reads are not static stay as they are
 * (and are refused as dynamic); list nodes nothing reads any more are removed.
 */
final class TensorListLowering {
  private static final Set<String> LIST_MAKERS = Set.of("TensorListFromTensor",
      "TensorListReserve", "EmptyTensorList", "TensorListSetItem", "TensorListPushBack");

  /** A list's value: the tensor it was made from, or its items (null where none was written). */
  private record ListValue(String source, List<String> items) {
    ListValue with(int index, String item) {
      List<String> copy = new ArrayList<>(items);
      copy.set(index, item);
      return new ListValue(null, copy);
    }

    ListValue append(String item) {
      List<String> copy = new ArrayList<>(items);
      copy.add(item);
      return new ListValue(null, copy);
    }
  }

  private final TfGraph graph;
  private final StaticInts values;
  private final Map<String, ListValue> lists = new HashMap<>();

  private TensorListLowering(TfGraph graph) {
    this.graph = graph;
    this.values = new StaticInts(graph);
  }

  static void lower(TfGraph graph) {
    boolean any = graph.nodes.values().stream().anyMatch(n -> n.getOp().startsWith("TensorList")
        || n.getOp().equals("EmptyTensorList"));
    if (any) {
      new TensorListLowering(graph).run();
    }
  }

  private void run() {
    for (String name : graph.topologicalOrder()) {
      NodeDef node = graph.node(name);
      ListValue value = track(node);
      if (value != null) {
        lists.put(name, value);
        continue;
      }
      NodeDef plain = plain(node);
      if (plain != null) {
        graph.put(plain);
      }
    }
    removeUnread();
  }

  /** The list a list-making node (or an Identity of a list) gives, or null. */
  private ListValue track(NodeDef node) {
    List<String> in = dataInputs(node);
    return switch (node.getOp()) {
      case "TensorListFromTensor" -> new ListValue(in.get(0), null);
      case "TensorListReserve" -> {
        Long n = values.scalar(in.get(1));
        yield n == null || n < 0 || n > WhileUnroller.MAX_STEPS ? null
            : new ListValue(null, Arrays.asList(new String[n.intValue()]));
      }
      case "EmptyTensorList" -> new ListValue(null, List.of());
      case "TensorListSetItem" -> {
        ListValue list = list(in.get(0));
        Long i = values.scalar(in.get(1));
        yield list == null || list.items() == null || i == null || i < 0
            || i >= list.items().size() ? null : list.with(i.intValue(), in.get(2));
      }
      case "TensorListPushBack" -> {
        ListValue list = list(in.get(0));
        yield list == null || list.items() == null ? null : list.append(in.get(1));
      }
      case "Identity" -> in.isEmpty() ? null : list(in.get(0));
      default -> null;
    };
  }

  /** The plain op that replaces a list read, keeping its name; null if it is none or not static. */
  private NodeDef plain(NodeDef node) {
    List<String> in = dataInputs(node);
    ListValue list = in.isEmpty() ? null : list(in.get(0));
    if (list == null) {
      return null;
    }
    AttrValue dtype = node.getAttrOrDefault("element_dtype", AttrValue.getDefaultInstance());
    switch (node.getOp()) {
      case "TensorListGetItem": {
        Long i = values.scalar(in.get(1));
        if (i == null || i < 0) {
          return null;
        }
        if (list.source() != null) {
          return gather(node.getName(), list.source(), i.intValue(), dtype);
        }
        String item = i < list.items().size() ? list.items().get(i.intValue()) : null;
        return item == null ? null : op(node.getName(), "Identity", dtype, item);
      }
      case "TensorListStack": {
        if (list.source() != null) {
          return op(node.getName(), "Identity", dtype, list.source());
        }
        long expected = node.getAttrOrDefault("num_elements", AttrValue.getDefaultInstance())
            .getI();
        if (list.items().isEmpty() || list.items().contains(null)
            || (expected > 0 && expected != list.items().size())) {
          return null;
        }
        return op(node.getName(), "Pack", dtype, list.items().toArray(new String[0])).toBuilder()
            .putAttr("N", AttrValue.newBuilder().setI(list.items().size()).build())
            .putAttr("axis", AttrValue.newBuilder().setI(0).build()).build();
      }
      case "TensorListLength":
        return list.items() == null ? null : int32(node.getName(), list.items().size());
      default:
        return null;
    }
  }

  private ListValue list(String tensor) {
    return Tensors.index(tensor) == 0 ? lists.get(Tensors.node(tensor)) : null;
  }

  /** Item {@code index} of {@code source} along axis 0, with its index and axis as constants. */
  private NodeDef gather(String name, String source, int index, AttrValue dtype) {
    String indexNode = unique(name + "/index");
    graph.put(int32(indexNode, index));
    String axisNode = unique(name + "/axis");
    graph.put(int32(axisNode, 0));
    AttrValue int32 = AttrValue.newBuilder().setType(DataType.DT_INT32).build();
    return NodeDef.newBuilder().setName(name).setOp("GatherV2").addInput(source)
        .addInput(indexNode).addInput(axisNode).putAttr("Tparams", dtype)
        .putAttr("Tindices", int32).putAttr("Taxis", int32)
        .putAttr("batch_dims", AttrValue.newBuilder().setI(0).build()).build();
  }

  private static NodeDef op(String name, String op, AttrValue dtype, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(Arrays.asList(inputs))
        .putAttr("T", dtype).build();
  }

  private static NodeDef int32(String name, int value) {
    byte[] bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    TensorProto tensor = TensorProto.newBuilder().setDtype(DataType.DT_INT32)
        .setTensorShape(TensorShapeProto.getDefaultInstance())
        .setTensorContent(ByteString.copyFrom(bytes)).build();
    return NodeDef.newBuilder().setName(name).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_INT32).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(tensor).build()).build();
  }

  private String unique(String name) {
    String candidate = name;
    for (int i = 1; graph.nodes.containsKey(candidate); i++) {
      candidate = name + "_" + i;
    }
    return candidate;
  }

  /** Removes list-making nodes that nothing reads any more (their readers became plain ops). */
  private void removeUnread() {
    graph.removeUnread(n -> lists.containsKey(n.getName())
        && (LIST_MAKERS.contains(n.getOp()) || n.getOp().equals("Identity")));
  }

  private static List<String> dataInputs(NodeDef node) {
    return node.getInputList().stream().filter(i -> !Tensors.isControl(i)).toList();
  }
}
