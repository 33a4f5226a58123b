package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.f;
import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;

import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Elementwise ops on NCHW tensors: binary ops with every broadcast an exporter writes (a [C,1,1]
 * bias, a scalar, [1,C,1,1], a last-axis vector, an [H,W] plane, two activations), unary
 * activations, PRelu and Softmax/LogSoftmax across axes and opsets.
 */
final class ElementwiseFamilies {
  private ElementwiseFamilies() {}

  private static final long C = 3;
  private static final long H = 4;
  private static final long W = 5;

  static List<OnnxMember> binary() {
    List<OnnxMember> m = new ArrayList<>();
    int opset = 9;
    for (String op : List.of("Add", "Sub", "Mul", "Div")) {
      String lower = op.toLowerCase();
      boolean div = op.equals("Div");
      opset = opset >= 17 ? 9 : opset + 1;
      m.add(binary(lower + "-bias-c11", op, opset, g -> operand(g, div, C, 1, 1), false));
      m.add(binary(lower + "-scalar", op, opset, g -> operand(g, div), false));
      m.add(binary(lower + "-1c11", op, opset, g -> operand(g, div, 1, C, 1, 1), false));
      m.add(binary(lower + "-last-axis", op, opset, g -> operand(g, div, W), false));
      m.add(binary(lower + "-hw-plane", op, opset, g -> operand(g, div, H, W), false));
      m.add(binary(lower + "-constant-first", op, opset, g -> operand(g, div, C, 1, 1), true));
      m.add(OnnxMember.of("binary", lower + "-two-activations", opset,
          op + " of the input and a Sigmoid(Conv) of it (same shape)", g -> {
            String x = g.in(1, C, H, W);
            String y = g.node("Sigmoid", List.of(conv1x1(g, x)));
            g.output(g.node(op, List.of(x, y)));
          }));
    }
    m.add(OnnxMember.of("binary", "mul-squeeze-excitation", 13,
        "x * Sigmoid(GlobalAveragePool(x)): a [1,C,1,1] activation broadcast over H,W", g -> {
          String x = g.in(1, C, H, W);
          String gate = g.node("Sigmoid", List.of(g.node("GlobalAveragePool", List.of(x))));
          g.output(g.node("Mul", List.of(x, gate)));
        }));
    m.add(binary("pow-square", "Pow", 13, g -> g.scalar("two", 2f), false));
    m.add(binary("pow-sqrt", "Pow", 9, g -> g.scalar("half", 0.5f), false));
    m.add(binary("pow-c11", "Pow", 15, g -> g.positive("p", 0.5, 3, C, 1, 1), false));
    m.add(OnnxMember.of("binary", "pow-two-activations", 12,
        "Pow(input, Sigmoid(Conv(input)))", g -> {
          String x = g.in(1, C, H, W);
          g.output(g.node("Pow", List.of(x, g.node("Sigmoid", List.of(conv1x1(g, x))))));
        }));
    return m;
  }

