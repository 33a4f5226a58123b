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
 * Pooling, channels-last. ONNX pads (and {@code ceil_mode}'s partial last window) become an
 * explicit pad before a VALID pool: the lowest float for MaxPool; zeros for AveragePool, whose
 * result is then rescaled per position to the divisor ONNX uses ({@code count_include_pad}: the
 * window inside the padded input, else inside the input). 1-D pools run as 2-D of height 1.
 */
final class PoolOps {
  private PoolOps() {}

  static void maxPool(OpContext ctx) throws ConversionException {
    pool(ctx, "MaxPool");
  }

  static void averagePool(OpContext ctx) throws ConversionException {
    pool(ctx, "AvgPool");
  }

  static void globalAveragePool(OpContext ctx) throws ConversionException {
    global(ctx, "Mean");
  }

  static void globalMaxPool(OpContext ctx) throws ConversionException {
    global(ctx, "Max");
  }

  private static void pool(OpContext ctx, String op) throws ConversionException {
    Value x = ctx.input(0);
    int rank = x.rank();
    if (rank != 3 && rank != 4) {
      throw ctx.unsupported("pools " + (rank - 2) + "-D (input rank " + rank + ")");
    }
    long[] kernel = ctx.attrInts("kernel_shape", null);
    if (kernel == null) {
      throw ctx.refuse("it has no kernel_shape");
    }
    Window win = Window.of(ctx, Arrays.copyOfRange(x.shape(), 2, rank), kernel,
        ctx.attrInt("ceil_mode", 0) == 1);
    if (Arrays.stream(win.dilations()).anyMatch(d -> d != 1)) {
      throw ctx.unsupported("has dilations " + Arrays.toString(win.dilations()));
    }
    boolean oneD = rank == 3;
    long c = x.dim(1);
    String t = ctx.channelsLast(x).tf();
    if (oneD) {
      t = ctx.emit("as_2d", "Reshape", List.of(t, ctx.ints("as_2d_shape", x.dim(0), 1, x.dim(2),
          c)), Attrs.of());
    }
    boolean max = op.equals("MaxPool");
    if (win.padded()) {
      List<String> in = List.of(t, ctx.intTensor("paddings", new long[] {4, 2},
          win.nhwcPaddings()));
      t = max ? ctx.emit("pad", "PadV2", List.of(in.get(0), in.get(1),
          Weights.small(ctx, "pad_value", new long[0], -Float.MAX_VALUE)), Attrs.of())
          : ctx.emit("pad", "Pad", in, Attrs.of());
    }
    float[] scale = max ? null : divisors(ctx, win);
    boolean last = scale == null && !oneD;
    t = ctx.emit(last ? null : "pool", op, List.of(t), Attrs.of()
        .ints("ksize", Window.nhwc(kernel)).ints("strides", Window.nhwc(win.strides()))
        .s("padding", "VALID").s("data_format", "NHWC"));
    long[] out2 = oneD ? new long[] {1, win.out()[0]} : win.out();
    if (scale != null) {
      String s = Weights.small(ctx, "divisor_scale", new long[] {1, out2[0], out2[1], 1}, scale);
      t = ctx.emit(oneD ? "rescaled" : null, "Mul", List.of(t, s), Attrs.of());
    }
    long[] shape = new long[rank];
    shape[0] = x.dim(0);
    shape[1] = c;
    System.arraycopy(win.out(), 0, shape, 2, rank - 2);
    if (oneD) {
      t = ctx.emit(null, "Reshape", List.of(t, ctx.ints("as_1d_shape", x.dim(0), win.out()[0],
          c)), Attrs.of());
    }
    ctx.output(0, ctx.result(t, shape, Layout.CHANNELS_LAST));
  }

  /**
   * Per output position, kernel size / ONNX's divisor (a VALID pool over the zero-padded input
   * divides by the kernel size), or null when they agree everywhere.
   */
  private static float[] divisors(OpContext ctx, Window win) {
    boolean includePad = ctx.attrInt("count_include_pad", 0) == 1;
    int n = win.out().length;
    long[][] counts = new long[n][];
    long kernelSize = 1;
    for (int k = 0; k < n; k++) {
      kernelSize *= win.kernel()[k];
      counts[k] = new long[(int) win.out()[k]];
      // count_include_pad divides by the whole kernel, also where ceil_mode's last window
      // reaches past the explicit padding (as ONNX Runtime does)
      long lo = includePad ? Long.MIN_VALUE / 2 : 0;
      long hi = includePad ? Long.MAX_VALUE / 2 : win.in()[k];
      for (int o = 0; o < counts[k].length; o++) {
        long start = o * win.strides()[k] - win.begin()[k];
        long end = start + win.kernel()[k];
        counts[k][o] = Math.max(0, Math.min(end, hi) - Math.max(start, lo));
      }
    }
    long rows = n == 1 ? 1 : counts[0].length;
    long[] cols = counts[n - 1];
    float[] scale = new float[(int) (rows * cols.length)];
    boolean uniform = true;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols.length; c++) {
        long count = (n == 1 ? 1 : counts[0][r]) * cols[c];
        scale[r * cols.length + c] = count == 0 ? 0 : (float) kernelSize / count;
        uniform &= count == kernelSize;
      }
    }
    return uniform ? null : scale;
  }

  /** Global pooling: a reduction over the spatial axes, kept as size 1. */
  private static void global(OpContext ctx, String op) throws ConversionException {
    Value x = ctx.channelsLast(ctx.input(0));
    int rank = x.rank();
    if (rank < 3) {
      throw ctx.refuse("its input " + x + " has no spatial dimensions");
    }
    long[] axes = new long[rank - 2];
    for (int k = 0; k < axes.length; k++) {
      axes[k] = k + 1;
    }
    String t = ctx.emit(null, op, List.of(x.tf(), ctx.ints("axes", axes)), Attrs.of()
        .b("keep_dims", true).type("Tidx", DataType.DT_INT32));
    long[] shape = x.shape();
    for (int k = 2; k < rank; k++) {
      shape[k] = 1;
    }
    ctx.output(0, ctx.result(t, shape, Layout.CHANNELS_LAST));
  }
}
