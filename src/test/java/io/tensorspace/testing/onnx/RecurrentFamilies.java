package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;
import static io.tensorspace.testing.onnx.Attr.s;

import java.util.ArrayList;
import java.util.List;

/**
 * LSTM and GRU as PyTorch exports them (sequence-first X [T,1,I], forward/bidirectional, with and
 * without bias and initial states, GRU linear_before_reset 0/1), and Embedding as Gather of int64
 * indices.
 */
final class RecurrentFamilies {
  private RecurrentFamilies() {}

  private static final long T = 5;
  private static final long I = 3;
  private static final long H = 4;

  /** What one recurrent member has. */
  private record Rnn(String op, int dirs, boolean bias, boolean initial, long linearBeforeReset) {
    long gates() {
      return op.equals("LSTM") ? 4 : 3;
    }
  }

  static List<OnnxMember> lstm() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(rnn("forward-opset9", 9, new Rnn("LSTM", 1, true, false, 0)));
    m.add(rnn("forward-no-bias-opset11", 11, new Rnn("LSTM", 1, false, false, 0)));
    m.add(rnn("forward-initial-states-opset13", 13, new Rnn("LSTM", 1, true, true, 0)));
    m.add(rnn("bidirectional-opset11", 11, new Rnn("LSTM", 2, true, false, 0)));
    m.add(rnn("bidirectional-initial-states-opset14", 14, new Rnn("LSTM", 2, true, true, 0)));
    m.add(OnnxMember.of("lstm", "only-y-h-opset13", 13, "LSTM with the Y output left empty", g -> {
      String[] out = g.nodeOutputs("LSTM", List.of(g.in(T, 1, I), g.weight("W", 0.5, 1, 4 * H, I),
          g.weight("R", 0.5, 1, 4 * H, H), g.weight("B", 0.5, 1, 8 * H)), 2, i("hidden_size", H));
      g.output(out[1]);
    }));
    m.add(OnnxMember.of("lstm", "two-layers-opset11", 11, "two stacked LSTMs (Squeeze between)", g -> {
      String y1 = g.nodeOutputs("LSTM", List.of(g.in(T, 1, I), g.weight("W0", 0.5, 1, 4 * H, I),
          g.weight("R0", 0.5, 1, 4 * H, H), g.weight("B0", 0.5, 1, 8 * H)), 1,
          i("hidden_size", H))[0];
      String x2 = g.node("Squeeze", List.of(y1), ints("axes", 1));
      String y2 = g.nodeOutputs("LSTM", List.of(x2, g.weight("W1", 0.5, 1, 4 * H, H),
          g.weight("R1", 0.5, 1, 4 * H, H), g.weight("B1", 0.5, 1, 8 * H)), 1,
          i("hidden_size", H))[0];
      g.output(g.node("Squeeze", List.of(y2), ints("axes", 1)));
    }));
    return m;
  }

  static List<OnnxMember> gru() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(rnn("forward-opset9", 9, new Rnn("GRU", 1, true, false, 0)));
    m.add(rnn("forward-linear-before-reset-opset11", 11, new Rnn("GRU", 1, true, false, 1)));
    m.add(rnn("bidirectional-linear-before-reset-opset13", 13, new Rnn("GRU", 2, true, false, 1)));
    m.add(rnn("initial-state-opset14", 14, new Rnn("GRU", 1, true, true, 1)));
    m.add(rnn("no-bias-opset11", 11, new Rnn("GRU", 1, false, false, 0)));
    m.add(rnn("bidirectional-initial-state-opset9", 9, new Rnn("GRU", 2, true, true, 0)));
    return m;
  }

  static List<OnnxMember> embedding() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("embedding", "gather-opset9", 9, "Embedding(10, 4): Gather axis 0 of int64 [1,6] indices",
        g -> g.output(g.node("Gather", List.of(g.weight("embedding.weight", 1, 10, 4),
            g.input("tokens", OnnxGraph.INT64, 1, 6))))));
    m.add(OnnxMember.of("embedding", "gather-matmul-mean-opset13", 13,
        "Embedding -> MatMul -> ReduceMean over the sequence", g -> {
          String e = g.node("Gather", List.of(g.weight("embedding.weight", 1, 12, 4),
              g.input("tokens", OnnxGraph.INT64, 1, 7)), i("axis", 0));
          String p = g.node("MatMul", List.of(e, g.weight("proj", 0.5, 4, 3)));
          g.output(g.node("ReduceMean", List.of(p), ints("axes", 1), i("keepdims", 0)));
        }));
    m.add(OnnxMember.of("embedding", "gather-lstm-opset11", 11,
        "Embedding -> Transpose to sequence-first -> LSTM -> last hidden state", g -> {
          String e = g.node("Gather", List.of(g.weight("embedding.weight", 1, 10, I),
              g.input("tokens", OnnxGraph.INT64, 1, T)));
          String x = g.node("Transpose", List.of(e), ints("perm", 1, 0, 2));
          String[] out = g.nodeOutputs("LSTM", List.of(x, g.weight("W", 0.5, 1, 4 * H, I),
              g.weight("R", 0.5, 1, 4 * H, H), g.weight("B", 0.5, 1, 8 * H)), 2,
              i("hidden_size", H));
          g.output(out[1]);
        }));
    return m;
  }

  private static OnnxMember rnn(String name, int opset, Rnn r) {
    String family = r.op.toLowerCase();
    return OnnxMember.of(family, name, opset, r.op + " " + r, g -> {
      List<String> inputs = new ArrayList<>(List.of(g.in(T, 1, I),
          g.weight("W", 0.5, r.dirs, r.gates() * H, I), g.weight("R", 0.5, r.dirs, r.gates() * H, H)));
      inputs.add(r.bias ? g.weight("B", 0.5, r.dirs, 2 * r.gates() * H) : "");
      if (r.initial) {
        inputs.add("");
        inputs.add(g.weight("initial_h", 0.5, r.dirs, 1, H));
        if (r.op.equals("LSTM")) {
          inputs.add(g.weight("initial_c", 0.5, r.dirs, 1, H));
        }
      }
      while (inputs.get(inputs.size() - 1).isEmpty()) {
        inputs.remove(inputs.size() - 1);
      }
      List<Onnx.AttributeProto> a = new ArrayList<>(List.of(i("hidden_size", H),
          s("direction", r.dirs == 2 ? "bidirectional" : "forward")));
      if (r.op.equals("GRU")) {
        a.add(i("linear_before_reset", r.linearBeforeReset));
      }
      String[] out = g.nodeOutputs(r.op, inputs, r.op.equals("LSTM") ? 3 : 2,
          a.toArray(Onnx.AttributeProto[]::new));
      // PyTorch: Y [T,dirs,1,H] -> Transpose [0,2,1,3] -> Reshape [T,1,dirs*H]
      String t = g.node("Transpose", List.of(out[0]), ints("perm", 0, 2, 1, 3));
      g.output(g.node("Reshape", List.of(t, g.ints("shape", T, 1, r.dirs * H))));
      g.output(out[1]);
    });
  }
}
