package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/**
 * LRN across channels, channels-last: TensorFlow's LRN sums the squares over
 * [c - depth_radius, c + depth_radius] of the last axis and scales them by alpha; ONNX sums over
 * a window of {@code size} and scales by alpha / size. An odd size is that window centred
 * (depth_radius = (size - 1) / 2); an even one is not centred and is refused.
 */
final class LrnOps {
  private LrnOps() {}

  static void lrn(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.rank() != 4) {
      throw ctx.unsupported("normalises a rank-" + x.rank() + " input (4-D images are"
          + " translated)");
    }
    long size = ctx.attrInt("size", 0);
    if (size < 1) {
      throw ctx.refuse("it has no positive size");
    }
    if (size % 2 == 0) {
      throw ctx.unsupported("has the even size " + size + ", whose window is not centred on the"
          + " channel (TensorFlow's LRN window is)");
    }
    float alpha = ctx.attrFloat("alpha", 1e-4f);
    String t = ctx.emit(null, "LRN", List.of(ctx.channelsLast(x).tf()), Attrs.of()
        .i("depth_radius", (size - 1) / 2).f("bias", ctx.attrFloat("bias", 1f))
        .f("alpha", alpha / size).f("beta", ctx.attrFloat("beta", 0.75f)));
    ctx.output(0, ctx.result(t, x.shape(), Layout.CHANNELS_LAST));
  }
}
