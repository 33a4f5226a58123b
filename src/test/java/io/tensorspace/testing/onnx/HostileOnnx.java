package io.tensorspace.testing.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.tensorspace.testing.onnx.Onnx.GraphProto;
import io.tensorspace.testing.onnx.Onnx.ModelProto;
import io.tensorspace.testing.onnx.Onnx.NodeProto;
import io.tensorspace.testing.onnx.Onnx.StringStringEntryProto;
import io.tensorspace.testing.onnx.Onnx.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Malformed and hostile ONNX files, each an edit of one small valid model (Conv -> Relu on
 * [1,2,5,5], written with the test-scope ONNX classes) or of its bytes: tensors declaring
 * terabytes, data shorter than the dims, negative dims, If subgraphs nested a thousand deep,
 * protobuf groups nested 100 000 deep, external data escaping the folder (../, absolute, symbolic
 * links, to a real file of the right size outside), truncations, wrong wire types, broken graphs.
 * Controls (the intact model, in-folder external data) must convert, so that the refusals are not
 * a reader that refuses everything.
 */
public final class HostileOnnx {
  /** What a variant must end in. */
  public enum Expect { CONVERTED, REFUSED, REFUSED_OR_CONVERTED }

  /** Writes a variant's {@code model.onnx} (and any file beside or outside it) into a folder. */
  @FunctionalInterface
  public interface Writer {
    void write(Path folder) throws IOException;
  }

  /** One hostile file. */
  public record Variant(String name, Expect expect, Writer writer) {}

  public static final String FILE = "model.onnx";

  private HostileOnnx() {}

  /** The intact model: input [1,2,5,5] -> Conv 3x3 (3 channels, bias) -> Relu -> [1,3,3,3]. */
  public static ModelProto base() {
    OnnxGraph g = new OnnxGraph("hostile-base", OnnxGraph.Names.SCOPED);
    String c = g.node("Conv", List.of(g.in(1, 2, 5, 5), g.weight("conv.weight", 0.5, 3, 2, 3, 3),
        g.weight("conv.bias", 0.5, 3)), Attr.i("group", 1), Attr.ints("kernel_shape", 3, 3));
    g.outputShaped(g.node("Relu", List.of(c)), 1, 3, 3, 3);
    return g.model(13);
  }

  public static List<Variant> all() {
    List<Variant> v = new ArrayList<>();
    v.addAll(controls());
    v.addAll(tensorBombs());
    v.addAll(externalData());
    v.addAll(HostileOnnxBytes.nesting());
    v.addAll(HostileOnnxBytes.truncations());
    v.addAll(HostileOnnxBytes.wireTypes());
    v.addAll(brokenGraphs());
    return v;
  }

  static List<Variant> controls() {
    return List.of(
        new Variant("control-intact", Expect.CONVERTED, f -> write(f, base())),
        new Variant("control-external-data-in-folder", Expect.CONVERTED,
            f -> externalWeight(f, "weights.bin", f.resolve("weights.bin"))),
        new Variant("control-external-data-in-subfolder", Expect.CONVERTED,
            f -> externalWeight(f, "data/weights.bin", f.resolve("data").resolve("weights.bin"))),
        new Variant("control-external-data-offset", Expect.CONVERTED, f -> {
          byte[] raw = weight().getRawData().toByteArray();
          byte[] file = new byte[4096 + raw.length];
          System.arraycopy(raw, 0, file, 4096, raw.length);
          Files.write(f.resolve("weights.bin"), file);
          write(f, withWeight(t -> external(t, "weights.bin", 4096, raw.length)));
        }));
  }

