package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Operands of element-wise ops with numpy broadcasting, brought to one layout: channels-last when
 * a computed operand of the result's rank is (constants are permuted when written, lower-rank
 * tensors reshaped and transposed), flattened-channels-last when the others are scalars, else the
 * ONNX layout.
 */
final class Broadcast {
  /** The common layout and each operand's graph tensor. */
  record Operands(Layout layout, long[] shape, List<String> tensors, Value first) {}

  private Broadcast() {}

  static long[] shape(OpContext ctx, List<Value> values) throws ConversionException {
    int rank = values.stream().mapToInt(Value::rank).max().orElse(0);
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    for (Value v : values) {
      long[] s = v.shape();
      for (int k = 0; k < s.length; k++) {
        int j = rank - s.length + k;
        if (out[j] == 1) {
          out[j] = s[k];
        } else if (s[k] != 1 && s[k] != out[j]) {
          throw ctx.refuse("its inputs " + values + " do not broadcast");
        }
      }
    }
    return out;
  }

  static Operands prepare(OpContext ctx, List<Value> values) throws ConversionException {
    long[] shape = shape(ctx, values);
    int rank = shape.length;
    Layout layout = Layout.ONNX;
    Value flat = null;
    for (Value v : values) {
      if (!v.isConstant() && v.layout() == Layout.CHANNELS_LAST && v.rank() == rank) {
        layout = Layout.CHANNELS_LAST;
      }
      if (v.layout() == Layout.FLAT_CHANNELS_LAST) {
        flat = v;
      }
    }
    Value f = flat;
    if (layout == Layout.ONNX && f != null
        && values.stream().allMatch(v -> v == f || v.count() == 1)) {
      layout = Layout.FLAT_CHANNELS_LAST;
    }
    List<String> tensors = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      tensors.add(operand(ctx, values.get(i), rank, layout, "operand_" + i));
    }
    return new Operands(layout, shape, tensors, flat);
  }

  /** The result of an element-wise op over prepared operands. */
  static Value result(OpContext ctx, Operands ops, String tf) {
    return ops.layout() == Layout.FLAT_CHANNELS_LAST
        ? Value.flattened(tf, ops.shape(), ops.first().unflattened())
        : ctx.result(tf, ops.shape(), ops.layout());
  }

  private static String operand(OpContext ctx, Value v, int rank, Layout layout, String name)
      throws ConversionException {
    if (v.count() == 1 || layout == Layout.FLAT_CHANNELS_LAST) {
      return v.isConstant() ? ctx.tensor(v) : v.tf();
    }
    if (layout == Layout.ONNX) {
      return ctx.tensor(ctx.onnxLayout(v));
    }
    if (v.layout() == Layout.CHANNELS_LAST) {
      return v.tf();
    }
    long[] padded = padded(v.shape(), rank);
    if (v.isConstant()) {
      OnnxTensor c = v.constant();
      return ctx.weight(name, Layout.permute(padded, Layout.toChannelsLast(rank)),
          Weights.data(() -> Weights.toChannelsLast(c.floats(), padded)));
    }
    Value plain = ctx.onnxLayout(v);
    String t = plain.tf();
    if (v.rank() < rank) {
      t = ctx.emit(name + "_rank", "Reshape", List.of(t, ctx.ints(name + "_rank_shape", padded)),
          Attrs.of());
    }
    return ctx.emit(name + "_channels_last", "Transpose", List.of(t,
        ctx.ints(name + "_perm", Arrays.stream(Layout.toChannelsLast(rank)).asLongStream()
            .toArray())), Attrs.of());
  }

  static long[] padded(long[] shape, int rank) {
    long[] out = new long[rank];
    Arrays.fill(out, 1);
    System.arraycopy(shape, 0, out, rank - shape.length, shape.length);
    return out;
  }
}
