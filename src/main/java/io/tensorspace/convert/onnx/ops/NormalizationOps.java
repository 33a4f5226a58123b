package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.List;

/**
 * BatchNormalization in inference form, folded when written into a per-channel multiply and add
 * on the channels-last tensor: scale / sqrt(var + epsilon), and bias - mean * that factor.
 * LayerNormalization and InstanceNormalization are decomposed: mean and variance over the
 * normalised axes (mapped through the layout), (x - mean) / sqrt(var + epsilon), then the scale
 * and bias broadcast as ONNX broadcasts them.
 */
final class NormalizationOps {
  private NormalizationOps() {}

  static void batchNormalization(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (ctx.opset() < 7 && ctx.attrInt("spatial", 1) == 0) {
      throw ctx.unsupported("normalises per element (spatial=0)");
    }
    if (ctx.attrInt("training_mode", 0) == 1) {
      throw ctx.unsupported("runs in training mode (training_mode=1)");
    }
    OnnxTensor scale = Weights.constant(ctx, 1, "scale");
    OnnxTensor bias = Weights.constant(ctx, 2, "bias");
    OnnxTensor mean = Weights.constant(ctx, 3, "mean");
    OnnxTensor variance = Weights.constant(ctx, 4, "variance");
    long c = x.rank() >= 2 ? x.dim(1) : -1;
    for (OnnxTensor t : List.of(scale, bias, mean, variance)) {
      if (t.elementCount() != c) {
        throw ctx.refuse("its parameter '" + t.name() + "' has " + t.elementCount()
            + " values for " + c + " channels");
      }
    }
    float epsilon = ctx.attrFloat("epsilon", 1e-5f);
    Value in = ctx.channelsLast(x);
    String factor = ctx.weight("factor", new long[] {c}, Weights.data(() -> {
      float[] s = scale.floats();
      float[] v = variance.floats();
      for (int i = 0; i < s.length; i++) {
        s[i] = (float) (s[i] / Math.sqrt((double) v[i] + epsilon));
      }
      return s;
    }));
    String offset = ctx.weight("offset", new long[] {c}, Weights.data(() -> {
      float[] s = scale.floats();
      float[] v = variance.floats();
      float[] b = bias.floats();
      float[] m = mean.floats();
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (b[i] - m[i] * (s[i] / Math.sqrt((double) v[i] + epsilon)));
      }
      return b;
    }));
    String scaled = ctx.emit("scaled", "Mul", List.of(in.tf() == null ? ctx.tensor(in) : in.tf(),
        factor), Attrs.of());
    String t = ctx.emit(null, "AddV2", List.of(scaled, offset), Attrs.of());
    ctx.output(0, ActivationOps.same(ctx, in, t));
  }

  /** LayerNormalization: statistics over the axes from {@code axis} to the last. */
  static void layerNormalization(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.layout() == Layout.FLAT_CHANNELS_LAST) {
      x = ctx.onnxLayout(x);
    }
    int rank = x.rank();
    int axis = ctx.axis(ctx.attrInt("axis", -1), rank);
    int[] axes = new int[rank - axis];
    for (int k = axis; k < rank; k++) {
      axes[k - axis] = x.layout().tfAxis(k, rank);
    }
    Value normed = normalized(ctx, x, axes, ctx.attrFloat("epsilon", 1e-5f));
    Value y = affine(ctx, normed, ctx.input(1), ctx.has(2) ? ctx.input(2) : null);
    ctx.output(0, y);
  }

  /** InstanceNormalization: statistics per sample and channel over the spatial axes. */
  static void instanceNormalization(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.rank() < 3) {
      throw ctx.refuse("its input " + x + " has no spatial axes");
    }
    Value in = ctx.channelsLast(x);
    int rank = x.rank();
    int[] axes = new int[rank - 2];
    for (int k = 0; k < axes.length; k++) {
      axes[k] = k + 1;
    }
    long[] perChannel = new long[rank - 1];
    java.util.Arrays.fill(perChannel, 1);
    perChannel[0] = x.dim(1);
    Value normed = normalized(ctx, in, axes, ctx.attrFloat("epsilon", 1e-5f));
    ctx.output(0, affine(ctx, normed, ShapeOps.reshaped(ctx, ctx.input(1), perChannel, "scale"),
        ShapeOps.reshaped(ctx, ctx.input(2), perChannel, "bias")));
  }

  /** (x - mean) / sqrt(variance + epsilon) over TensorFlow axes {@code axes}, x's layout kept. */
  private static Value normalized(OpContext ctx, Value x, int[] axes, float epsilon) {
    String in = ctx.tensor(x);
    String axesConst = ctx.ints("axes", java.util.Arrays.stream(axes).asLongStream().toArray());
    String mean = ctx.emit("mean", "Mean", List.of(in, axesConst), keepDims());
    String centered = ctx.emit("centered", "Sub", List.of(in, mean), Attrs.of());
    String squared = ctx.emit("squared", "Square", List.of(centered), Attrs.of());
    String variance = ctx.emit("variance", "Mean", List.of(squared, axesConst), keepDims());
    String shifted = ctx.emit("variance_epsilon", "AddV2", List.of(variance,
        Weights.small(ctx, "epsilon", new long[0], epsilon)), Attrs.of());
    String inverse = ctx.emit("inverse_deviation", "Rsqrt", List.of(shifted), Attrs.of());
    String t = ctx.emit("normalized", "Mul", List.of(centered, inverse), Attrs.of());
    return ActivationOps.same(ctx, x, t);
  }

  private static Attrs keepDims() {
    return Attrs.of().b("keep_dims", true).type("Tidx", DataType.DT_INT32);
  }

  /** {@code normed * scale + bias} with ONNX broadcasting; the last node gives the result. */
  private static Value affine(OpContext ctx, Value normed, Value scale, Value bias)
      throws ConversionException {
    Broadcast.Operands scaled = Broadcast.prepare(ctx, List.of(normed, scale));
    String t = ctx.emit(bias == null ? null : "scaled", "Mul", scaled.tensors(), Attrs.of());
    Value y = Broadcast.result(ctx, scaled, t);
    if (bias == null) {
      return y;
    }
    Broadcast.Operands shifted = Broadcast.prepare(ctx, List.of(y, bias));
    return Broadcast.result(ctx, shifted, ctx.emit(null, "AddV2", shifted.tensors(), Attrs.of()));
  }
}
