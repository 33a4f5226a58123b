package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * ReduceMean/Max/Min/Sum/Prod over the layout's axes. Axes come from the attribute, or from
 * input 1 (ReduceSum from opset 13, the others from 18). Without keepdims a channels-last
 * value stays channels-last when its remaining axes still are in that order, else it is ONNX.
 */
final class ReduceOps {
  private ReduceOps() {}

  static void mean(OpContext ctx) throws ConversionException {
    reduce(ctx, "Mean", 18);
  }

  static void max(OpContext ctx) throws ConversionException {
    reduce(ctx, "Max", 18);
  }

  static void min(OpContext ctx) throws ConversionException {
    reduce(ctx, "Min", 18);
  }

  static void sum(OpContext ctx) throws ConversionException {
    reduce(ctx, "Sum", 13);
  }

  static void prod(OpContext ctx) throws ConversionException {
    reduce(ctx, "Prod", 18);
  }

  private static void reduce(OpContext ctx, String op, int axesInputFrom)
      throws ConversionException {
    Value x = ctx.input(0);
    if (x.layout() == Layout.FLAT_CHANNELS_LAST) {
      x = ctx.onnxLayout(x);
    }
    int rank = x.rank();
    long[] given = ctx.opset() < axesInputFrom ? ctx.attrInts("axes", null)
        : ctx.has(1) ? ConstantOps.longs(ctx, 1, "axes") : null;
    boolean keep = ctx.attrInt("keepdims", 1) == 1;
    if ((given == null || given.length == 0) && ctx.attrInt("noop_with_empty_axes", 0) == 1) {
      ctx.output(0, x);
      return;
    }
    boolean[] reduced = new boolean[rank];
    for (int k = 0; k < rank; k++) {
      reduced[k] = given == null || given.length == 0;
    }
    if (given != null) {
      for (long a : given) {
        reduced[ctx.axis(a, rank)] = true;
      }
    }
    List<Long> tfAxes = new ArrayList<>();
    List<Integer> kept = new ArrayList<>(); // ONNX axes left, in TF order
    List<Long> shape = new ArrayList<>();
    int[] onnxOf = x.layout() == Layout.CHANNELS_LAST ? Layout.toChannelsLast(rank) : null;
    for (int t = 0; t < rank; t++) {
      int k = onnxOf == null ? t : onnxOf[t];
      if (reduced[k]) {
        tfAxes.add((long) t);
      } else {
        kept.add(k);
      }
    }
    for (int k = 0; k < rank; k++) {
      if (!reduced[k] || keep) {
        shape.add(reduced[k] ? 1L : x.dim(k));
      }
    }
    Layout layout = keep ? x.layout() : layoutOf(kept);
    if (layout == null) {
      x = ctx.onnxLayout(x);
      tfAxes.clear();
      for (int k = 0; k < rank; k++) {
        if (reduced[k]) {
          tfAxes.add((long) k);
        }
      }
      layout = Layout.ONNX;
    }
    String t = ctx.emit(null, op, List.of(ctx.tensor(x), ctx.ints("axes",
        tfAxes.stream().mapToLong(Long::longValue).toArray())), Attrs.of().b("keep_dims", keep)
        .type("Tidx", DataType.DT_INT32));
    ctx.output(0, Value.computed(t, shape.stream().mapToLong(Long::longValue).toArray(), layout,
        x.elemType()));
  }

  /** The layout of the kept ONNX axes in their TF order: ONNX, channels-last, or null. */
  private static Layout layoutOf(List<Integer> original) {
    List<Integer> sortedAxes = original.stream().sorted().toList();
    List<Integer> kept = original.stream().map(sortedAxes::indexOf).toList();
    int n = kept.size();
    boolean sorted = true;
    for (int i = 1; i < n; i++) {
      sorted &= kept.get(i) > kept.get(i - 1);
    }
    if (sorted) {
      return Layout.ONNX;
    }
    boolean channelsLast = n >= 3 && kept.get(0) == 0 && kept.get(n - 1) == 1;
    for (int i = 1; i < n - 1 && channelsLast; i++) {
      channelsLast = kept.get(i) == i + 1;
    }
    return channelsLast ? Layout.CHANNELS_LAST : null;
  }
}
