package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/**
 * BatchNormalization in inference form, folded when written into a per-channel multiply and add
 * on the channels-last tensor: scale / sqrt(var + epsilon), and bias - mean * that factor.
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
}
