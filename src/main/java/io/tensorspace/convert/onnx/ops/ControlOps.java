package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.OnnxAttribute;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;

/**
 * If, when its condition is known while translating (it follows from the fixed input shapes, as
 * the checks PyTorch exports around squeezes and LSTM states do): the chosen branch is
 * translated in its place and the other dropped. TensorFlow.js runs no If through execute().
 */
final class ControlOps {
  private ControlOps() {}

  static void ifNode(OpContext ctx) throws ConversionException {
    Value condition = ctx.input(0);
    if (!condition.isConstant()) {
      throw ctx.unsupported("branches on a condition computed from the input values ("
          + condition + "); only an If whose condition follows from the input shapes is"
          + " translated (pin them with the inputShape setting)");
    }
    double[] v = Folding.values(condition.constant());
    if (v.length != 1) {
      throw ctx.refuse("its condition holds " + v.length + " values, not one");
    }
    String chosen = v[0] != 0 ? "then_branch" : "else_branch";
    OnnxAttribute branch = ctx.attr(chosen);
    if (branch == null || branch.g() == null) {
      throw ctx.refuse("it has no " + chosen + " graph");
    }
    Value[] out = ctx.inline(branch.g());
    if (out.length != ctx.outputCount()) {
      throw ctx.refuse("its " + chosen + " gives " + out.length + " outputs for the node's "
          + ctx.outputCount());
    }
    for (int i = 0; i < out.length; i++) {
      ctx.output(i, out[i]);
    }
  }
}
