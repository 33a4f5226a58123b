package io.tensorspace.convert.onnx;

import static io.tensorspace.testing.onnx.Attr.f;
import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;
import static io.tensorspace.testing.onnx.Attr.s;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.testing.onnx.Onnx.NodeProto;
import io.tensorspace.testing.onnx.OnnxGraph;
import io.tensorspace.testing.onnx.OnnxMember;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings of the layout, pad, resize, LRN, reduce and clip ops that are not translated: each
 * generated model (written with the test-scope ONNX classes) is refused with a
 * ConversionException naming the file, the node, its op and opset, what is not translated, and
 * the way out (earlier outputs with outputLayers); nothing is written.
 */
class OnnxOpRefusalsTest {
  private static final long[] X = {1, 2, 4, 6};

  @TempDir
  static Path tmp;

  /** A refused member and a word its refusal must say about the setting. */
  record Refusal(OnnxMember member, String says) {}

  static List<Refusal> refusals() {
    List<Refusal> r = new ArrayList<>();
    for (long size : new long[] {2, 4}) {
      r.add(new Refusal(OnnxMember.of("lrn", "even-size-" + size, 13, "LRN size " + size,
          g -> g.output(g.node("LRN", List.of(g.in(X)), i("size", size)))), "even size"));
    }
    r.add(new Refusal(OnnxMember.of("lrn", "rank-3", 13, "LRN on NCW", g ->
        g.output(g.node("LRN", List.of(g.in(1, 4, 6)), i("size", 3)))), "rank-3"));
    r.add(resize("cubic", 13, "mode 'cubic'", s("mode", "cubic")));
    r.add(resize("crop-and-resize", 11, "tf_crop_and_resize", s("mode", "linear"),
        s("coordinate_transformation_mode", "tf_crop_and_resize")));
    r.add(resize("half-pixel-symmetric", 19, "half_pixel_symmetric", s("mode", "linear"),
        s("coordinate_transformation_mode", "half_pixel_symmetric")));
    r.add(resize("antialias", 18, "antialias", s("mode", "linear"), i("antialias", 1)));
    r.add(resize("unknown-nearest-mode", 13, "nearest_mode 'nearest_even'",
        s("nearest_mode", "nearest_even")));
    r.add(pad("wrap", 19, new long[] {0, 0, 1, 1, 0, 0, 1, 1}, "mode 'wrap'", "wrap"));
    r.add(pad("negative", 13, new long[] {0, 0, -1, 0, 0, 0, 0, -2}, "negative pads", "constant"));
    r.add(pad("negative-reflect", 13, new long[] {0, 0, 0, -1, 0, 0, 1, 0}, "negative pads",
        "reflect"));
    r.add(new Refusal(OnnxMember.of("pad", "computed-pads", 13, "pads from a graph input", g ->
        g.output(g.node("Pad", List.of(g.in(X), g.input("pads", OnnxGraph.INT64, 8)),
            s("mode", "constant")))), "takes its pads from a tensor computed"));
    r.add(new Refusal(OnnxMember.of("clip", "computed-min", 13, "Clip min from a graph input",
        g -> g.output(g.node("Clip", List.of(g.in(X), g.input("low", OnnxGraph.FLOAT))))),
        "bound (input 1)"));
    r.add(new Refusal(OnnxMember.of("reduce", "computed-axes", 13, "ReduceSum axes computed",
        g -> g.output(g.node("ReduceSum", List.of(g.in(X), g.input("axes", OnnxGraph.INT64, 1))))),
        "takes its axes from a tensor computed"));
    r.add(new Refusal(OnnxMember.of("depth-to-space", "indivisible", 13, "blocksize 3, 2 channels",
        g -> g.output(g.node("DepthToSpace", List.of(g.in(X)), i("blocksize", 3)))),
        "blocksize^2"));
    r.add(new Refusal(OnnxMember.of("lrn", "bias-alpha", 13, "LRN size 6 with bias", g ->
        g.output(g.node("LRN", List.of(g.in(X)), i("size", 6), f("bias", 2f),
            f("alpha", 1e-3f)))), "even size 6"));
    return r;
  }

  private static Refusal resize(String name, int opset, String says,
      io.tensorspace.testing.onnx.Onnx.AttributeProto... attributes) {
    return new Refusal(OnnxMember.of("resize", name, opset, "Resize " + says, g ->
        g.output(g.node("Resize", List.of(g.in(X), "", g.floats("scales", new long[] {4},
            1, 1, 2, 2)), attributes))), says);
  }

  private static Refusal pad(String name, int opset, long[] pads, String says, String mode) {
    return new Refusal(OnnxMember.of("pad", name, opset, "Pad " + mode, g ->
        g.output(g.node("Pad", List.of(g.in(X), g.ints("pads", pads)), s("mode", mode)))), says);
  }

  @TestFactory
  Stream<DynamicTest> everyUntranslatedSettingIsRefusedNamingNodeOpOpsetAndTheWayOut() {
    return refusals().stream().map(r -> DynamicTest.dynamicTest(r.member().id(), () -> {
      Path dir = Files.createDirectories(tmp.resolve(r.member().id()));
      Path model = dir.resolve(OnnxMember.FILE);
      try (OutputStream out = Files.newOutputStream(model)) {
        r.member().model().writeTo(out);
      }
      Path output = dir.resolve("out");
      ConversionException e = assertThrows(ConversionException.class, () -> new OnnxConverter(
          Map.of()).convert(new ConversionRequest(model, null, output, List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE), CopiedRegions.NONE));
      NodeProto node = r.member().model().getGraph().getNode(
          r.member().model().getGraph().getNodeCount() - 1);
      String label = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
      String message = e.getMessage();
      System.out.println("[onnx-refusals] " + r.member().id() + ": " + message);
      assertTrue(message.contains(model.toString()), message);
      assertTrue(message.contains("node '" + label + "' (" + node.getOpType() + ", opset "
          + r.member().model().getOpsetImport(0).getVersion() + ")"), message);
      assertTrue(message.contains(r.says()), "should say '" + r.says() + "': " + message);
      assertTrue(message.contains("<outputLayers>") || message.contains("export it again"),
          message);
      assertFalse(Files.exists(output.resolve("model.json")), "wrote nothing");
    }));
  }
}
