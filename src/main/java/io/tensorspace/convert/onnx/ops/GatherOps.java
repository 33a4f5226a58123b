package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.ElemType;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Gather: on two (small) constants it is computed while translating; otherwise a
 * GatherV2 on int32 indices (tfjs has no int64). Stored indices are made non-negative; computed
 * ones (an Embedding's token ids) are wrapped with FloorMod so that ONNX's negative indices
 * count from the end as they do in ONNX. A channels-last input keeps its layout when the gathered
 * axis stays (indices of rank 1) or is a spatial one.
 */
final class GatherOps {
  /** Constant data up to this many elements is gathered while translating (shape arithmetic). */
  private static final long MAX_FOLDED = 1 << 20;

  private GatherOps() {}

  static void gather(OpContext ctx) throws ConversionException {
    Value data = ctx.input(0);
    Value indices = ctx.input(1);
    int axis = ctx.axis(ctx.attrInt("axis", 0), data.rank());
    long dim = data.dim(axis);
    long[] shape = shape(data.shape(), indices.shape(), axis);
    if (data.isConstant() && indices.isConstant() && data.count() <= MAX_FOLDED) {
      ctx.output(0, Value.constant(folded(ctx, data.constant(), indices.constant(), axis, shape)));
      return;
    }
    String index;
    if (indices.isConstant()) {
      long[] idx = longs(indices.constant());
      for (int i = 0; i < idx.length; i++) {
        if (idx[i] < -dim || idx[i] >= dim) {
          throw ctx.refuse("its index " + idx[i] + " is outside the axis of " + dim);
        }
        idx[i] = idx[i] < 0 ? idx[i] + dim : idx[i];
      }
      index = ctx.intTensor("indices", indices.shape(), idx);
    } else {
      String raw = ctx.tensor(ctx.onnxLayout(indices));
      index = ctx.emit("indices_wrapped", "FloorMod", List.of(raw,
          ctx.intTensor("axis_size", new long[0], new long[] {dim})),
          Attrs.of().type("T", DataType.DT_INT32));
    }
    Value in = keepsLayout(data, indices, axis) ? data : ctx.onnxLayout(data);
    int tfAxis = in.layout().tfAxis(axis, data.rank());
    String t = ctx.emit(null, "GatherV2", List.of(ctx.tensor(in), index,
        ctx.intTensor("axis", new long[0], new long[] {tfAxis})), Attrs.of()
        .type("Tparams", CastOps.tfType(data.elemType())).type("Tindices", DataType.DT_INT32)
        .type("Taxis", DataType.DT_INT32).i("batch_dims", 0)
        .type("T", CastOps.tfType(data.elemType())));
    Layout layout = in.layout() == Layout.CHANNELS_LAST ? Layout.CHANNELS_LAST : Layout.ONNX;
    ctx.output(0, Value.computed(t, shape, layout,
        ElemType.isFloat(data.elemType()) ? ElemType.FLOAT : data.elemType()));
  }

  /** Whether a channels-last input can be gathered in place, the result still channels-last. */
  private static boolean keepsLayout(Value data, Value indices, int axis) {
    if (data.layout() != Layout.CHANNELS_LAST) {
      return data.layout() == Layout.ONNX;
    }
    return indices.rank() == 1 || indices.rank() == 0 && axis >= 2 && data.rank() >= 4;
  }

  /** data.shape[:axis] + indices.shape + data.shape[axis+1:]. */
  private static long[] shape(long[] data, long[] indices, int axis) {
    long[] out = new long[data.length - 1 + indices.length];
    System.arraycopy(data, 0, out, 0, axis);
    System.arraycopy(indices, 0, out, axis, indices.length);
    System.arraycopy(data, axis + 1, out, axis + indices.length, data.length - axis - 1);
    return out;
  }

  private static OnnxTensor folded(OpContext ctx, OnnxTensor data, OnnxTensor indices, int axis,
      long[] shape) throws ConversionException {
    double[] v = Folding.values(data);
    long[] idx = longs(indices);
    long[] dims = data.dims();
    long outer = ElemType.count(Arrays.copyOfRange(dims, 0, axis));
    long inner = ElemType.count(Arrays.copyOfRange(dims, axis + 1, dims.length));
    double[] out = new double[Math.toIntExact(outer * idx.length * inner)];
    int o = 0;
    for (long a = 0; a < outer; a++) {
      for (long i : idx) {
        long k = i < 0 ? i + dims[axis] : i;
        if (k < 0 || k >= dims[axis]) {
          throw ctx.refuse("its index " + i + " is outside the axis of " + dims[axis]);
        }
        for (long j = 0; j < inner; j++) {
          out[o++] = v[(int) ((a * dims[axis] + k) * inner + j)];
        }
      }
    }
    return Folding.tensor(ctx.node().outputs().get(0), shape, data.dataType(), out);
  }

  private static long[] longs(OnnxTensor t) {
    try {
      return t.longs();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