  static List<Variant> tensorBombs() {
    List<Variant> v = new ArrayList<>();
    v.add(weight("weight-declares-4-petabytes", Expect.REFUSED,
        t -> t.clearDims().addAllDims(List.of(1L << 20, 1L << 20, 1L << 10, 1L))));
    v.add(weight("weight-dims-overflow-long", Expect.REFUSED,
        t -> t.clearDims().addAllDims(List.of(1L << 40, 1L << 40, 3L, 3L))));
    v.add(weight("weight-dims-overflow-to-small-product", Expect.REFUSED,
        t -> t.clearDims().addAllDims(List.of(1L << 62, 8L, 3L, 3L))));
    v.add(weight("weight-negative-dim", Expect.REFUSED,
        t -> t.clearDims().addAllDims(List.of(-3L, 2L, 3L, 3L))));
    v.add(weight("weight-min-long-dim", Expect.REFUSED,
        t -> t.clearDims().addAllDims(List.of(Long.MIN_VALUE, 1L, 1L, 1L))));
    v.add(weight("weight-two-negative-dims", Expect.REFUSED,
        t -> t.clearDims().addAllDims(List.of(-3L, -2L, 3L, 3L))));
    v.add(weight("raw-data-half-of-dims", Expect.REFUSED, t -> t.setRawData(
        t.getRawData().substring(0, t.getRawData().size() / 2))));
    v.add(weight("raw-data-empty", Expect.REFUSED, t -> t.setRawData(ByteString.EMPTY)));
    v.add(weight("raw-data-one-byte-short", Expect.REFUSED, t -> t.setRawData(
        t.getRawData().substring(0, t.getRawData().size() - 1))));
    v.add(weight("raw-data-longer-than-dims", Expect.REFUSED_OR_CONVERTED,
        t -> t.setRawData(t.getRawData().concat(ByteString.copyFrom(new byte[64])))));
    v.add(new Variant("bias-raw-data-longer-than-dims", Expect.REFUSED, f -> write(f, withGraph(
        g -> g.setInitializer(1, g.getInitializer(1).toBuilder().setRawData(g.getInitializer(1)
            .getRawData().concat(ByteString.copyFrom(new byte[264]))))))));
    v.add(weight("float-data-shorter-than-dims", Expect.REFUSED,
        t -> t.clearRawData().addAllFloatData(List.of(1f, 2f, 3f))));
    v.add(weight("no-data-at-all", Expect.REFUSED, TensorProto.Builder::clearRawData));
    v.add(weight("data-type-unknown-99", Expect.REFUSED, t -> t.setDataType(99)));
    v.add(weight("data-type-undefined", Expect.REFUSED, t -> t.setDataType(0)));
    v.add(weight("data-type-string", Expect.REFUSED,
        t -> t.setDataType(TensorProto.DataType.STRING_VALUE)));
    v.add(weight("data-type-negative", Expect.REFUSED, t -> t.setDataType(-7)));
    v.add(new Variant("constant-node-declares-terabytes", Expect.REFUSED, f -> {
      TensorProto huge = TensorProto.newBuilder().setDataType(OnnxGraph.FLOAT)
          .addDims(1L << 40).setRawData(ByteString.copyFrom(new byte[4])).build();
      write(f, withGraph(g -> g.addNode(0, NodeProto.newBuilder().setOpType("Constant")
          .addOutput("huge").setName("/Constant_huge")
          .addAttribute(Attr.tensor("value", huge)))));
    }));
    v.add(new Variant("input-dim-terabytes", Expect.REFUSED_OR_CONVERTED, f ->
        write(f, withGraph(g -> g.setInput(0, OnnxGraph.valueInfo("input", OnnxGraph.FLOAT,
            1, 2, 1L << 40, 1L << 40))))));
    v.add(new Variant("input-dim-negative", Expect.REFUSED_OR_CONVERTED, f ->
        write(f, withGraph(g -> g.setInput(0, OnnxGraph.valueInfo("input", OnnxGraph.FLOAT,
            1, 2, -5, 5))))));
    v.add(new Variant("kernel-shape-attribute-terabytes", Expect.REFUSED, f ->
        write(f, withNode(0, n -> n.setAttribute(1, Attr.ints("kernel_shape", 1L << 40, 1L << 40))))));
    v.add(new Variant("constant-of-shape-4-terabytes", Expect.REFUSED_OR_CONVERTED,
        f -> write(f, bombNode("ConstantOfShape", 1L << 20, 1L << 20, 1L << 10))));
    v.add(new Variant("expand-to-4-terabytes", Expect.REFUSED_OR_CONVERTED,
        f -> write(f, bombNode("Expand", 1L << 20, 1L << 20, 1L << 10))));
    v.add(new Variant("reshape-to-terabytes", Expect.REFUSED_OR_CONVERTED,
        f -> write(f, bombNode("Reshape", 1L << 20, 1L << 20, 1L << 10))));
    return v;
  }

