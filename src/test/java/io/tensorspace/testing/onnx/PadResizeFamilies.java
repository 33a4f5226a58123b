package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.f;
import static io.tensorspace.testing.onnx.Attr.floats;
import static io.tensorspace.testing.onnx.Attr.ints;
import static io.tensorspace.testing.onnx.Attr.s;

import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Pad (constant/reflect/edge; opset-2 attributes vs opset-11 inputs) and Resize/Upsample. */
final class PadResizeFamilies {
  private PadResizeFamilies() {}

  private static final long[] X = {1, 2, 4, 6};

  static List<OnnxMember> pad() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(padAttr("constant-attr-opset9", 9, "constant", new long[] {0, 0, 1, 2, 0, 0, 2, 1},
        f("value", 0.5f)));
    m.add(padAttr("reflect-attr-opset10", 10, "reflect", new long[] {0, 0, 1, 1, 0, 0, 1, 1}));
    m.add(padAttr("edge-attr-opset9", 9, "edge", new long[] {0, 0, 2, 0, 0, 0, 0, 1}));
    m.add(padAttr("constant-attr-opset7-legacy", 7, "constant",
        new long[] {0, 0, 1, 1, 0, 0, 1, 1}));
    m.add(padAttr("constant-channels-attr-opset9", 9, "constant",
        new long[] {0, 1, 0, 0, 0, 2, 0, 0}));
    m.add(padInput("constant-input-value-opset11", 11, "constant",
        new long[] {0, 0, 1, 2, 0, 0, 2, 1}, 0.25f));
    m.add(padInput("reflect-input-asymmetric-opset11", 11, "reflect",
        new long[] {0, 0, 0, 1, 0, 0, 2, 0}, null));
    m.add(padInput("edge-input-opset13", 13, "edge", new long[] {0, 0, 1, 3, 0, 0, 1, 0}, null));
    m.add(padInput("constant-input-zero-opset13", 13, "constant",
        new long[] {0, 0, 1, 1, 0, 0, 1, 1}, null));
    m.add(padInput("reflect-input-opset13-wide", 13, "reflect",
        new long[] {0, 0, 3, 2, 0, 0, 3, 5}, null));
    return m;
  }

  static List<OnnxMember> resize() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("resize", "upsample-nearest-attr-opset7", 7,
        "Upsample-7 nearest, scales attribute [1,1,2,2]", g -> g.output(g.node("Upsample",
            List.of(g.in(X)), s("mode", "nearest"), floats("scales", 1, 1, 2, 2)))));
    m.add(OnnxMember.of("resize", "upsample-nearest-input-opset9", 9,
        "Upsample-9 nearest, scales input [1,1,2,3]", g -> g.output(g.node("Upsample",
            List.of(g.in(X), g.floats("scales", new long[] {4}, 1, 1, 2, 3)),
            s("mode", "nearest")))));
    m.add(OnnxMember.of("resize", "upsample-linear-input-opset9", 9,
        "Upsample-9 linear (asymmetric coordinates), scales [1,1,2,2]", g -> g.output(g.node(
            "Upsample", List.of(g.in(X), g.floats("scales", new long[] {4}, 1, 1, 2, 2)),
            s("mode", "linear")))));
    m.add(resize10("nearest-opset10", "nearest"));
    m.add(resize10("linear-opset10", "linear"));
    m.add(resize11("nearest-asymmetric-floor-opset11", 11, new float[] {1, 1, 2, 2}, null,
        s("mode", "nearest"), s("coordinate_transformation_mode", "asymmetric"),
        s("nearest_mode", "floor")));
    m.add(resize11("linear-half-pixel-opset11", 11, new float[] {1, 1, 2, 2}, null,
        s("mode", "linear"), s("coordinate_transformation_mode", "half_pixel")));
    m.add(resize11("linear-align-corners-opset11", 11, new float[] {1, 1, 2, 2}, null,
        s("mode", "linear"), s("coordinate_transformation_mode", "align_corners")));
    m.add(resize11("linear-asymmetric-opset11", 11, new float[] {1, 1, 2, 2}, null,
        s("mode", "linear"), s("coordinate_transformation_mode", "asymmetric")));
    m.add(resize11("linear-pytorch-half-pixel-opset11", 11, new float[] {1, 1, 2, 2}, null,
        s("mode", "linear"), s("coordinate_transformation_mode", "pytorch_half_pixel")));
    m.add(resize11("nearest-sizes-opset11", 11, null, new long[] {1, 2, 8, 12},
        s("mode", "nearest"), s("coordinate_transformation_mode", "asymmetric"),
        s("nearest_mode", "floor")));
    m.add(resize13("nearest-sizes-opset13", new long[] {1, 2, 8, 12}, null,
        s("mode", "nearest"), s("coordinate_transformation_mode", "asymmetric"),
        s("nearest_mode", "floor")));
    m.add(resize13("linear-half-pixel-scale1.5-opset13", null, new float[] {1, 1, 1.5f, 1.5f},
        s("mode", "linear"), s("coordinate_transformation_mode", "half_pixel")));
    m.add(resize13("linear-align-corners-sizes-7x9-opset13", new long[] {1, 2, 7, 9}, null,
        s("mode", "linear"), s("coordinate_transformation_mode", "align_corners")));
    m.add(resize13("nearest-half-pixel-round-prefer-floor-opset13", null,
        new float[] {1, 1, 3, 2}, s("mode", "nearest"),
        s("coordinate_transformation_mode", "half_pixel"), s("nearest_mode", "round_prefer_floor")));
    m.add(resize13("linear-half-pixel-downscale-opset13", null, new float[] {1, 1, 0.5f, 0.5f},
        s("mode", "linear"), s("coordinate_transformation_mode", "half_pixel")));
    return m;
  }

  private static OnnxMember padAttr(String name, int opset, String mode, long[] pads,
      AttributeProto... value) {
    return OnnxMember.of("pad", name, opset, "Pad-2 " + mode + " pads attribute "
        + Arrays.toString(pads), g -> {
          List<AttributeProto> a = new ArrayList<>(List.of(s("mode", mode), ints("pads", pads)));
          a.addAll(List.of(value));
          g.output(g.node("Pad", List.of(ElementwiseFamilies.conv1x1(g, g.in(1, 3, 4, 6))),
              a.toArray(AttributeProto[]::new)));
          if (opset < 9) {
            g.initializersAsInputs();
          }
        });
  }

  private static OnnxMember padInput(String name, int opset, String mode, long[] pads,
      Float value) {
    return OnnxMember.of("pad", name, opset, "Pad " + mode + " pads input " + Arrays.toString(pads)
        + (value == null ? "" : " value " + value), g -> {
          String x = ElementwiseFamilies.conv1x1(g, g.in(1, 3, 4, 6));
          List<String> inputs = new ArrayList<>(List.of(x, g.ints("pads", pads)));
          if (value != null) {
            inputs.add(g.scalar("value", value));
          }
          g.output(g.node("Pad", inputs, s("mode", mode)));
        });
  }

  private static OnnxMember resize10(String name, String mode) {
    return OnnxMember.of("resize", name, 10, "Resize-10 " + mode + " scales [1,1,2,2]", g ->
        g.output(g.node("Resize", List.of(g.in(X), g.floats("scales", new long[] {4}, 1, 1, 2, 2)),
            s("mode", mode))));
  }

  /** Resize-11: roi and scales are required inputs (empty tensors when unused). */
  private static OnnxMember resize11(String name, int opset, float[] scales, long[] sizes,
      AttributeProto... attributes) {
    return OnnxMember.of("resize", name, opset, "Resize " + ConvFamilies.describe(attributes)
        + (scales != null ? " scales " + Arrays.toString(scales) : " sizes "
        + Arrays.toString(sizes)), g -> {
          List<String> inputs = new ArrayList<>(List.of(g.in(X),
              g.floats("roi", new long[] {0})));
          if (scales != null) {
            inputs.add(g.floats("scales", new long[] {4}, scales));
          } else {
            inputs.add(g.floats("scales", new long[] {0}));
            inputs.add(g.ints("sizes", sizes));
          }
          g.output(g.node("Resize", inputs, attributes));
        });
  }

  /** Resize-13: unused roi/scales are empty input names. */
  private static OnnxMember resize13(String name, long[] sizes, float[] scales,
      AttributeProto... attributes) {
    return OnnxMember.of("resize", name, 13, "Resize " + ConvFamilies.describe(attributes)
        + (scales != null ? " scales " + Arrays.toString(scales) : " sizes "
        + Arrays.toString(sizes)), g -> {
          String x = g.in(X);
          g.output(g.node("Resize", scales != null
              ? List.of(x, "", g.floats("scales", new long[] {4}, scales))
              : List.of(x, "", "", g.ints("sizes", sizes)), attributes));
        });
  }
}
