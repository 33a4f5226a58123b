package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;

/**
 * LSTM, GRU and RNN, unrolled by {@link Recurrence}: the cells below are the ONNX equations
 * with ONNX's gate order kept (LSTM i, o, f, c; GRU z, r, h) by splitting the gate pre-activations
 * in that order, so no weight is reordered.
 */
final class RecurrentOps {
  private RecurrentOps() {}

  static void lstm(OpContext ctx) throws ConversionException {
    if (ctx.attrInt("input_forget", 0) != 0) {
      throw ctx.unsupported("couples its input and forget gates (input_forget=1)");
    }
    Recurrence rec = Recurrence.of(ctx, 4, "Sigmoid", "Tanh", "Tanh");
    int h = (int) rec.hidden;
    OnnxTensor peepholes = ctx.has(7) ? Weights.constant(ctx, 7, "peepholes P") : null;
    if (peepholes != null && peepholes.elementCount() != 3L * h * rec.directions.size()) {
      throw ctx.refuse("its peepholes P " + java.util.Arrays.toString(peepholes.dims())
          + " are not [directions, 3 * hidden_size]");
    }
    String[] kernels = new String[rec.directions.size()];
    for (int d = 0; d < kernels.length; d++) {
      kernels[d] = rec.recurrentKernel(d, 0, 4 * h, "R");
    }
    rec.unroll((d, t, x, prev) -> {
      String p = rec.at(d, t);
      String pre = RnnActivations.binary(ctx, p + "gates", "AddV2", x,
          RnnActivations.binary(ctx, p + "recurrence", "MatMul", prev.h(), kernels[d]));
      String[] g = rec.split(pre, 4, p + "gate_inputs");
      if (peepholes != null) {
        g[0] = peephole(ctx, rec, peepholes, d, 0, g[0], prev.c(), p + "input_peephole");
        g[2] = peephole(ctx, rec, peepholes, d, 2, g[2], prev.c(), p + "forget_peephole");
      }
      String in = rec.activations.apply(ctx, d, 0, g[0], p + "input_gate", true);
      String forget = rec.activations.apply(ctx, d, 0, g[2], p + "forget_gate", true);
      String candidate = rec.activations.apply(ctx, d, 1, g[3], p + "candidate", true);
      String c = RnnActivations.binary(ctx, p + "c", "AddV2",
          RnnActivations.binary(ctx, p + "kept", "Mul", forget, prev.c()),
          RnnActivations.binary(ctx, p + "written", "Mul", in, candidate));
      String o = peepholes == null ? g[1]
          : peephole(ctx, rec, peepholes, d, 1, g[1], c, p + "output_peephole");
      String out = rec.activations.apply(ctx, d, 0, o, p + "output_gate", true);
      String shown = rec.activations.apply(ctx, d, 2, c, p + "c_activated", false);
      return new Recurrence.State(RnnActivations.binary(ctx, p + "h", "Mul", out, shown), c);
    }, true);
  }

  /** Gate input plus P's part {@code k} (ONNX order i, o, f) times the cell state. */
  private static String peephole(OpContext ctx, Recurrence rec, OnnxTensor p, int d, int k,
      String gate, String c, String suffix) {
    int h = (int) rec.hidden;
    String weights = ctx.weight(suffix + "_weights", new long[] {h}, Weights.data(() ->
        java.util.Arrays.copyOfRange(p.floats(), (3 * d + k) * h, (3 * d + k + 1) * h)));
    return RnnActivations.binary(ctx, suffix, "AddV2", gate,
        RnnActivations.binary(ctx, suffix + "_term", "Mul", c, weights));
  }

  static void gru(OpContext ctx) throws ConversionException {
    Recurrence rec = Recurrence.of(ctx, 3, "Sigmoid", "Tanh");
    int h = (int) rec.hidden;
    boolean linearBeforeReset = rec.recurrentBiasApart(2);
    int dirs = rec.directions.size();
    String[] gateKernels = new String[dirs];
    String[] hKernels = new String[dirs];
    String[] hBiases = new String[dirs];
    for (int d = 0; d < dirs; d++) {
      gateKernels[d] = rec.recurrentKernel(d, 0, linearBeforeReset ? 3 * h : 2 * h, "R");
      hKernels[d] = linearBeforeReset ? null : rec.recurrentKernel(d, 2 * h, 3 * h, "R_h");
      hBiases[d] = linearBeforeReset ? rec.recurrentBias(d, 2 * h, 3 * h, "Rb_h") : null;
    }
    rec.unroll((d, t, x, prev) -> {
      String p = rec.at(d, t);
      String[] xs = rec.split(x, 3, p + "input_parts");
      String[] hs = rec.split(RnnActivations.binary(ctx, p + "recurrence", "MatMul", prev.h(),
          gateKernels[d]), linearBeforeReset ? 3 : 2, p + "recurrence_parts");
      String z = rec.activations.apply(ctx, d, 0, RnnActivations.binary(ctx, p + "update_input",
          "AddV2", xs[0], hs[0]), p + "update_gate", true);
      String r = rec.activations.apply(ctx, d, 0, RnnActivations.binary(ctx, p + "reset_input",
          "AddV2", xs[1], hs[1]), p + "reset_gate", true);
      String recurrent = linearBeforeReset
          ? RnnActivations.binary(ctx, p + "reset_recurrence", "Mul", r, RnnActivations.binary(
              ctx, p + "recurrence_h", "AddV2", hs[2], hBiases[d]))
          : RnnActivations.binary(ctx, p + "reset_recurrence", "MatMul", RnnActivations.binary(
              ctx, p + "reset_state", "Mul", r, prev.h()), hKernels[d]);
      String candidate = rec.activations.apply(ctx, d, 1, RnnActivations.binary(ctx,
          p + "candidate_input", "AddV2", xs[2], recurrent), p + "candidate", true);
      String kept = RnnActivations.binary(ctx, p + "kept", "Mul", z, RnnActivations.binary(ctx,
          p + "change", "Sub", prev.h(), candidate));
      return new Recurrence.State(RnnActivations.binary(ctx, p + "h", "AddV2", candidate, kept),
          null);
    }, false);
  }

  static void rnn(OpContext ctx) throws ConversionException {
    Recurrence rec = Recurrence.of(ctx, 1, "Tanh");
    String[] kernels = new String[rec.directions.size()];
    for (int d = 0; d < kernels.length; d++) {
      kernels[d] = rec.recurrentKernel(d, 0, (int) rec.hidden, "R");
    }
    rec.unroll((d, t, x, prev) -> {
      String p = rec.at(d, t);
      String pre = RnnActivations.binary(ctx, p + "h_input", "AddV2", x,
          RnnActivations.binary(ctx, p + "recurrence", "MatMul", prev.h(), kernels[d]));
      return new Recurrence.State(rec.activations.apply(ctx, d, 0, pre, p + "h", true), null);
    }, false);
  }
}