  static List<Variant> externalData() {
    List<Variant> v = new ArrayList<>();
    v.add(escape("external-parent-dir-real-file", f -> "../" + f.getFileName() + "-outside/weights.bin"));
    v.add(escape("external-absolute-real-file", f -> outside(f).toAbsolutePath().toString()));
    v.add(escape("external-sub-dotdot-real-file", f -> "sub/../../" + f.getFileName()
        + "-outside/weights.bin"));
    v.add(escape("external-symlink-file-to-real-file", f -> {
      Files.createSymbolicLink(f.resolve("weights.bin"), outside(f).toAbsolutePath());
      return "weights.bin";
    }));
    v.add(escape("external-symlinked-folder-to-real-file", f -> {
      Files.createSymbolicLink(f.resolve("data"), outside(f).getParent().toAbsolutePath());
      return "data/weights.bin";
    }));
    String[][] locations = {
        {"parent-parent-etc-passwd", "../../etc/passwd"}, {"absolute-etc-passwd", "/etc/passwd"},
        {"proc-self-environ", "/proc/self/environ"}, {"file-url", "file:///etc/passwd"},
        {"backslash-parent", "..\\..\\etc\\passwd"}, {"empty", ""}, {"dot", "."},
        {"missing-file", "missing.bin"}, {"nul-inside", "weights.bin\0.txt"},
        {"home-tilde", "~/weights.bin"}};
    for (String[] l : locations) {
      v.add(new Variant("external-location-" + l[0], Expect.REFUSED,
          f -> write(f, withWeight(t -> external(t, l[1], 0, weight().getRawData().size())))));
    }
    v.add(new Variant("external-location-is-a-folder", Expect.REFUSED, f -> {
      Files.createDirectories(f.resolve("data"));
      write(f, withWeight(t -> external(t, "data", 0, weight().getRawData().size())));
    }));
    v.add(external("external-offset-past-end", "1000000", null));
    v.add(external("external-offset-negative", "-8", null));
    v.add(external("external-length-negative", "0", "-5"));
    v.add(external("external-length-terabyte", "0", Long.toString(1L << 40)));
    v.add(external("external-length-shorter-than-dims", "0", "16"));
    v.add(external("external-offset-not-a-number", "abc", null));
    v.add(external("external-offset-overflows-long", "99999999999999999999999", null));
    v.add(external("external-offset-plus-length-overflows", Long.toString(Long.MAX_VALUE - 4),
        "216"));
    v.add(new Variant("external-declares-terabyte-dims", Expect.REFUSED, f -> {
      Files.write(f.resolve("weights.bin"), weight().getRawData().toByteArray());
      write(f, withWeight(t -> external(t, "weights.bin", 0, 216).clearDims()
          .addAllDims(List.of(1L << 38, 1L, 1L, 1L))));
    }));
    v.add(new Variant("external-location-missing-key", Expect.REFUSED, f -> write(f, withWeight(
        t -> t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("offset", "0"))))));
    return v;
  }

  static List<Variant> brokenGraphs() {
    List<Variant> v = new ArrayList<>();
    v.add(new Variant("no-opset-import", Expect.REFUSED, f -> write(f,
        base().toBuilder().clearOpsetImport().setIrVersion(3).build())));
    v.add(new Variant("opset-1000", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        base().toBuilder().setOpsetImport(0, base().getOpsetImport(0).toBuilder().setVersion(1000))
            .build())));
    v.add(new Variant("opset-negative", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        base().toBuilder().setOpsetImport(0, base().getOpsetImport(0).toBuilder().setVersion(-1))
            .build())));
    v.add(new Variant("no-graph", Expect.REFUSED, f -> write(f, base().toBuilder().clearGraph()
        .build())));
    v.add(new Variant("graph-without-nodes", Expect.REFUSED, f -> write(f,
        withGraph(GraphProto.Builder::clearNode))));
    v.add(new Variant("graph-without-outputs", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withGraph(GraphProto.Builder::clearOutput))));
    v.add(new Variant("output-names-nothing", Expect.REFUSED, f -> write(f, withGraph(
        g -> g.setOutput(0, OnnxGraph.valueInfo("nowhere", OnnxGraph.FLOAT, 1, 3, 3, 3))))));
    v.add(new Variant("node-reads-undefined-value", Expect.REFUSED, f -> write(f,
        withNode(1, n -> n.setInput(0, "undefined")))));
    v.add(new Variant("node-reads-its-own-output", Expect.REFUSED, f -> write(f,
        withNode(1, n -> n.setInput(0, n.getOutput(0))))));
    v.add(new Variant("two-nodes-in-a-cycle", Expect.REFUSED, f -> write(f, withGraph(g -> {
      String relu = g.getNode(1).getOutput(0);
      g.setNode(0, g.getNode(0).toBuilder().setInput(0, relu));
    }))));
    v.add(new Variant("unknown-op", Expect.REFUSED, f -> write(f,
        withNode(1, n -> n.setOpType("FancyNewOp")))));
    v.add(new Variant("custom-domain-op", Expect.REFUSED, f -> write(f,
        withNode(1, n -> n.setDomain("com.example")))));
    v.add(new Variant("conv-group-zero", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.setAttribute(0, Attr.i("group", 0))))));
    v.add(new Variant("conv-group-not-dividing-channels", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.setAttribute(0, Attr.i("group", 7))))));
    v.add(new Variant("conv-group-negative", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.setAttribute(0, Attr.i("group", -2))))));
    v.add(new Variant("conv-strides-zero", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.addAttribute(Attr.ints("strides", 0, 0))))));
    v.add(new Variant("conv-kernel-shape-disagrees-with-weight", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.setAttribute(1, Attr.ints("kernel_shape", 5, 5))))));
    v.add(new Variant("conv-pads-negative", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withNode(0, n -> n.addAttribute(Attr.ints("pads", -9, -9, -9, -9))))));
    v.add(new Variant("conv-weight-rank-2", Expect.REFUSED, f -> write(f, withWeight(
        t -> t.clearDims().addAllDims(List.of(3L, 18L))))));
    v.add(new Variant("conv-bias-is-the-weight", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.setInput(2, n.getInput(1))))));
    v.add(new Variant("conv-bias-of-wrong-length", Expect.REFUSED, f -> write(f, withGraph(
        g -> g.setInitializer(1, g.getInitializer(1).toBuilder().setDims(0, 5).setRawData(
            ByteString.copyFrom(new byte[20])))))));
    v.add(new Variant("conv-missing-weight", Expect.REFUSED, f -> write(f,
        withNode(0, n -> n.clearInput().addInput("input")))));
    v.add(new Variant("duplicate-initializer-names", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withGraph(g -> g.addInitializer(g.getInitializer(0))))));
    v.add(new Variant("two-nodes-write-one-value", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withGraph(g -> g.addNode(g.getNode(1).toBuilder().setName("/Relu_again"))))));
    v.add(new Variant("names-with-path-separators", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withGraph(g -> {
          g.setNode(1, g.getNode(1).toBuilder().setName("../../evil").setOutput(0, "../../evil-out"));
          g.setOutput(0, OnnxGraph.valueInfo("../../evil-out", OnnxGraph.FLOAT, 1, 3, 3, 3));
        }))));
    v.add(new Variant("name-of-a-megabyte", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withNode(1, n -> n.setName("n".repeat(1 << 20))))));
    v.add(new Variant("relu-chain-of-5000", Expect.REFUSED_OR_CONVERTED, f -> write(f,
        withGraph(g -> {
          String last = g.getNode(1).getOutput(0);
          for (int i = 0; i < 5000; i++) {
            String next = "/Relu_" + (i + 2) + "_output_0";
            g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("/Relu_" + (i + 2))
                .addInput(last).addOutput(next));
            last = next;
          }
          g.setOutput(0, OnnxGraph.valueInfo(last, OnnxGraph.FLOAT, 1, 3, 3, 3));
        }))));
    return v;
  }

  // ---- building blocks

  static TensorProto weight() {
    return base().getGraph().getInitializer(0);
  }

  static ModelProto withGraph(java.util.function.Consumer<GraphProto.Builder> edit) {
    GraphProto.Builder g = base().getGraph().toBuilder();
    edit.accept(g);
    return base().toBuilder().setGraph(g).build();
  }

  static ModelProto withWeight(UnaryOperator<TensorProto.Builder> edit) {
    return withGraph(g -> g.setInitializer(0, edit.apply(g.getInitializer(0).toBuilder())));
  }

  static ModelProto withNode(int index, UnaryOperator<NodeProto.Builder> edit) {
    return withGraph(g -> g.setNode(index, edit.apply(g.getNode(index).toBuilder())));
  }

  private static Variant weight(String name, Expect expect, UnaryOperator<TensorProto.Builder> edit) {
    return new Variant(name, expect, f -> write(f, withWeight(edit)));
  }

  static Variant unknown(String name, UnaryOperator<NodeProto.Builder> base, int field,
      UnknownFieldSet.Field value) {
    return new Variant(name, Expect.REFUSED, f -> write(f, withNode(0, n -> base.apply(n)
        .setUnknownFields(UnknownFieldSet.newBuilder().addField(field, value).build()))));
  }

  @FunctionalInterface
  private interface Location {
    String in(Path folder) throws IOException;
  }

  /** The weight's bytes in a real file outside the folder, named by a location that reaches it. */
  private static Variant escape(String name, Location location) {
    return new Variant(name, Expect.REFUSED, f -> {
      Path outside = outside(f);
      Files.createDirectories(outside.getParent());
      Files.write(outside, weight().getRawData().toByteArray());
      String where = location.in(f);
      write(f, withWeight(t -> external(t, where, 0, weight().getRawData().size())));
    });
  }

  private static Path outside(Path folder) {
    return folder.resolveSibling(folder.getFileName() + "-outside").resolve("weights.bin");
  }

  private static Variant external(String name, String offset, String length) {
    return new Variant(name, Expect.REFUSED, f -> {
      Files.write(f.resolve("weights.bin"), weight().getRawData().toByteArray());
      write(f, withWeight(t -> {
        TensorProto.Builder e = t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", "weights.bin")).addExternalData(entry("offset", offset));
        return length == null ? e : e.addExternalData(entry("length", length));
      }));
    });
  }

  private static void externalWeight(Path folder, String location, Path file) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, weight().getRawData().toByteArray());
    write(folder, withWeight(t -> external(t, location, 0, weight().getRawData().size())));
  }

  private static TensorProto.Builder external(TensorProto.Builder t, String location, long offset,
      long length) {
    return t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location))
        .addExternalData(entry("offset", Long.toString(offset)))
        .addExternalData(entry("length", Long.toString(length)));
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** Relu of the Conv, then {@code op} producing a tensor of {@code dims} from a shape initializer. */
  private static ModelProto bombNode(String op, long... dims) {
    return withGraph(g -> {
      String relu = g.getNode(1).getOutput(0);
      TensorProto shape = TensorProto.newBuilder().setName("bomb_shape")
          .setDataType(OnnxGraph.INT64).addDims(dims.length).addAllInt64Data(
              Arrays.stream(dims).boxed().toList()).build();
      g.addInitializer(shape);
      NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName("/Bomb")
          .addOutput("bomb");
      if (op.equals("ConstantOfShape")) {
        node.addInput("bomb_shape");
      } else if (op.equals("Expand")) {
        node.addInput(relu).addInput("bomb_shape");
      } else {
        node.addInput(relu).addInput("bomb_shape");
      }
      g.addNode(node);
      g.addOutput(OnnxGraph.valueInfo("bomb", OnnxGraph.FLOAT));
    });
  }

  static void write(Path folder, ModelProto model) throws IOException {
    Files.write(folder.resolve(FILE), model.toByteArray());
  }
}
