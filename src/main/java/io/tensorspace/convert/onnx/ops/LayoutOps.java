package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that reorder axes. A Transpose composes with its input's layout: when the composition is
 * the identity (NCHW->NHWC of a channels-last image, as detection heads do) it is a change of
 * layout and costs no op. DepthToSpace and SpaceToDepth run channels-last as a 6-D
 * Reshape-Transpose-Reshape (tfjs 1.7.4 has no SpaceToDepth; one way for both modes).
 */
final class LayoutOps {
  private LayoutOps() {}

  static void transpose(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    int rank = x.rank();
    int[] perm = perm(ctx, rank);
    long[] shape = Layout.permute(x.shape(), perm);
    if (Folding.foldable(x)) {
      ctx.output(0, Folding.picked(ctx, x.constant(), shape, Folding.transposed(x.shape(), perm)));
      return;
    }
    if (x.layout() == Layout.FLAT_CHANNELS_LAST) {
      x = ctx.onnxLayout(x);
    }
    int[] asOnnx = perm.clone();
    int[] asChannelsLast = null;
    if (x.layout() == Layout.CHANNELS_LAST) {
      int[] where = Layout.toChannelsFirst(rank); // ONNX axis a is TF axis where[a]
      int[] last = Layout.toChannelsLast(rank);
      asChannelsLast = new int[rank];
      for (int k = 0; k < rank; k++) {
        asOnnx[k] = where[perm[k]];
        asChannelsLast[k] = where[perm[last[k]]];
      }
    }
    if (asChannelsLast != null && (identity(asChannelsLast) || !identity(asOnnx) && rank == 4)) {
      emit(ctx, x, asChannelsLast, shape, Layout.CHANNELS_LAST);
    } else {
      emit(ctx, x, asOnnx, shape, Layout.ONNX);
    }
  }

  private static void emit(OpContext ctx, Value x, int[] tfPerm, long[] shape, Layout layout) {
    String t = identity(tfPerm) ? x.tf() : ctx.emit(null, "Transpose", List.of(ctx.tensor(x),
        ctx.ints("perm", Arrays.stream(tfPerm).asLongStream().toArray())), Attrs.of());
    ctx.output(0, Value.computed(t, shape, layout, x.elemType()));
  }

  private static int[] perm(OpContext ctx, int rank) throws ConversionException {
    long[] given = ctx.attrInts("perm", null);
    int[] perm = new int[rank];
    boolean[] seen = new boolean[rank];
    for (int k = 0; k < rank; k++) {
      perm[k] = given == null ? rank - 1 - k : ctx.axis(given[k], rank);
      if (seen[perm[k]] || given != null && given.length != rank) {
        throw ctx.refuse("its perm " + Arrays.toString(given) + " is not a permutation of "
            + rank + " axes");
      }
      seen[perm[k]] = true;
    }
    return perm;
  }

  private static boolean identity(int[] perm) {
    for (int k = 0; k < perm.length; k++) {
      if (perm[k] != k) {
        return false;
      }
    }
    return true;
  }

  static void depthToSpace(OpContext ctx) throws ConversionException {
    Value x = image(ctx);
    long b = blockSize(ctx);
    long c = x.dim(1);
    if (c % (b * b) != 0) {
      throw ctx.refuse("its " + c + " channels do not divide by blocksize^2 = " + b * b);
    }
    long n = x.dim(0);
    long h = x.dim(2);
    long w = x.dim(3);
    long co = c / (b * b);
    boolean crd = ctx.attrString("mode", "DCR").equals("CRD");
    long[] split = crd ? new long[] {n, h, w, co, b, b} : new long[] {n, h, w, b, b, co};
    long[] perm = crd ? new long[] {0, 1, 4, 2, 5, 3} : new long[] {0, 1, 3, 2, 4, 5};
    chain(ctx, x, split, perm, new long[] {n, c / (b * b), h * b, w * b});
  }

  static void spaceToDepth(OpContext ctx) throws ConversionException {
    Value x = image(ctx);
    long b = blockSize(ctx);
    long n = x.dim(0);
    long c = x.dim(1);
    long h = x.dim(2);
    long w = x.dim(3);
    if (h % b != 0 || w % b != 0) {
      throw ctx.refuse("its height " + h + " or width " + w + " does not divide by blocksize " + b);
    }
    chain(ctx, x, new long[] {n, h / b, b, w / b, b, c}, new long[] {0, 1, 3, 2, 4, 5},
        new long[] {n, c * b * b, h / b, w / b});
  }

  /** Reshape the NHWC tensor to 6-D, transpose, reshape to the NCHW {@code shape} as NHWC. */
  private static void chain(OpContext ctx, Value x, long[] split, long[] perm, long[] shape) {
    String r = ctx.emit("blocks", "Reshape", List.of(x.tf(), ctx.ints("blocks_shape", split)),
        Attrs.of());
    String t = ctx.emit("moved", "Transpose", List.of(r, ctx.ints("perm", perm)), Attrs.of());
    String out = ctx.emit(null, "Reshape", List.of(t, ctx.ints("shape",
        Layout.permute(shape, Layout.toChannelsLast(4)))), Attrs.of());
    ctx.output(0, ctx.result(out, shape, Layout.CHANNELS_LAST));
  }

  private static Value image(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.rank() != 4) {
      throw ctx.refuse("its input " + x + " is not 4-D (N, C, H, W)");
    }
    return ctx.channelsLast(x);
  }

  private static long blockSize(OpContext ctx) throws ConversionException {
    long b = ctx.attrInt("blocksize", 0);
    if (b < 1) {
      throw ctx.refuse("it has no positive blocksize");
    }
    return b;
  }
}
