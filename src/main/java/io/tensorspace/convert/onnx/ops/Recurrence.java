package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An LSTM, GRU or RNN node unrolled over its static sequence length: the inputs of all steps are
 * projected by one MatMul per direction (W and the input-side biases), then each step is a cell
 * of MatMul / element-wise ops on [batch, hidden] tensors, in time order forward and backwards
 * in time for the reverse direction. Every step's state is a node of its own, recorded as a
 * selectable output; Y, Y_h (and Y_c) stack them as ONNX lays them out.
 */
final class Recurrence {
  /** A cell's state after one step: the hidden state and, for LSTM, the cell state. */
  record State(String h, String c) {}

  /** One step of a cell: the new state from the projected input of step {@code t}. */
  @FunctionalInterface
  interface Cell {
    State step(int dir, int t, String x, State previous) throws ConversionException;
  }

  final OpContext ctx;
  final int gates;
  final long seq;
  final long batch;
  final long inputSize;
  final long hidden;
  final List<String> directions;
  final boolean batchFirst;
  final RnnActivations activations;
  final OnnxTensor w;
  final OnnxTensor r;
  final OnnxTensor b;
  private final Value x;
  private String splitAxis;

  private Recurrence(OpContext ctx, int gates, String... defaults) throws ConversionException {
    this.ctx = ctx;
    this.gates = gates;
    Value in = ctx.input(0);
    this.batchFirst = ctx.attrInt("layout", 0) == 1;
    if (in.rank() != 3) {
      throw ctx.refuse("its input " + in + " is not 3-D");
    }
    this.x = batchFirst ? transposed(ctx.onnxLayout(in), "time_major", 1, 0, 2)
        : ctx.onnxLayout(in);
    this.seq = x.dim(0);
    this.batch = x.dim(1);
    this.inputSize = x.dim(2);
    this.w = Weights.constant(ctx, 1, "input weights W");
    this.r = Weights.constant(ctx, 2, "recurrence weights R");
    this.b = ctx.has(2 + 1) ? Weights.constant(ctx, 3, "biases B") : null;
    String direction = ctx.attrString("direction", "forward");
    this.directions = switch (direction) {
      case "forward" -> List.of("forward");
      case "reverse" -> List.of("reverse");
      case "bidirectional" -> List.of("forward", "reverse");
      default -> throw ctx.refuse("its direction '" + direction + "' is not an ONNX value");
    };
    this.hidden = ctx.attrInt("hidden_size", r.dims().length == 3 ? r.dims()[2] : -1);
    checkShapes();
    checkSequenceLengths();
    this.activations = RnnActivations.of(ctx, directions.size(), defaults);
  }

  static Recurrence of(OpContext ctx, int gates, String... defaultActivations)
      throws ConversionException {
    return new Recurrence(ctx, gates, defaultActivations);
  }

  private void checkShapes() throws ConversionException {
    long d = directions.size();
    long g = gates * hidden;
    boolean ok = Arrays.equals(w.dims(), new long[] {d, g, inputSize})
        && Arrays.equals(r.dims(), new long[] {d, g, hidden})
        && (b == null || Arrays.equals(b.dims(), new long[] {d, 2 * g}));
    if (!ok) {
      throw ctx.refuse("its weights W " + Arrays.toString(w.dims()) + ", R "
          + Arrays.toString(r.dims()) + (b == null ? "" : ", B " + Arrays.toString(b.dims()))
          + " do not fit hidden_size " + hidden + ", " + d + " direction(s) and input size "
          + inputSize);
    }
    if (seq < 1 || batch < 1) {
      throw ctx.unsupported("runs over a sequence of unknown length (input " + x + "); pin"
          + " the sequence length with the inputShape setting");
    }
  }

