package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.ElemType;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/**
 * Equal, Not and Size: folded on constants (the shape checks before an If), else Equal and
 * LogicalNot on bool tensors; Size is always known (shapes are fixed).
 */
final class LogicOps {
  private LogicOps() {}

  static void equal(OpContext ctx) throws ConversionException {
    Value a = ctx.input(0);
    Value b = ctx.input(1);
    if (a.isConstant() && b.isConstant()) {
      ctx.output(0, Value.constant(Folding.binary(ctx, a, b, (x, y) -> x == y ? 1 : 0)
          .constant()));
      return;
    }
    // a flattened operand is unflattened: a bool result cannot carry the flattened layout
    Broadcast.Operands ops = Broadcast.prepare(ctx, List.of(plain(ctx, a), plain(ctx, b)));
    String t = ctx.emit(null, "Equal", ops.tensors(), Attrs.of()
        .type("T", CastOps.tfType(a.elemType())).b("incompatible_shape_error", true));
    ctx.output(0, Value.computed(t, ops.shape(), ops.layout(), ElemType.BOOL));
  }

  static void not(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.isConstant()) {
      double[] v = Folding.values(x.constant());
      for (int i = 0; i < v.length; i++) {
        v[i] = v[i] == 0 ? 1 : 0;
      }
      ctx.output(0, Value.constant(Folding.tensor(ctx.node().outputs().get(0), x.shape(),
          ElemType.INT64, v)));
      return;
    }
    Value in = plain(ctx, x);
    String t = ctx.emit(null, "LogicalNot", List.of(in.tf()), Attrs.of());
    ctx.output(0, Value.computed(t, in.shape(), in.layout(), ElemType.BOOL));
  }

  static void size(OpContext ctx) throws ConversionException {
    ctx.output(0, Value.constant(Folding.ints(ctx.node().outputs().get(0), new long[0],
        new long[] {ctx.input(0).count()})));
  }

  private static Value plain(OpContext ctx, Value v) throws ConversionException {
    return v.layout() == Layout.FLAT_CHANNELS_LAST ? ctx.onnxLayout(v) : v;
  }
}
