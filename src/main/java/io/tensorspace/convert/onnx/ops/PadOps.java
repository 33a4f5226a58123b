package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.Arrays;
import java.util.List;

/**
 * Pad: pads from the {@code paddings} (opset 1) or {@code pads} attribute (2-10) or input 1 (11
 * on, with the value as input 2 and, from 18, the axes as input 3). Constant padding is a PadV2
 * over the layout's axes; reflect and edge are a GatherV2 per padded axis with the mirrored or
 * clamped positions (tfjs 1.7.4 has no MirrorPad and no op pads with the edge).
 */
final class PadOps {
  private PadOps() {}

  static void pad(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.layout() == Layout.FLAT_CHANNELS_LAST) {
      x = ctx.onnxLayout(x);
    }
    int rank = x.rank();
    long[] pads = pads(ctx, rank);
    String mode = ctx.attrString("mode", "constant");
    long[] shape = x.shape();
    for (int k = 0; k < rank; k++) {
      if (pads[k] < 0 || pads[k + rank] < 0) {
        throw ctx.unsupported("crops with the negative pads " + Arrays.toString(pads));
      }
      shape[k] += pads[k] + pads[k + rank];
    }
    switch (mode) {
      case "constant" -> constant(ctx, x, pads, shape);
      case "reflect", "edge" -> gathered(ctx, x, pads, shape, mode.equals("reflect"));
      default -> throw ctx.unsupported("pads in mode '" + mode + "' (constant, reflect and edge"
          + " are translated)");
    }
  }

  /** [begin_0..begin_r-1, end_0..end_r-1] over all ONNX axes. */
  private static long[] pads(OpContext ctx, int rank) throws ConversionException {
    long[] given;
    long[] axes = null;
    if (ctx.opset() < 11) {
      given = ctx.attrInts(ctx.opset() < 2 ? "paddings" : "pads", null);
      if (given == null) {
        given = ctx.attrInts("pads", ctx.attrInts("paddings", null));
      }
    } else {
      given = ConstantOps.longs(ctx, 1, "pads");
      axes = ctx.has(3) ? ConstantOps.longs(ctx, 3, "axes") : null;
    }
    int n = axes == null ? rank : axes.length;
    if (given == null || given.length != 2 * n) {
      throw ctx.refuse("its pads " + Arrays.toString(given) + " do not give a begin and an end"
          + " for each of " + n + " axes");
    }
    long[] pads = new long[2 * rank];
    for (int i = 0; i < n; i++) {
      int k = axes == null ? i : ctx.axis(axes[i], rank);
      pads[k] = given[i];
      pads[k + rank] = given[i + n];
    }
    return pads;
  }

  private static void constant(OpContext ctx, Value x, long[] pads, long[] shape)
      throws ConversionException {
    float value = ctx.opset() < 11 ? ctx.attrFloat("value", 0f)
        : ctx.has(2) ? (float) Folding.values(Weights.constant(ctx, 2, "value"))[0] : 0f;
    int rank = x.rank();
    long[] paddings = new long[2 * rank];
    for (int k = 0; k < rank; k++) {
      int t = x.layout().tfAxis(k, rank);
      paddings[2 * t] = pads[k];
      paddings[2 * t + 1] = pads[k + rank];
    }
    String t = ctx.emit(null, "PadV2", List.of(ctx.tensor(x), ctx.intTensor("paddings",
        new long[] {rank, 2}, paddings), Weights.small(ctx, "value", new long[0], value)),
        Attrs.of().type("Tpaddings", DataType.DT_INT32));
    ctx.output(0, Value.computed(t, shape, x.layout(), x.elemType()));
  }

  private static void gathered(OpContext ctx, Value x, long[] pads, long[] shape, boolean reflect)
      throws ConversionException {
    int rank = x.rank();
    String t = ctx.tensor(x);
    int last = -1;
    for (int k = 0; k < rank; k++) {
      if (pads[k] != 0 || pads[k + rank] != 0) {
        last = k;
      }
    }
    for (int k = 0; k <= last; k++) {
      long before = pads[k];
      long after = pads[k + rank];
      if (before == 0 && after == 0) {
        continue;
      }
      long d = x.dim(k);
      if (reflect && (before >= d || after >= d)) {
        throw ctx.refuse("it reflects " + Math.max(before, after) + " positions of axis " + k
            + ", which has only " + d);
      }
      long[] positions = new long[(int) (before + d + after)];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = source(i - before, d, reflect);
      }
      t = ctx.emit(k == last ? null : "axis_" + k, "GatherV2", List.of(t,
          ctx.ints("positions_" + k, positions), ctx.intTensor("axis_" + k + "_index",
          new long[0], new long[] {x.layout().tfAxis(k, rank)})), Attrs.of()
          .type("Tparams", DataType.DT_FLOAT).type("Tindices", DataType.DT_INT32)
          .type("Taxis", DataType.DT_INT32).i("batch_dims", 0));
    }
    ctx.output(0, Value.computed(t, shape, x.layout(), x.elemType()));
  }

  /** The input position an output position copies: mirrored without the edge, or clamped. */
  private static long source(long i, long d, boolean reflect) {
    if (!reflect) {
      return Math.max(0, Math.min(d - 1, i));
    }
    return i < 0 ? -i : i >= d ? 2 * (d - 1) - i : i;
  }
}
