package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/** Element-wise activations: they keep their input's layout. */
final class ActivationOps {
  private ActivationOps() {}

  static void relu(OpContext ctx) throws ConversionException {
    unary(ctx, "Relu", Attrs.of());
  }

  static void sigmoid(OpContext ctx) throws ConversionException {
    unary(ctx, "Sigmoid", Attrs.of());
  }

  static void tanh(OpContext ctx) throws ConversionException {
    unary(ctx, "Tanh", Attrs.of());
  }

  static void exp(OpContext ctx) throws ConversionException {
    unary(ctx, "Exp", Attrs.of());
  }

  static void log(OpContext ctx) throws ConversionException {
    unary(ctx, "Log", Attrs.of());
  }

  static void sqrt(OpContext ctx) throws ConversionException {
    unary(ctx, "Sqrt", Attrs.of());
  }

  static void neg(OpContext ctx) throws ConversionException {
    unary(ctx, "Neg", Attrs.of());
  }

  static void abs(OpContext ctx) throws ConversionException {
    unary(ctx, "Abs", Attrs.of());
  }

  static void reciprocal(OpContext ctx) throws ConversionException {
    unary(ctx, "Reciprocal", Attrs.of());
  }

  static void softplus(OpContext ctx) throws ConversionException {
    unary(ctx, "Softplus", Attrs.of());
  }

  /**
   * Elu: TensorFlow's has alpha 1; another alpha is Relu(x) + alpha * Minimum(Elu(x), 0), the
   * negative part scaled.
   */
  static void elu(OpContext ctx) throws ConversionException {
    float alpha = ctx.attrFloat("alpha", 1f);
    if (alpha == 1f) {
      unary(ctx, "Elu", Attrs.of());
      return;
    }
    Value x = ctx.input(0);
    String in = ctx.tensor(x);
    String elu = ctx.emit("elu", "Elu", List.of(in), Attrs.of());
    String negative = ctx.emit("negative", "Minimum", List.of(elu,
        Weights.small(ctx, "zero", new long[0], 0f)), Attrs.of());
    String scaled = ctx.emit("scaled", "Mul", List.of(negative,
        Weights.small(ctx, "alpha", new long[0], alpha)), Attrs.of());
    String positive = ctx.emit("positive", "Relu", List.of(in), Attrs.of());
    String t = ctx.emit(null, "AddV2", List.of(positive, scaled), Attrs.of());
    ctx.output(0, same(ctx, x, t));
  }

  /**
   * HardSigmoid: max(0, min(1, alpha * x + beta)), clipped with Maximum and Minimum (tfjs 1.7.4
   * reads ClipByValue's bounds from attributes, 4.x from inputs).
   */
  static void hardSigmoid(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    String scaled = ctx.emit("scaled", "Mul", List.of(ctx.tensor(x),
        Weights.small(ctx, "alpha", new long[0], ctx.attrFloat("alpha", 0.2f))), Attrs.of());
    String shifted = ctx.emit("shifted", "AddV2", List.of(scaled,
        Weights.small(ctx, "beta", new long[0], ctx.attrFloat("beta", 0.5f))), Attrs.of());
    String low = ctx.emit("at_least_0", "Maximum", List.of(shifted,
        Weights.small(ctx, "zero", new long[0], 0f)), Attrs.of());
    String t = ctx.emit(null, "Minimum", List.of(low,
        Weights.small(ctx, "one", new long[0], 1f)), Attrs.of());
    ctx.output(0, same(ctx, x, t));
  }

  static void leakyRelu(OpContext ctx) throws ConversionException {
    unary(ctx, "LeakyRelu", Attrs.of().f("alpha", ctx.attrFloat("alpha", 0.01f)));
  }

  /**
   * PRelu: the slope broadcasts numpy-style from opset 7; before, a 1-D slope of the channel
   * count is per channel (PyTorch 0.3's multi-parameter PReLU).
   */
  static void prelu(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    Value slope = ctx.input(1);
    if (ctx.opset() < 7 && slope.rank() == 1 && x.rank() >= 3 && slope.dim(0) == x.dim(1)
        && slope.dim(0) != 1) {
      long[] dims = new long[x.rank() - 1];
      java.util.Arrays.fill(dims, 1);
      dims[0] = slope.dim(0);
      slope = ShapeOps.reshaped(ctx, slope, dims, "per_channel");
    }
    Broadcast.Operands ops = Broadcast.prepare(ctx, List.of(x, slope));
    if (!java.util.Arrays.equals(ops.shape(), x.shape())) {
      throw ctx.refuse("its slope " + slope + " does not broadcast to its input " + x);
    }
    String t = ctx.emit(null, "Prelu", ops.tensors(), Attrs.of());
    ctx.output(0, Broadcast.result(ctx, ops, t));
  }

  /** An op of one input and the same shape and layout. */
  static void unary(OpContext ctx, String op, Attrs attrs) throws ConversionException {
    Value x = ctx.input(0);
    String in = ctx.tensor(x);
    String t = ctx.emit(null, op, List.of(in), attrs);
    ctx.output(0, same(ctx, x, t));
  }

  /** A value like {@code x} (shape, layout) computed by {@code tf}. */
  static Value same(OpContext ctx, Value x, String tf) {
    return x.layout() == io.tensorspace.convert.onnx.Layout.FLAT_CHANNELS_LAST
        ? Value.flattened(tf, x.shape(), x.unflattened())
        : Value.computed(tf, x.shape(), x.layout(), x.elemType());
  }
}
