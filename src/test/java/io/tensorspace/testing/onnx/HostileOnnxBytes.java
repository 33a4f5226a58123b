package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.HostileOnnx.FILE;
import static io.tensorspace.testing.onnx.HostileOnnx.base;
import static io.tensorspace.testing.onnx.HostileOnnx.unknown;
import static io.tensorspace.testing.onnx.HostileOnnx.withNode;
import static io.tensorspace.testing.onnx.HostileOnnx.withWeight;
import static io.tensorspace.testing.onnx.HostileOnnx.write;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.tensorspace.testing.onnx.HostileOnnx.Expect;
import io.tensorspace.testing.onnx.HostileOnnx.Variant;
import io.tensorspace.testing.onnx.Onnx.GraphProto;
import io.tensorspace.testing.onnx.Onnx.NodeProto;
import io.tensorspace.testing.onnx.Onnx.TensorProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The hostile ONNX files that are wrong as protobuf bytes rather than as ONNX: nesting past what
 * any serializer (protobuf-java's own included) recurses through, truncations, wrong wire types,
 * broken lengths and varints. Put together from bytes around {@link HostileOnnx#base()}.
 */
final class HostileOnnxBytes {
  private HostileOnnxBytes() {}

  static List<Variant> nesting() {
    List<Variant> v = new ArrayList<>();
    for (int depth : new int[] {9, 64, 1000}) {
      v.add(new Variant("if-nested-" + depth + "-deep", depth > 9 ? Expect.REFUSED
          : Expect.REFUSED_OR_CONVERTED, f -> Files.write(f.resolve(FILE), nestedIf(depth))));
    }
    v.add(new Variant("protobuf-groups-nested-100000-deep", Expect.REFUSED, f -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(base().toByteArray());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      for (int i = 0; i < 100_000; i++) {
        out.writeTag(99, WireFormat.WIRETYPE_START_GROUP);
      }
      out.flush();
      Files.write(f.resolve(FILE), bytes.toByteArray());
    }));
    v.add(new Variant("protobuf-groups-nested-in-node-100000-deep", Expect.REFUSED,
        f -> Files.write(f.resolve(FILE), nestedGroups(100_000))));
    v.add(new Variant("protobuf-groups-nested-in-node-50-deep", Expect.REFUSED_OR_CONVERTED,
        f -> Files.write(f.resolve(FILE), nestedGroups(50))));
    return v;
  }

  static List<Variant> truncations() {
    List<Variant> v = new ArrayList<>();
    byte[] full = base().toByteArray();
    for (int cut : new int[] {1, 2, 5, full.length / 10, full.length / 4, full.length / 2,
        3 * full.length / 4, full.length - 20, full.length - 1}) {
      v.add(new Variant("truncated-to-" + cut + "-of-" + full.length, Expect.REFUSED,
          f -> Files.write(f.resolve(FILE), Arrays.copyOf(full, cut))));
    }
    v.add(new Variant("empty-file", Expect.REFUSED, f -> Files.write(f.resolve(FILE), new byte[0])));
    v.add(new Variant("zeros-4k", Expect.REFUSED, f -> Files.write(f.resolve(FILE), new byte[4096])));
    v.add(new Variant("json-named-onnx", Expect.REFUSED, f -> Files.writeString(f.resolve(FILE),
        "{\"ir_version\": 7, \"graph\": {}}")));
    v.add(new Variant("ir-version-then-garbage", Expect.REFUSED, f -> {
      byte[] b = new byte[600];
      new java.util.Random(7).nextBytes(b);
      b[0] = 0x08;
      b[1] = 0x07;
      b[2] = 0x3a;
      Files.write(f.resolve(FILE), b);
    }));
    return v;
  }

  static List<Variant> wireTypes() {
    List<Variant> v = new ArrayList<>();
    v.add(prefixed("ir-version-as-bytes", o -> {
      o.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeStringNoTag("seven");
    }));
    v.add(suffixed("graph-as-varint", o -> o.writeUInt64(7, 5)));
    v.add(suffixed("graph-as-fixed32", o -> o.writeFixed32(7, 5)));
    v.add(suffixed("opset-import-as-fixed64", o -> o.writeFixed64(8, 17)));
    v.add(suffixed("graph-length-2-gigabytes", o -> {
      o.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(0x7fff_fff0);
    }));
    v.add(suffixed("graph-length-negative", o -> {
      o.writeTag(7, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeInt64NoTag(-1);
    }));
    v.add(suffixed("malformed-varint", o -> {
      o.writeTag(1, WireFormat.WIRETYPE_VARINT);
      for (int i = 0; i < 11; i++) {
        o.writeRawByte((byte) 0xff);
      }
    }));
    v.add(suffixed("wire-type-7", o -> o.writeUInt32NoTag(7 << 3 | 7)));
    v.add(suffixed("end-group-without-start", o -> o.writeTag(7, WireFormat.WIRETYPE_END_GROUP)));
    v.add(suffixed("field-number-zero", o -> o.writeUInt32NoTag(WireFormat.WIRETYPE_VARINT)));
    v.add(unknown("node-op-type-as-varint", n -> n, 4, UnknownFieldSet.Field.newBuilder()
        .addVarint(9).build()));
    v.add(unknown("node-input-as-fixed32", n -> n, 1, UnknownFieldSet.Field.newBuilder()
        .addFixed32(9).build()));
    v.add(new Variant("attribute-int-as-bytes", Expect.REFUSED, f -> write(f, withNode(0,
        n -> n.setAttribute(0, n.getAttribute(0).toBuilder().setUnknownFields(UnknownFieldSet
            .newBuilder().addField(3, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("one")).build()).build()))))));
    v.add(new Variant("tensor-dims-as-bytes", Expect.REFUSED, f -> write(f, withWeight(
        t -> t.setUnknownFields(UnknownFieldSet.newBuilder().addField(1, UnknownFieldSet.Field
            .newBuilder().addFixed64(3).build()).build())))));
    v.add(new Variant("tensor-raw-data-as-varint", Expect.REFUSED, f -> write(f, withWeight(
        t -> t.clearRawData().setUnknownFields(UnknownFieldSet.newBuilder().addField(9,
            UnknownFieldSet.Field.newBuilder().addVarint(216).build()).build())))));
    v.add(new Variant("tensor-data-type-as-bytes", Expect.REFUSED, f -> write(f, withWeight(
        t -> t.clearDataType().setUnknownFields(UnknownFieldSet.newBuilder().addField(2,
            UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("FLOAT"))
                .build()).build())))));
    v.add(new Variant("string-not-utf8", Expect.REFUSED_OR_CONVERTED, f -> write(f, withNode(1,
        n -> n.setUnknownFields(UnknownFieldSet.newBuilder().addField(3, UnknownFieldSet.Field
            .newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[] {(byte) 0xc3, 0x28}))
            .build()).build()).clearName()))));
    return v;
  }

  /** The intact model's bytes followed by {@code tail} (a later field wins or breaks the parse). */
  private static Variant suffixed(String name, Raw tail) {
    return new Variant(name, Expect.REFUSED, f -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(base().toByteArray());
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      tail.write(out);
      out.flush();
      Files.write(f.resolve(FILE), bytes.toByteArray());
    });
  }

  private static Variant prefixed(String name, Raw head) {
    return new Variant(name, Expect.REFUSED, f -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      head.write(out);
      out.flush();
      bytes.write(base().toByteArray());
      Files.write(f.resolve(FILE), bytes.toByteArray());
    });
  }

  @FunctionalInterface
  private interface Raw {
    void write(CodedOutputStream out) throws IOException;
  }

  /**
   * If inside If {@code depth} deep, every condition a Constant true, the innermost a Relu. Put
   * together from bytes: protobuf-java's own serializer recurses once per level and overflows.
   */
  private static byte[] nestedIf(int depth) throws IOException {
    GraphProto leaf = GraphProto.newBuilder().setName("leaf")
        .addNode(NodeProto.newBuilder().setOpType("Relu").addInput("input").addOutput("leaf_out"))
        .addOutput(OnnxGraph.valueInfo("leaf_out", OnnxGraph.FLOAT, 1, 2, 5, 5)).build();
    byte[] inner = leaf.toByteArray();
    String out = "leaf_out";
    for (int k = 1; k <= depth; k++) {
      out = "if_" + k + "_out";
      byte[] then = concat(Onnx.AttributeProto.newBuilder().setName("then_branch")
          .setType(Onnx.AttributeProto.AttributeType.GRAPH).build().toByteArray(), field(6, inner));
      byte[] node = concat(NodeProto.newBuilder().setOpType("If").addInput("cond").addOutput(out)
          .setName("/If_" + k).addAttribute(Attr.graph("else_branch", leaf)).build().toByteArray(),
          field(5, then));
      GraphProto.Builder g = GraphProto.newBuilder().setName("branch_" + k)
          .addOutput(OnnxGraph.valueInfo(out, OnnxGraph.FLOAT, 1, 2, 5, 5));
      if (k == depth) {
        TensorProto yes = TensorProto.newBuilder().setDataType(TensorProto.DataType.BOOL_VALUE)
            .setRawData(ByteString.copyFrom(new byte[] {1})).build();
        g.setName("nested").addInput(OnnxGraph.valueInfo("input", OnnxGraph.FLOAT, 1, 2, 5, 5));
        byte[] constant = NodeProto.newBuilder().setOpType("Constant").addOutput("cond")
            .setName("/Constant").addAttribute(Attr.tensor("value", yes)).build().toByteArray();
        inner = concat(field(1, constant), field(1, node), g.build().toByteArray());
      } else {
        inner = concat(field(1, node), g.build().toByteArray());
      }
    }
    return concat(base().toBuilder().clearGraph().build().toByteArray(), field(7, inner));
  }

  /** The intact model with {@code depth} nested protobuf groups (unknown field 99) in its first node. */
  private static byte[] nestedGroups(int depth) throws IOException {
    ByteArrayOutputStream groups = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(groups);
    for (int i = 0; i < depth; i++) {
      out.writeTag(99, WireFormat.WIRETYPE_START_GROUP);
    }
    for (int i = 0; i < depth; i++) {
      out.writeTag(99, WireFormat.WIRETYPE_END_GROUP);
    }
    out.flush();
    GraphProto graph = base().getGraph();
    byte[] node = concat(graph.getNode(0).toByteArray(), groups.toByteArray());
    byte[] rest = graph.toBuilder().removeNode(0).build().toByteArray();
    return concat(base().toBuilder().clearGraph().build().toByteArray(),
        field(7, concat(field(1, node), rest)));
  }

  /** One length-delimited field. */
  private static byte[] field(int number, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeByteArray(number, payload);
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      bytes.writeBytes(p);
    }
    return bytes.toByteArray();
  }
}
