package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * Add, Sub, Mul, Div with numpy broadcasting (opset 7 on) or the legacy {@code broadcast}/
 * {@code axis} attributes (opset 6 and before); constant operands are folded.
 */
final class ElementwiseOps {
  private ElementwiseOps() {}

  static void add(OpContext ctx) throws ConversionException {
    binary(ctx, "AddV2", Double::sum);
  }

  static void sub(OpContext ctx) throws ConversionException {
    binary(ctx, "Sub", (a, b) -> a - b);
  }

  static void mul(OpContext ctx) throws ConversionException {
    binary(ctx, "Mul", (a, b) -> a * b);
  }

  static void div(OpContext ctx) throws ConversionException {
    binary(ctx, "RealDiv", (a, b) -> a / b);
  }

  static void pow(OpContext ctx) throws ConversionException {
    binary(ctx, "Pow", Math::pow);
  }

  /** Sum, Max, Min of any number of inputs: a chain of the binary op. */
  static void sum(OpContext ctx) throws ConversionException {
    variadic(ctx, "AddV2", Double::sum);
  }

  static void max(OpContext ctx) throws ConversionException {
    variadic(ctx, "Maximum", Math::max);
  }

  static void min(OpContext ctx) throws ConversionException {
    variadic(ctx, "Minimum", Math::min);
  }

  private static void variadic(OpContext ctx, String op, DoubleBinaryOperator fold)
      throws ConversionException {
    List<Value> in = new java.util.ArrayList<>();
    for (int i = 0; i < ctx.inputCount(); i++) {
      in.add(ctx.input(i));
    }
    if (in.size() == 1) {
      ctx.output(0, in.get(0));
      return;
    }
    if (in.stream().allMatch(Value::isConstant)) {
      Value acc = in.get(0);
      for (int i = 1; i < in.size(); i++) {
        acc = Folding.binary(ctx, acc, in.get(i), fold);
      }
      ctx.output(0, acc);
      return;
    }
    Broadcast.Operands ops = Broadcast.prepare(ctx, in);
    String t = ops.tensors().get(0);
    for (int i = 1; i < in.size(); i++) {
      t = ctx.emit(i == in.size() - 1 ? null : "partial_" + i, op,
          List.of(t, ops.tensors().get(i)), Attrs.of());
    }
    ctx.output(0, Broadcast.result(ctx, ops, t));
  }

  private static void binary(OpContext ctx, String op, DoubleBinaryOperator fold)
      throws ConversionException {
    Value a = ctx.input(0);
    Value b = legacyAligned(ctx, a, ctx.input(1));
    if (a.isConstant() && b.isConstant()) {
      ctx.output(0, Folding.binary(ctx, a, b, fold));
      return;
    }
    Broadcast.Operands ops = Broadcast.prepare(ctx, List.of(a, b));
    String t = ctx.emit(null, op, ops.tensors(), Attrs.of());
    ctx.output(0, Broadcast.result(ctx, ops, t));
  }

  /**
   * Opset 6 and before: with {@code broadcast=1}, B's dimensions line up with A's from
   * {@code axis} on (default: the trailing ones); B gets trailing 1s so numpy rules agree.
   */
  static Value legacyAligned(OpContext ctx, Value a, Value b) throws ConversionException {
    if (ctx.opset() >= 7 || ctx.attrInt("broadcast", 0) == 0 || !ctx.hasAttr("axis")) {
      return b;
    }
    int axis = ctx.axis(ctx.attrInt("axis", 0), a.rank());
    int trailing = a.rank() - axis - b.rank();
    if (trailing <= 0) {
      return b;
    }
    long[] dims = new long[b.rank() + trailing];
    System.arraycopy(b.shape(), 0, dims, 0, b.rank());
    java.util.Arrays.fill(dims, b.rank(), dims.length, 1);
    return ShapeOps.reshaped(ctx, b, dims, "aligned");
  }
}
