package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.ElemType;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxAttribute;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.Arrays;
import java.util.List;

/**
 * Shape arithmetic, folded for the fixed input shape: Shape, ConstantOfShape, Unsqueeze,
 * Squeeze, Slice and Expand compute constants when their inputs are constants (the Shape ->
 * Gather -> Concat -> Reshape chains of PyTorch exports; Cast and Gather fold in
 * {@link CastOps} and {@link GatherOps}). On computed tensors Unsqueeze, Squeeze and Slice become
 * TensorFlow ops in the ONNX layout.
 */
final class ConstantOps {
  private ConstantOps() {}

  static void shape(OpContext ctx) throws ConversionException {
    long[] shape = ctx.input(0).shape();
    int rank = shape.length;
    int start = (int) clampAxis(ctx.attrInt("start", 0), rank);
    int end = (int) clampAxis(ctx.attrInt("end", rank), rank);
    long[] part = Arrays.copyOfRange(shape, start, Math.max(start, end));
    ctx.output(0, Value.constant(Folding.ints(name(ctx), new long[] {part.length}, part)));
  }

  static void constantOfShape(OpContext ctx) throws ConversionException {
    long[] dims = longs(ctx, 0, "shape");
    OnnxAttribute value = ctx.attr("value");
    OnnxTensor v = value != null && value.t() != null ? value.t() : null;
    int type = v == null ? ElemType.FLOAT : v.dataType();
    byte[] element;
    try {
      element = v == null ? new byte[4] : v.bytes().array();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (element.length != ElemType.size(type)) {
      throw ctx.refuse("its value is not one element");
    }
    ctx.output(0, Value.constant(OnnxTensor.filled(name(ctx), dims, type, element)));
  }

  static void unsqueeze(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    long[] axes = ctx.opset() < 13 ? ctx.attrInts("axes", new long[0]) : longs(ctx, 1, "axes");
    int rank = x.rank() + axes.length;
    boolean[] added = new boolean[rank];
    for (long a : axes) {
      added[ctx.axis(a, rank)] = true;
    }
    long[] shape = new long[rank];
    for (int d = 0, k = 0; d < rank; d++) {
      shape[d] = added[d] ? 1 : x.dim(k++);
    }
    ctx.output(0, reshaped(ctx, x, shape));
  }

  static void squeeze(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    long[] axes = ctx.opset() < 13 ? ctx.attrInts("axes", null)
        : ctx.has(1) ? longs(ctx, 1, "axes") : null;
    boolean[] removed = new boolean[x.rank()];
    for (int d = 0; d < x.rank(); d++) {
      removed[d] = axes == null && x.dim(d) == 1;
    }
    if (axes != null) {
      for (long a : axes) {
        removed[ctx.axis(a, x.rank())] = true;
      }
    }
    long[] shape = new long[x.rank()];
    int k = 0;
    for (int d = 0; d < x.rank(); d++) {
      if (!removed[d]) {
        shape[k++] = x.dim(d);
      } else if (x.dim(d) != 1) {
        throw ctx.refuse("it squeezes axis " + d + " of size " + x.dim(d));
      }
    }
    ctx.output(0, reshaped(ctx, x, Arrays.copyOf(shape, k)));
  }

  /** A same-count reshape: folded for constants, else a Reshape in the ONNX layout. */
  private static Value reshaped(OpContext ctx, Value x, long[] shape)
      throws ConversionException {
    if (x.isConstant()) {
      return Value.constant(x.constant().reshaped(shape).renamed(name(ctx)));
    }
    Value plain = ctx.onnxLayout(x);
    String t = ctx.emit(null, "Reshape", List.of(plain.tf(), ctx.ints("shape", shape)),
        Attrs.of());
    return Value.computed(t, shape, Layout.ONNX, x.elemType());
  }

  /** Slice (opset 10 on: starts, ends, axes, steps as inputs; before: attributes). */
  static void slice(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    int rank = x.rank();
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps;
    if (ctx.opset() < 10) {
      starts = ctx.attrInts("starts", new long[0]);
      ends = ctx.attrInts("ends", new long[0]);
      axes = ctx.attrInts("axes", null);
      steps = null;
    } else {
      starts = longs(ctx, 1, "starts");
      ends = longs(ctx, 2, "ends");
      axes = ctx.has(3) ? longs(ctx, 3, "axes") : null;
      steps = ctx.has(4) ? longs(ctx, 4, "steps") : null;
    }
    long[] begin = new long[rank];
    long[] size = x.shape();
    long[] stride = new long[rank];
    Arrays.fill(stride, 1);
    for (int i = 0; i < starts.length; i++) {
      int a = ctx.axis(axes == null ? i : axes[i], rank);
      long dim = x.dim(a);
      long step = steps == null ? 1 : steps[i];
      if (step == 0) {
        throw ctx.refuse("its step along axis " + a + " is 0");
      }
      long s = bound(starts[i], dim, step);
      long e = bound(ends[i], dim, step);
      begin[a] = s;
      stride[a] = step;
      size[a] = Math.max(0, (e - s + step + (step > 0 ? -1 : 1)) / step);
    }
    if (x.isConstant() && x.count() <= 1 << 20) {
      ctx.output(0, Value.constant(sliced(ctx, x, begin, stride, size)));
      return;
    }
    if (ElemType.count(size) == 0) {
      throw ctx.unsupported("slices " + x + " to the empty shape " + Arrays.toString(size));
    }
    // the axes of the value's layout; a backward slice down to the first element masks its end
    Value v = x.layout() == Layout.FLAT_CHANNELS_LAST ? ctx.onnxLayout(x) : x;
    long[] b = new long[rank];
    long[] e = new long[rank];
    long[] st = new long[rank];
    long endMask = 0;
    for (int d = 0; d < rank; d++) {
      int t = v.layout().tfAxis(d, rank);
      b[t] = begin[d];
      st[t] = stride[d];
      e[t] = begin[d] + (size[d] - 1) * stride[d] + (stride[d] > 0 ? 1 : -1);
      if (e[t] < 0) {
        endMask |= 1L << t;
      }
    }
    String t = ctx.emit(null, "StridedSlice", List.of(ctx.tensor(v), ctx.ints("begin", b),
        ctx.ints("end", e), ctx.ints("strides", st)), Attrs.of().i("begin_mask", 0)
        .i("end_mask", endMask).i("ellipsis_mask", 0).i("new_axis_mask", 0)
        .i("shrink_axis_mask", 0).type("Index", DataType.DT_INT32));
    ctx.output(0, Value.computed(t, size, v.layout(), x.elemType()));
  }

  /** ONNX's start/end clamping: to [0, dim] for a forward step, [-1, dim - 1] for a backward. */
  private static long bound(long i, long dim, long step) {
    long v = i < 0 ? i + dim : i;
    return step > 0 ? Math.max(0, Math.min(dim, v)) : Math.max(-1, Math.min(dim - 1, v));
  }

  private static OnnxTensor sliced(OpContext ctx, Value x, long[] begin, long[] stride,
      long[] size) {
    double[] v = Folding.values(x.constant());
    long[] strides = Weights.strides(x.shape());
    double[] out = new double[(int) ElemType.count(size)];
    int[] index = new int[size.length];
    for (int o = 0; o < out.length; o++) {
      long src = 0;
      for (int d = 0; d < size.length; d++) {
        src += (begin[d] + index[d] * stride[d]) * strides[d];
      }
      out[o] = v[(int) src];
      for (int d = size.length - 1; d >= 0; d--) {
        if (++index[d] < size[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return Folding.tensor(name(ctx), size, x.elemType(), out);
  }

  /**
   * Expand: a constant is broadcast here; a computed tensor is reshaped to the result's rank and
   * tiled along the axes it broadcasts (in its layout's order).
   */
  static void expand(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    long[] target = longs(ctx, 1, "shape");
    if (!x.isConstant()) {
      tiled(ctx, x, target);
      return;
    }
    Value shape = Value.constant(Folding.tensor("shape", target, ElemType.FLOAT,
        new double[(int) ElemType.count(target)]));
    ctx.output(0, Folding.binary(ctx, x, shape, (a, b) -> a));
  }

  /** The values of constant input {@code i} as longs. */
  static long[] longs(OpContext ctx, int i, String what) throws ConversionException {
    Value v = ctx.input(i);
    if (!v.isConstant()) {
      throw ctx.unsupported("takes its " + what + " from a tensor computed in the graph (it"
          + " does not fold for the fixed input shape)");
    }
    try {
      return v.constant().longs();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String name(OpContext ctx) {
    return ctx.node().outputs().get(0);
  }

  private static long clampAxis(long axis, int rank) {
    long a = axis < 0 ? axis + rank : axis;
    return Math.max(0, Math.min(rank, a));
  }

  private static void tiled(OpContext ctx, Value x, long[] target) throws ConversionException {
    int rank = Math.max(x.rank(), target.length);
    long[] in = Broadcast.padded(x.shape(), rank);
    long[] to = Broadcast.padded(target, rank);
    long[] shape = new long[rank];
    for (int k = 0; k < rank; k++) {
      if (in[k] != to[k] && in[k] != 1 && to[k] != 1) {
        throw ctx.refuse("its input " + x + " does not broadcast to " + Arrays.toString(target));
      }
      shape[k] = in[k] == 1 ? to[k] : in[k];
    }
    Value v = x.layout() == Layout.FLAT_CHANNELS_LAST ? ctx.onnxLayout(x) : x;
    if (v.rank() < rank) {
      v = ShapeOps.reshaped(ctx, v, in, "rank");
    }
    long[] multiples = new long[rank];
    for (int k = 0; k < rank; k++) {
      multiples[k] = shape[k] / in[k];
    }
    if (v.layout() == Layout.CHANNELS_LAST) {
      multiples = Layout.permute(multiples, Layout.toChannelsLast(rank));
    }
    String t = Arrays.stream(multiples).allMatch(m -> m == 1) ? ctx.tensor(v)
        : ctx.emit(null, "Tile", List.of(ctx.tensor(v), ctx.ints("multiples", multiples)),
            Attrs.of().type("Tmultiples", DataType.DT_INT32));
    ctx.output(0, Value.computed(t, shape, v.layout(), v.elemType()));
  }
}