  static List<OnnxMember> unary() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(unary("relu", 9, "Relu"));
    m.add(unary("leaky-relu-default", 11, "LeakyRelu"));
    m.add(unary("leaky-relu-0.1", 13, "LeakyRelu", f("alpha", 0.1f)));
    m.add(unary("sigmoid", 13, "Sigmoid"));
    m.add(unary("tanh", 10, "Tanh"));
    m.add(unary("exp", 13, "Exp"));
    m.add(unary("elu-default", 11, "Elu"));
    m.add(unary("elu-0.5", 13, "Elu", f("alpha", 0.5f)));
    m.add(unary("hard-sigmoid-default", 11, "HardSigmoid"));
    m.add(unary("hard-sigmoid-hardswish-style", 13, "HardSigmoid", f("alpha", 1f / 6),
        f("beta", 0.5f)));
    m.add(unary("clip6-relu6", 9, "Clip", f("min", 0f), f("max", 6f)));
    m.add(unary("clip6-opset7", 7, "Clip", f("min", -0.5f), f("max", 0.5f)));
    m.add(OnnxMember.of("unary", "sqrt", 13, "Sqrt of the (non-negative) input", g ->
        g.output(g.node("Sqrt", List.of(g.in(1, C, H, W))))));
    m.add(OnnxMember.of("unary", "clip11-inputs", 11, "Clip with min/max inputs", g -> {
      String c = conv1x1(g, g.in(1, C, H, W));
      g.output(g.node("Clip", List.of(c, g.scalar("min", -0.3f), g.scalar("max", 0.4f))));
    }));
    m.add(OnnxMember.of("unary", "clip13-max-only", 13, "Clip with an empty min input", g -> {
      String c = conv1x1(g, g.in(1, C, H, W));
      g.output(g.node("Clip", List.of(c, "", g.scalar("max", 0.2f))));
    }));
    m.add(OnnxMember.of("unary", "clip12-relu6-constant-nodes", 12,
        "Clip whose bounds come from Constant nodes (PyTorch's hardtanh/relu6 export)", g -> {
          String c = conv1x1(g, g.in(1, C, H, W));
          String lo = constantScalar(g, 0f);
          String hi = constantScalar(g, 0.25f);
          g.output(g.node("Clip", List.of(c, lo, hi)));
        }));
    return m;
  }

  static List<OnnxMember> prelu() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(prelu("scalar-slope", 9, 1));
    m.add(prelu("per-channel", 9, C, 1, 1));
    m.add(prelu("per-channel-opset16", 16, C, 1, 1));
    m.add(prelu("per-channel-opset7", 7, C, 1, 1));
    m.add(prelu("slope-1c11", 13, 1, C, 1, 1));
    return m;
  }

  static List<OnnxMember> softmax() {
    List<OnnxMember> m = new ArrayList<>();
    for (String op : List.of("Softmax", "LogSoftmax")) {
      String lower = op.toLowerCase();
      m.add(softmax(lower + "-2d-axis1-opset9", op, 9, new long[] {1, 10}, 1));
      m.add(softmax(lower + "-2d-axis-1-opset13", op, 13, new long[] {1, 10}, -1));
      m.add(softmax(lower + "-4d-axis1-opset11-coerced", op, 11, new long[] {1, C, H, W}, 1));
      m.add(softmax(lower + "-4d-axis1-opset13", op, 13, new long[] {1, C, H, W}, 1));
      m.add(softmax(lower + "-4d-axis-1-opset13", op, 13, new long[] {1, C, H, W}, -1));
      m.add(softmax(lower + "-4d-axis2-opset13", op, 13, new long[] {1, C, H, W}, 2));
      m.add(softmax(lower + "-4d-axis3-opset11", op, 11, new long[] {1, C, H, W}, 3));
      m.add(softmax(lower + "-3d-axis2-opset13", op, 13, new long[] {1, 4, 6}, 2));
    }
    m.add(OnnxMember.of("softmax", "softmax-default-axis-opset9", 9,
        "Softmax without axis (1, coerced to 2-D) after Gemm", g -> {
          String x = g.node("Gemm", List.of(g.in(1, 6), g.weight("fc.weight", 1, 4, 6),
              g.weight("fc.bias", 1, 4)), i("transB", 1));
          g.output(g.node("Softmax", List.of(x)));
        }));
    return m;
  }

  private static OnnxMember softmax(String name, String op, int opset, long[] shape, long axis) {
    return OnnxMember.of("softmax", name, opset, op + " axis " + axis + " on "
        + java.util.Arrays.toString(shape), g -> {
          // scaled, so that the distribution is not flat
          String x = g.node("Mul", List.of(g.in(shape), g.scalar("scale", 4f)));
          g.output(g.node(op, List.of(x), i("axis", axis)));
        });
  }

  private static OnnxMember binary(String name, String op, int opset,
      Function<OnnxGraph, String> constant, boolean constantFirst) {
    return OnnxMember.of("binary", name, opset, op + " with a constant operand"
        + (constantFirst ? " first" : ""), g -> {
          String x = g.in(1, C, H, W);
          String c = constant.apply(g);
          g.output(g.node(op, constantFirst ? List.of(c, op.equals("Div")
              ? g.node("Sigmoid", List.of(x)) : x) : List.of(x, c)));
        });
  }

  /** A constant operand; a divisor stays away from zero. */
  private static String operand(OnnxGraph g, boolean divisor, long... dims) {
    return divisor ? g.positive("c", 0.5, 1.5, dims) : g.weight("c", 1, dims);
  }

  private static OnnxMember unary(String name, int opset, String op, AttributeProto... attributes) {
    return OnnxMember.of("unary", name, opset, op + " " + ConvFamilies.describe(attributes)
        + " after a 1x1 Conv (signed values)", g ->
        g.output(g.node(op, List.of(conv1x1(g, g.in(1, C, H, W))), attributes)));
  }

  private static OnnxMember prelu(String name, int opset, long... slope) {
    return OnnxMember.of("prelu", name, opset, "PRelu slope " + java.util.Arrays.toString(slope),
        g -> g.output(g.node("PRelu", List.of(conv1x1(g, g.in(1, C, H, W)),
            g.weight("slope", 0.5, slope)))));
  }

  static String conv1x1(OnnxGraph g, String x) {
    return g.node("Conv", List.of(x, g.weight("conv.weight", 1, C, C, 1, 1),
        g.weight("conv.bias", 0.5, C)), ints("kernel_shape", 1, 1));
  }

  private static String constantScalar(OnnxGraph g, float value) {
    java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
    return g.node("Constant", List.of(), Attr.tensor("value", Onnx.TensorProto.newBuilder()
        .setDataType(OnnxGraph.FLOAT).setRawData(com.google.protobuf.ByteString.copyFrom(raw))
        .build()));
  }
}
