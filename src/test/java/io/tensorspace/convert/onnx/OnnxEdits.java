package io.tensorspace.convert.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Edits real ONNX files with protobuf-java's generic message model (UnknownFieldSet: fields by
 * number, as the ONNX IR specification numbers them), so hostile variants of corpus models are
 * written by the protobuf library, not by hand.
 */
final class OnnxEdits {
  static final int MODEL_GRAPH = 7;
  static final int GRAPH_NODE = 1;
  static final int GRAPH_INITIALIZER = 5;
  static final int TENSOR_DIMS = 1;
  static final int TENSOR_NAME = 8;
  static final int TENSOR_RAW_DATA = 9;
  static final int TENSOR_EXTERNAL_DATA = 13;
  static final int TENSOR_DATA_LOCATION = 14;

  private OnnxEdits() {}

  static UnknownFieldSet parse(byte[] bytes) {
    try {
      return UnknownFieldSet.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static UnknownFieldSet parse(ByteString bytes) {
    try {
      return UnknownFieldSet.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The model's initializers (TensorProtos), in file order. */
  static List<UnknownFieldSet> initializers(byte[] model) {
    UnknownFieldSet graph = parse(parse(model).getField(MODEL_GRAPH).getLengthDelimitedList().get(0));
    List<UnknownFieldSet> out = new ArrayList<>();
    for (ByteString t : graph.getField(GRAPH_INITIALIZER).getLengthDelimitedList()) {
      out.add(parse(t));
    }
    return out;
  }

  /** The model with initializer {@code index} replaced by {@code edit} of it. */
  static byte[] editInitializer(byte[] model, int index, UnaryOperator<UnknownFieldSet> edit) {
    return editGraph(model, graph -> {
      List<ByteString> tensors = new ArrayList<>(
          graph.getField(GRAPH_INITIALIZER).getLengthDelimitedList());
      tensors.set(index, edit.apply(parse(tensors.get(index))).toByteString());
      return replace(graph, GRAPH_INITIALIZER, tensors);
    });
  }

  static byte[] editGraph(byte[] model, UnaryOperator<UnknownFieldSet> edit) {
    UnknownFieldSet m = parse(model);
    UnknownFieldSet graph = parse(m.getField(MODEL_GRAPH).getLengthDelimitedList().get(0));
    return replace(m, MODEL_GRAPH, List.of(edit.apply(graph).toByteString())).toByteArray();
  }

  static UnknownFieldSet replace(UnknownFieldSet message, int field, List<ByteString> values) {
    UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
    values.forEach(f::addLengthDelimited);
    return UnknownFieldSet.newBuilder(message).clearField(field).addField(field, f.build()).build();
  }

  static UnknownFieldSet withVarints(UnknownFieldSet message, int field, long... values) {
    UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
    for (long v : values) {
      f.addVarint(v);
    }
    return UnknownFieldSet.newBuilder(message).clearField(field).addField(field, f.build()).build();
  }

  static String name(UnknownFieldSet tensor) {
    return tensor.getField(TENSOR_NAME).getLengthDelimitedList().get(0).toStringUtf8();
  }

  static ByteString raw(UnknownFieldSet tensor) {
    List<ByteString> raw = tensor.getField(TENSOR_RAW_DATA).getLengthDelimitedList();
    return raw.isEmpty() ? null : raw.get(0);
  }

  /** The tensor with its raw_data moved to an external file entry. */
  static UnknownFieldSet external(UnknownFieldSet tensor, String location, long offset,
      long length) {
    UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder(tensor).clearField(TENSOR_RAW_DATA);
    UnknownFieldSet.Field.Builder entries = UnknownFieldSet.Field.newBuilder();
    entries.addLengthDelimited(entry("location", location));
    entries.addLengthDelimited(entry("offset", Long.toString(offset)));
    entries.addLengthDelimited(entry("length", Long.toString(length)));
    b.addField(TENSOR_EXTERNAL_DATA, entries.build());
    b.addField(TENSOR_DATA_LOCATION, UnknownFieldSet.Field.newBuilder().addVarint(1).build());
    return b.build();
  }

  private static ByteString entry(String key, String value) {
    return UnknownFieldSet.newBuilder()
        .addField(1, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8(key)).build())
        .addField(2, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8(value)).build())
        .build().toByteString();
  }
}
