package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/**
 * Softmax and LogSoftmax. From opset 13 they normalise along one axis (default the last);
 * before, the input is seen as 2-D [prod(dims before axis), prod(dims from axis)] (default axis
 * 1). TensorFlow normalises along the last axis, so the axis is moved there when it is not.
 */
final class SoftmaxOps {
  private SoftmaxOps() {}

  static void softmax(OpContext ctx) throws ConversionException {
    translate(ctx, "Softmax");
  }

  static void logSoftmax(OpContext ctx) throws ConversionException {
    translate(ctx, "LogSoftmax");
  }

  private static void translate(OpContext ctx, String op) throws ConversionException {
    Value x = ctx.input(0);
    int rank = x.rank();
    boolean coerced = ctx.opset() < 13;
    int axis = ctx.axis(ctx.attrInt("axis", coerced ? 1 : -1), rank);
    if (x.layout() == Layout.FLAT_CHANNELS_LAST) {
      // over the whole flattened row, whose order does not matter
      String t = ctx.emit(null, op, List.of(x.tf()), Attrs.of());
      ctx.output(0, ActivationOps.same(ctx, x, t));
      return;
    }
    boolean lastOnly = !coerced || axis == rank - 1 || trailingOnes(x, axis);
    if (lastOnly) {
      int tfAxis = x.layout().tfAxis(axis, rank);
      if (tfAxis == rank - 1 || rank < 2) {
        String t = ctx.emit(null, op, List.of(ctx.tensor(x)), Attrs.of());
        ctx.output(0, ActivationOps.same(ctx, x, t));
        return;
      }
      if (!coerced || trailingOnes(x, axis)) {
        moved(ctx, op, ctx.onnxLayout(x), axis);
        return;
      }
    }
    Value plain = ctx.onnxLayout(x);
    long outer = 1;
    for (int k = 0; k < axis; k++) {
      outer *= x.dim(k);
    }
    String r = ctx.emit("as_2d", "Reshape", List.of(ctx.tensor(plain),
        ctx.ints("as_2d_shape", outer, x.count() / Math.max(outer, 1))), Attrs.of());
    String s = ctx.emit("normalized", op, List.of(r), Attrs.of());
    String t = ctx.emit(null, "Reshape", List.of(s, ctx.ints("shape", x.shape())), Attrs.of());
    ctx.output(0, ctx.result(t, x.shape(), Layout.ONNX));
  }

  /** Whether the dims after {@code axis} are all 1, so the 2-D view normalises along it alone. */
  private static boolean trailingOnes(Value x, int axis) {
    for (int k = axis + 1; k < x.rank(); k++) {
      if (x.dim(k) != 1) {
        return false;
      }
    }
    return true;
  }

  /** Softmax along a middle axis of an ONNX-layout value: swap it last, normalise, swap back. */
  private static void moved(OpContext ctx, String op, Value x, int axis) {
    int rank = x.rank();
    long[] perm = new long[rank];
    for (int k = 0; k < rank; k++) {
      perm[k] = k;
    }
    perm[axis] = rank - 1;
    perm[rank - 1] = axis;
    String a = ctx.emit("axis_last", "Transpose", List.of(x.tf(), ctx.ints("perm", perm)),
        Attrs.of());
    String s = ctx.emit("normalized", op, List.of(a), Attrs.of());
    String t = ctx.emit(null, "Transpose", List.of(s, ctx.ints("perm_back", perm)), Attrs.of());
    ctx.output(0, ctx.result(t, x.shape(), Layout.ONNX));
  }
}