  /** sequence_lens may only repeat the full length: steps past a shorter one are not masked. */
  private void checkSequenceLengths() throws ConversionException {
    if (!ctx.has(4)) {
      return;
    }
    Value lens = ctx.input(4);
    if (!lens.isConstant()) {
      throw ctx.unsupported("takes per-sample sequence lengths (sequence_lens) computed in the"
          + " graph; export it without sequence_lens (full-length sequences)");
    }
    try {
      for (long l : lens.constant().longs()) {
        if (l != seq) {
          throw ctx.unsupported("has a sequence_lens value " + l + " shorter than its "
              + seq + " steps; export it with full-length sequences");
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Runs the cell over every step of every direction and binds Y, Y_h and Y_c. */
  void unroll(Cell cell, boolean withCellState) throws ConversionException {
    String flat = ctx.emit("inputs_2d", "Reshape", List.of(ctx.tensor(x),
        ctx.ints("inputs_2d_shape", seq * batch, inputSize)), Attrs.of());
    List<String> ys = new ArrayList<>();
    List<String> lastH = new ArrayList<>();
    List<String> lastC = new ArrayList<>();
    for (int d = 0; d < directions.size(); d++) {
      String dir = directions.get(d);
      String[] xs = projectedInputs(flat, d);
      State s = new State(initial(5, d, "initial_h"),
          withCellState ? initial(6, d, "initial_c") : null);
      String[] hs = new String[(int) seq];
      boolean reverse = dir.equals("reverse");
      for (int k = 0; k < seq; k++) {
        int t = reverse ? (int) seq - 1 - k : k;
        s = cell.step(d, t, xs[t], s);
        hs[t] = s.h();
        ctx.step(stepValue(s.h()), dir, t, "h");
        if (s.c() != null) {
          ctx.step(stepValue(s.c()), dir, t, "c");
        }
      }
      ys.add(ctx.emit(dir + "/sequence", "Pack", List.of(hs), Attrs.of().i("N", seq)
          .i("axis", 0)));
      lastH.add(s.h());
      lastC.add(s.c());
    }
    bind(0, ys, 1, new long[] {seq, directions.size(), batch, hidden}, 2, 0, 1, 3);
    bind(1, lastH, 0, new long[] {directions.size(), batch, hidden}, 1, 0, 2);
    if (withCellState) {
      bind(2, lastC, 0, new long[] {directions.size(), batch, hidden}, 1, 0, 2);
    }
  }

  private Value stepValue(String tf) {
    return Value.computed(tf, new long[] {batch, hidden}, Layout.ONNX,
        io.tensorspace.convert.onnx.ElemType.FLOAT);
  }

  /**
   * Output {@code i} (when the node has it): the parts stacked on {@code axis}, and for
   * {@code layout=1} transposed batch-first by {@code batchFirstPerm}.
   */
  private void bind(int i, List<String> parts, int axis, long[] shape, int... batchFirstPerm) {
    if (i >= ctx.outputCount() || ctx.node().outputs().get(i).isEmpty()) {
      return;
    }
    Attrs pack = Attrs.of().i("N", parts.size()).i("axis", axis);
    String t;
    long[] onnxShape = shape;
    if (batchFirst) {
      String stacked = ctx.emit("output_" + i + "_stacked", "Pack", parts, pack);
      t = ctx.emitOutput(i, "Transpose", List.of(stacked, ctx.ints("output_" + i + "_perm",
          Arrays.stream(batchFirstPerm).asLongStream().toArray())), Attrs.of());
      onnxShape = new long[shape.length];
      for (int k = 0; k < shape.length; k++) {
        onnxShape[k] = shape[batchFirstPerm[k]];
      }
    } else {
      t = ctx.emitOutput(i, "Pack", parts, pack);
    }
    ctx.output(i, ctx.result(t, onnxShape, Layout.ONNX));
  }

  /** X·Wᵀ plus the input-side biases for every step of direction {@code d}, unstacked. */
  private String[] projectedInputs(String flat, int d) {
    String dir = directions.get(d);
    long g = gates * hidden;
    String kernel = ctx.weight(dir + "/W", new long[] {inputSize, g},
        Weights.data(() -> transposedRows(w.floats(), d * (int) g, (int) g, (int) inputSize)));
    String t = ctx.emit(dir + "/inputs_projected", "MatMul", List.of(flat, kernel), Attrs.of());
    float[] bias = inputBias(d);
    if (bias != null) {
      t = ctx.emit(dir + "/inputs_biased", "BiasAdd", List.of(t, ctx.weight(dir + "/input_bias",
          new long[] {g}, Weights.data(() -> inputBias(d)))), Attrs.of()
          .s("data_format", "NHWC"));
    }
    String steps = ctx.emit(dir + "/inputs_by_step", "Reshape", List.of(t,
        ctx.ints(dir + "/inputs_by_step_shape", seq, batch, g)), Attrs.of());
    String unpacked = ctx.emit(dir + "/inputs", "Unpack", List.of(steps), Attrs.of()
        .i("num", seq).i("axis", 0));
    String[] out = new String[(int) seq];
    for (int t2 = 0; t2 < seq; t2++) {
      out[t2] = t2 == 0 ? unpacked : unpacked + ":" + t2;
    }
    return out;
  }

  /** W's and R's biases of direction {@code d} summed where a gate adds both to its input. */
  private float[] inputBias(int d) {
    if (b == null) {
      return null;
    }
    try {
      float[] all = b.floats();
      int g = (int) (gates * hidden);
      float[] out = new float[g];
      int base = d * 2 * g;
      for (int j = 0; j < g; j++) {
        boolean withR = !recurrentBiasApart((int) (j / hidden));
        out[j] = all[base + j] + (withR ? all[base + g + j] : 0f);
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A GRU with linear_before_reset adds Rb of its h gate after the reset, not to the input. */
  boolean recurrentBiasApart(int gate) {
    return gates == 3 && gate == 2 && ctx.attrInt("linear_before_reset", 0) != 0;
  }

  /** Rows {@code from..to} of R for direction {@code d}, transposed: [hidden, to - from]. */
  String recurrentKernel(int d, int from, int to, String name) {
    return ctx.weight(directions.get(d) + "/" + name, new long[] {hidden, to - from},
        Weights.data(() -> transposedRows(r.floats(), d * gates * (int) hidden + from,
        to - from, (int) hidden)));
  }

  /** The recurrence bias Rb of rows {@code from..to} for direction {@code d}. */
  String recurrentBias(int d, int from, int to, String name) {
    int g = (int) (gates * hidden);
    return ctx.weight(directions.get(d) + "/" + name, new long[] {to - from},
        Weights.data(() -> {
          float[] out = new float[to - from];
          if (b != null) {
            System.arraycopy(b.floats(), d * 2 * g + g + from, out, 0, to - from);
          }
          return out;
        }));
  }

  /** Rows {@code first..first+rows} of a row-major matrix of {@code cols}, transposed. */
  private static float[] transposedRows(float[] v, int first, int rows, int cols) {
    float[] out = new float[cols * rows];
    for (int j = 0; j < rows; j++) {
      for (int i = 0; i < cols; i++) {
        out[i * rows + j] = v[(first + j) * cols + i];
      }
    }
    return out;
  }

  /** The initial state of input {@code i} for direction {@code d}: [batch, hidden]. */
  private String initial(int i, int d, String name) throws ConversionException {
    String dir = directions.get(d);
    long[] shape = {batch, hidden};
    if (!ctx.has(i)) {
      return ctx.weight(dir + "/" + name, shape, Weights.data(
          () -> new float[(int) (batch * hidden)]));
    }
    Value v = ctx.input(i);
    long[] expected = batchFirst ? new long[] {batch, directions.size(), hidden}
        : new long[] {directions.size(), batch, hidden};
    if (!Arrays.equals(v.shape(), expected)) {
      throw ctx.refuse("its " + name + " " + v + " is not " + Arrays.toString(expected));
    }
    if (v.isConstant()) {
      OnnxTensor c = v.constant();
      return ctx.weight(dir + "/" + name, shape, Weights.data(() -> {
        float[] all = batchFirst ? Weights.transpose(c.floats(), c.dims(), new int[] {1, 0, 2})
            : c.floats();
        return Arrays.copyOfRange(all, (int) (d * batch * hidden),
            (int) ((d + 1) * batch * hidden));
      }));
    }
    String unpacked = ctx.emit(name + "_by_direction", "Unpack", List.of(
        ctx.tensor(ctx.onnxLayout(v))), Attrs.of().i("num", directions.size())
        .i("axis", batchFirst ? 1 : 0));
    return d == 0 ? unpacked : unpacked + ":" + d;
  }

  private Value transposed(Value v, String suffix, int... perm) {
    String t = ctx.emit(suffix, "Transpose", List.of(ctx.tensor(v), ctx.ints(suffix + "_perm",
        Arrays.stream(perm).asLongStream().toArray())), Attrs.of());
    long[] shape = Layout.permute(v.shape(), perm);
    return Value.computed(t, shape, Layout.ONNX, v.elemType());
  }

  /** Splits a [batch, n * hidden] tensor into its n gates. */
  String[] split(String t, int n, String suffix) {
    if (splitAxis == null) {
      splitAxis = ctx.intTensor("gate_axis", new long[0], new long[] {1});
    }
    String s = ctx.emit(suffix, "Split", List.of(splitAxis, t), Attrs.of().i("num_split", n));
    String[] out = new String[n];
    for (int k = 0; k < n; k++) {
      out[k] = k == 0 ? s : s + ":" + k;
    }
    return out;
  }

  /** The per-step node prefix: {@code <direction>/step_<t>/}. */
  String at(int d, int t) {
    return directions.get(d) + "/step_" + t + "/";
  }
}
