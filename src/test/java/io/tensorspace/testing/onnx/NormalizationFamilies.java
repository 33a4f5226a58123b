package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.f;
import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** BatchNormalization (opsets 7, 9, 15), InstanceNormalization, LayerNormalization (axes, and the pre-opset-17 decomposition), LRN. */
final class NormalizationFamilies {
  private NormalizationFamilies() {}

  static List<OnnxMember> batchNorm() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(batchNorm("opset7-spatial", 7, 1e-5f, true));
    m.add(batchNorm("opset9", 9, 1e-5f, false));
    m.add(batchNorm("opset9-eps1e-3", 9, 1e-3f, false));
    m.add(batchNorm("opset14", 14, 1e-5f, false));
    m.add(batchNorm("opset15", 15, 1e-5f, false));
    m.add(OnnxMember.of("batch-norm", "conv-bn-relu", 13, "Conv -> BatchNormalization -> Relu (unfused)", g -> {
      String c = g.node("Conv", List.of(g.in(1, 3, 6, 6), g.weight("conv.weight", 0.5, 4, 3, 3, 3)),
          ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
      g.output(g.node("Relu", List.of(g.node("BatchNormalization", bnInputs(g, c, 4),
          f("epsilon", 1e-5f), f("momentum", 0.9f)))));
    }));
    return m;
  }

  static List<OnnxMember> instanceNorm() {
    List<OnnxMember> m = new ArrayList<>();
    for (float eps : new float[] {1e-5f, 1e-3f}) {
      m.add(OnnxMember.of("instance-norm", eps < 1e-4f ? "eps1e-5" : "eps1e-3", 11, "InstanceNormalization epsilon " + eps,
          g -> g.output(g.node("InstanceNormalization", List.of(ElementwiseFamilies.conv1x1(g,
              g.in(1, 3, 4, 5)), g.positive("in.weight", 0.5, 1.5, 3), g.weight("in.bias", 0.5, 3)),
              f("epsilon", eps)))));
    }
    m.add(OnnxMember.of("instance-norm", "opset6", 6, "InstanceNormalization-6 on the input",
        g -> g.output(g.node("InstanceNormalization", List.of(g.in(1, 2, 5, 5),
            g.positive("in.weight", 0.5, 1.5, 2), g.weight("in.bias", 0.5, 2))))));
    return m;
  }

  static List<OnnxMember> layerNorm() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(layerNorm("3d-last-axis", new long[] {1, 4, 6}, -1));
    m.add(layerNorm("4d-last-axis-w", new long[] {1, 3, 4, 5}, -1));
    m.add(layerNorm("4d-axis1-chw", new long[] {1, 3, 4, 5}, 1));
    m.add(layerNorm("4d-axis-2-hw", new long[] {1, 3, 4, 5}, -2));
    m.add(OnnxMember.of("layer-norm", "no-bias", 17, "LayerNormalization without B", g ->
        g.output(g.node("LayerNormalization", List.of(g.in(1, 4, 6),
            g.positive("ln.weight", 0.5, 1.5, 6)), i("axis", -1), f("epsilon", 1e-5f)))));
    m.add(OnnxMember.of("layer-norm", "decomposed-opset12", 12,
        "LayerNorm as PyTorch exported it before opset 17: ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add",
        g -> {
          String x = g.in(1, 4, 6);
          String mean = g.node("ReduceMean", List.of(x), ints("axes", -1));
          String d = g.node("Sub", List.of(x, mean));
          String var = g.node("ReduceMean", List.of(g.node("Pow", List.of(d, g.scalar("two", 2f)))),
              ints("axes", -1));
          String std = g.node("Sqrt", List.of(g.node("Add", List.of(var, g.scalar("eps", 1e-5f)))));
          String n = g.node("Div", List.of(d, std));
          String s = g.node("Mul", List.of(n, g.positive("ln.weight", 0.5, 1.5, 6)));
          g.output(g.node("Add", List.of(s, g.weight("ln.bias", 0.5, 6))));
        }));
    return m;
  }

  static List<OnnxMember> lrn() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(lrn("size3", 9, 3, 1e-4f, 0.75f, 1f));
    m.add(lrn("size5-alexnet", 11, 5, 1e-4f, 0.75f, 2f));
    m.add(lrn("size7-weak", 13, 7, 0.01f, 0.5f, 1f));
    m.add(lrn("size5-strong", 13, 5, 0.5f, 0.75f, 1f));
    return m;
  }

  private static OnnxMember lrn(String name, int opset, long size, float alpha, float beta,
      float bias) {
    return OnnxMember.of("lrn", name, opset, "LRN size " + size + " alpha " + alpha + " beta "
        + beta + " bias " + bias, g -> g.output(g.node("LRN", List.of(
            g.node("Mul", List.of(g.in(1, 6, 3, 3), g.scalar("scale", 3f)))), i("size", size),
            f("alpha", alpha), f("beta", beta), f("bias", bias))));
  }

  private static OnnxMember layerNorm(String name, long[] shape, long axis) {
    long[] normalized = Arrays.copyOfRange(shape, (int) (axis < 0 ? shape.length + axis : axis),
        shape.length);
    return OnnxMember.of("layer-norm", name, 17, "LayerNormalization axis " + axis + " on "
        + Arrays.toString(shape), g -> g.output(g.node("LayerNormalization", List.of(g.in(shape),
            g.positive("ln.weight", 0.5, 1.5, normalized), g.weight("ln.bias", 0.5, normalized)),
            i("axis", axis), f("epsilon", 1e-5f))));
  }

  private static OnnxMember batchNorm(String name, int opset, float eps, boolean legacy) {
    return OnnxMember.of("batch-norm", name, opset, "BatchNormalization epsilon " + eps
        + (legacy ? " with spatial=1 and the weights listed as graph inputs (IR 3)" : ""), g -> {
          String c = ElementwiseFamilies.conv1x1(g, g.in(1, 3, 4, 5));
          g.output(legacy
              ? g.node("BatchNormalization", bnInputs(g, c, 3), f("epsilon", eps), i("spatial", 1))
              : g.node("BatchNormalization", bnInputs(g, c, 3), f("epsilon", eps)));
          if (legacy) {
            g.initializersAsInputs();
          }
        });
  }

  private static List<String> bnInputs(OnnxGraph g, String x, long channels) {
    return List.of(x, g.positive("bn.weight", 0.5, 1.5, channels), g.weight("bn.bias", 0.5, channels),
        g.weight("bn.running_mean", 0.5, channels), g.positive("bn.running_var", 0.2, 2, channels));
  }
}
