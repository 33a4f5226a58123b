package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.f;
import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;

import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;

/** Gemm (transA/transB, alpha/beta, bias shapes), MatMul, and Flatten/Reshape -> Gemm after a Conv. */
final class DenseFamilies {
  private DenseFamilies() {}

  static List<OnnxMember> gemm() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(gemm("linear-transB", 11, new long[] {1, 6}, new long[] {4, 6}, new long[] {4},
        i("transB", 1)));
    m.add(gemm("plain", 9, new long[] {1, 6}, new long[] {6, 4}, new long[] {4}));
    m.add(gemm("alpha-beta", 13, new long[] {1, 5}, new long[] {5, 3}, new long[] {3},
        f("alpha", 0.5f), f("beta", 2f)));
    m.add(gemm("bias-1xN", 11, new long[] {1, 6}, new long[] {4, 6}, new long[] {1, 4},
        i("transB", 1)));
    m.add(gemm("bias-scalar", 13, new long[] {1, 6}, new long[] {6, 4}, new long[] {1}));
    m.add(gemm("bias-0d", 13, new long[] {1, 6}, new long[] {6, 4}, new long[] {}));
    m.add(gemm("no-bias", 11, new long[] {1, 6}, new long[] {4, 6}, null, i("transB", 1)));
    m.add(gemm("transA", 11, new long[] {6, 1}, new long[] {6, 4}, new long[] {4},
        i("transA", 1)));
    m.add(gemm("transA-transB-alpha", 9, new long[] {5, 1}, new long[] {3, 5}, new long[] {3},
        i("transA", 1), i("transB", 1), f("alpha", 2f), f("beta", 0.25f)));
    m.add(OnnxMember.of("gemm", "mlp", 9, "Gemm -> Relu -> Gemm -> Sigmoid", g -> {
      String h = g.node("Gemm", List.of(g.in(1, 4), g.weight("fc1.weight", 0.7, 8, 4),
          g.weight("fc1.bias", 0.5, 8)), f("alpha", 1), f("beta", 1), i("transB", 1));
      String o = g.node("Gemm", List.of(g.node("Relu", List.of(h)),
          g.weight("fc2.weight", 0.7, 3, 8), g.weight("fc2.bias", 0.5, 3)), i("transB", 1));
      g.output(g.node("Sigmoid", List.of(o)));
    }));
    return m;
  }

  static List<OnnxMember> matMul() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("matmul", "2d", 13, "MatMul [1,6]x[6,4]", g ->
        g.output(g.node("MatMul", List.of(g.in(1, 6), g.weight("w", 0.5, 6, 4))))));
    m.add(OnnxMember.of("matmul", "2d-add-bias", 9, "MatMul then Add of a [N] bias (Linear as exported without Gemm)", g -> {
      String mm = g.node("MatMul", List.of(g.in(1, 6), g.weight("w", 0.5, 6, 4)));
      g.output(g.node("Add", List.of(g.weight("b", 0.5, 4), mm)));
    }));
    m.add(OnnxMember.of("matmul", "3d-sequence", 13, "MatMul [1,5,6]x[6,3] + bias", g -> {
      String mm = g.node("MatMul", List.of(g.in(1, 5, 6), g.weight("w", 0.5, 6, 3)));
      g.output(g.node("Add", List.of(mm, g.weight("b", 0.5, 3))));
    }));
    m.add(OnnxMember.of("matmul", "4d-last-axis", 11, "MatMul on an NCHW tensor: contracts W", g ->
        g.output(g.node("MatMul", List.of(g.in(1, 2, 3, 4), g.weight("w", 0.5, 4, 5))))));
    return m;
  }

  static List<OnnxMember> flattenGemm() {
    List<OnnxMember> m = new ArrayList<>();
    for (int opset : new int[] {9, 13}) {
      m.add(OnnxMember.of("flatten-gemm", "flatten-opset" + opset, opset,
          "Conv -> Flatten(axis 1) -> Gemm: the Gemm reads C*H*W in NCHW order", g -> {
            String f = g.node("Flatten", List.of(conv(g)), i("axis", 1));
            g.output(g.node("Gemm", List.of(f, g.weight("fc.weight", 0.3, 5, 36),
                g.weight("fc.bias", 0.3, 5)), i("transB", 1)));
          }));
    }
    m.add(OnnxMember.of("flatten-gemm", "reshape-minus1", 13,
        "Conv -> Reshape([1,-1]) -> Gemm", g -> {
          String r = g.node("Reshape", List.of(conv(g), g.ints("shape", 1, -1)));
          g.output(g.node("Gemm", List.of(r, g.weight("fc.weight", 0.3, 5, 36),
              g.weight("fc.bias", 0.3, 5)), i("transB", 1)));
        }));
    m.add(OnnxMember.of("flatten-gemm", "maxpool-flatten-matmul", 11,
        "Conv -> MaxPool -> Flatten -> MatMul -> Add", g -> {
          String p = g.node("MaxPool", List.of(conv(g)), ints("kernel_shape", 2, 2));
          String f = g.node("Flatten", List.of(p));
          String mm = g.node("MatMul", List.of(f, g.weight("fc.weight", 0.3, 16, 4)));
          g.output(g.node("Add", List.of(mm, g.weight("fc.bias", 0.3, 4))));
        }));
    return m;
  }

  /** Conv [1,2,4,4] -> [1,4,3,3]: 36 features whose NCHW order a Gemm after it depends on. */
  private static String conv(OnnxGraph g) {
    return g.node("Conv", List.of(g.in(1, 2, 4, 4), g.weight("conv.weight", 0.5, 4, 2, 2, 2),
        g.weight("conv.bias", 0.5, 4)), ints("kernel_shape", 2, 2));
  }

  private static OnnxMember gemm(String name, int opset, long[] a, long[] b, long[] c,
      AttributeProto... attributes) {
    return OnnxMember.of("gemm", name, opset, "Gemm A" + java.util.Arrays.toString(a) + " B"
        + java.util.Arrays.toString(b) + " C" + (c == null ? "-" : java.util.Arrays.toString(c))
        + " " + ConvFamilies.describe(attributes), g -> {
          List<String> inputs = new ArrayList<>(List.of(g.in(a), g.weight("fc.weight", 0.5, b)));
          if (c != null) {
            inputs.add(g.weight("fc.bias", 0.5, c));
          }
          g.output(g.node("Gemm", inputs, attributes));
        });
  }
}
