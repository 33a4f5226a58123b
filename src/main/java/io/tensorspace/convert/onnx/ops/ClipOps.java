package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/**
 * Clip as a Maximum and a Minimum with constant bounds: tfjs 1.7.4 reads ClipByValue's bounds
 * from attributes, 4.x from inputs, so no one ClipByValue node runs in both. Bounds come from
 * attributes before opset 11, from constant inputs after.
 */
final class ClipOps {
  private ClipOps() {}

  static void clip(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    float lo;
    float hi;
    if (ctx.opset() < 11) {
      lo = ctx.attrFloat("min", -Float.MAX_VALUE);
      hi = ctx.attrFloat("max", Float.MAX_VALUE);
    } else {
      lo = bound(ctx, 1, -Float.MAX_VALUE);
      hi = bound(ctx, 2, Float.MAX_VALUE);
    }
    String t = ctx.tensor(x);
    boolean low = lo > -Float.MAX_VALUE;
    boolean high = hi < Float.MAX_VALUE;
    if (low) {
      t = ctx.emit(high ? "lower" : null, "Maximum", List.of(t,
          Weights.small(ctx, "min", new long[0], lo)), Attrs.of());
    }
    if (high) {
      t = ctx.emit(null, "Minimum", List.of(t, Weights.small(ctx, "max", new long[0], hi)),
          Attrs.of());
    }
    ctx.output(0, ActivationOps.same(ctx, x, t));
  }

  private static float bound(OpContext ctx, int i, float fallback) throws ConversionException {
    if (!ctx.has(i)) {
      return fallback;
    }
    Value v = ctx.input(i);
    if (!v.isConstant() || v.count() != 1) {
      throw ctx.unsupported("takes its bound (input " + i + ") from a tensor computed in the"
          + " graph; only constant bounds are translated");
    }
    return (float) Folding.values(v.constant())[0];
  }
}
