package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;
import static io.tensorspace.testing.onnx.Attr.s;

import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;

/** MaxPool/AveragePool (ceil_mode, count_include_pad, pads, dilations) and global pooling. */
final class PoolFamilies {
  private PoolFamilies() {}

  static List<OnnxMember> maxPool() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(pool("max-pool", "MaxPool", "k2-stride2", 9, 8, ints("kernel_shape", 2, 2),
        ints("strides", 2, 2)));
    m.add(pool("max-pool", "MaxPool", "k3-stride2-pad1", 11, 8, ints("kernel_shape", 3, 3),
        ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)));
    m.add(pool("max-pool", "MaxPool", "k3-stride1-pad1", 13, 6, ints("kernel_shape", 3, 3),
        ints("pads", 1, 1, 1, 1)));
    m.add(pool("max-pool", "MaxPool", "k3-stride2-ceil", 10, 8, ints("kernel_shape", 3, 3),
        ints("strides", 2, 2), i("ceil_mode", 1)));
    m.add(pool("max-pool", "MaxPool", "k2-stride2-ceil-odd", 12, 7, ints("kernel_shape", 2, 2),
        ints("strides", 2, 2), i("ceil_mode", 1)));
    m.add(pool("max-pool", "MaxPool", "pads-asymmetric", 11, 7, ints("kernel_shape", 2, 2),
        ints("strides", 2, 2), ints("pads", 0, 0, 1, 1)));
    m.add(pool("max-pool", "MaxPool", "dilation2", 10, 9, ints("kernel_shape", 2, 2),
        ints("dilations", 2, 2)));
    m.add(pool("max-pool", "MaxPool", "dilation2-stride2-pad1", 12, 9, ints("kernel_shape", 3, 3),
        ints("dilations", 2, 2), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1)));
    m.add(pool("max-pool", "MaxPool", "same-upper", 11, 7, ints("kernel_shape", 3, 3),
        ints("strides", 2, 2), s("auto_pad", "SAME_UPPER")));
    m.add(pool("max-pool", "MaxPool", "k2x3-stride12", 8, 7, ints("kernel_shape", 2, 3),
        ints("strides", 1, 2)));
    return m;
  }

  static List<OnnxMember> averagePool() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(pool("average-pool", "AveragePool", "k2-stride2", 9, 8, ints("kernel_shape", 2, 2),
        ints("strides", 2, 2)));
    m.add(pool("average-pool", "AveragePool", "k3-pad1-exclude-pad", 11, 6,
        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)));
    m.add(pool("average-pool", "AveragePool", "k3-pad1-include-pad", 11, 6,
        ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), i("count_include_pad", 1)));
    m.add(pool("average-pool", "AveragePool", "k3-stride2-ceil", 10, 8,
        ints("kernel_shape", 3, 3), ints("strides", 2, 2), i("ceil_mode", 1)));
    m.add(pool("average-pool", "AveragePool", "k3-stride2-pad1-ceil-include-pad", 13, 8,
        ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
        i("ceil_mode", 1), i("count_include_pad", 1)));
    m.add(pool("average-pool", "AveragePool", "pads-asymmetric", 12, 7, ints("kernel_shape", 2, 2),
        ints("strides", 2, 2), ints("pads", 1, 0, 0, 1)));
    m.add(pool("average-pool", "AveragePool", "same-upper", 11, 7, ints("kernel_shape", 3, 3),
        ints("strides", 2, 2), s("auto_pad", "SAME_UPPER")));
    m.add(pool("average-pool", "AveragePool", "opset7-k3-stride2", 7, 7,
        ints("kernel_shape", 3, 3), ints("strides", 2, 2)));
    return m;
  }

  static List<OnnxMember> globalPool() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("global-pool", "average", 11, "GlobalAveragePool", g ->
        g.output(g.node("GlobalAveragePool", List.of(g.in(1, 4, 5, 5))))));
    m.add(OnnxMember.of("global-pool", "max", 13, "GlobalMaxPool", g ->
        g.output(g.node("GlobalMaxPool", List.of(g.in(1, 3, 6, 4))))));
    m.add(OnnxMember.of("global-pool", "conv-average-flatten-gemm", 9,
        "Conv -> Relu -> GlobalAveragePool -> Flatten -> Gemm (a classifier head)", g -> {
          String c = g.node("Conv", List.of(g.in(1, 3, 6, 6), g.weight("conv.weight", 0.5, 8, 3, 3, 3),
              g.weight("conv.bias", 0.5, 8)), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
          String p = g.node("GlobalAveragePool", List.of(g.node("Relu", List.of(c))));
          String f = g.node("Flatten", List.of(p), i("axis", 1));
          g.output(g.node("Gemm", List.of(f, g.weight("fc.weight", 0.5, 5, 8),
              g.weight("fc.bias", 0.5, 5)), Attr.f("alpha", 1), Attr.f("beta", 1), i("transB", 1)));
        }));
    return m;
  }

  private static OnnxMember pool(String family, String op, String name, int opset, long size,
      AttributeProto... attributes) {
    return OnnxMember.of(family, name, opset, op + " " + ConvFamilies.describe(attributes), g -> {
      // a convolution first, so that the pooled values are signed
      String c = g.node("Conv", List.of(g.in(1, 2, size, size), g.weight("conv.weight", 0.5, 3, 2, 1, 1),
          g.weight("conv.bias", 0.5, 3)), ints("kernel_shape", 1, 1));
      g.output(g.node(op, List.of(c), attributes));
    });
  }
}
