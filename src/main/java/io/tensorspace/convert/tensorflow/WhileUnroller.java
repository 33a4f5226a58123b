package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.FunctionDef;
import io.tensorspace.convert.tensorflow.graph.NameAttrList;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces a functional {@code While} whose trip count is static by one call of its body per
 * step, named {@code <while>/step_<k>}, which {@link FunctionInliner} then inlines: tfjs runs
 * loops only through executeAsync(), TensorSpace runs models with execute(), and unrolled every
 * step's activation can be selected. This is how tf.keras lowers RNN layers in a SavedModel; the
 * trip count is static when the signature fixes the number of time steps.
 *
 * <p>A trip count is static when the condition is a conjunction of {@code counter < bound} whose
 * counters start at a known value and grow by a constant step in the body, and whose bounds are
 * loop-invariant and known (constants, static shapes). Loops that are not get a note in
 * {@link TfGraph#loopNotes} and stay, to be refused with that reason.
 */
final class WhileUnroller {
  /** More steps than this would make a graph too big to load; such loops are refused. */
  static final int MAX_STEPS = 4096;
  /** Nor is a loop unrolled past this many nodes in the graph (nested loops multiply). */
  static final int MAX_NODES = 200_000;

  private final TfGraph graph;
  private final Map<String, FunctionDef> library;
  private final StaticInts values;

  private WhileUnroller(TfGraph graph, Map<String, FunctionDef> library) {
    this.graph = graph;
    this.library = library;
    this.values = new StaticInts(graph);
  }

  /** Unrolls every loop it can; true when it unrolled one (its step calls need inlining). */
  static boolean unroll(TfGraph graph, Map<String, FunctionDef> library) {
    WhileUnroller unroller = new WhileUnroller(graph, library);
    boolean changed = false;
    for (NodeDef node : graph.nodeList()) {
      if (!node.getOp().equals("While") && !node.getOp().equals("StatelessWhile")) {
        continue;
      }
      Trip trip = unroller.tripCount(node);
      if (trip.steps() < 0) {
        graph.loopNotes.put(node.getName(), trip.why());
        continue;
      }
      // a loop may count its steps by an earlier loop's output: known once that one is unrolled
      graph.loopNotes.remove(node.getName());
      unroller.replace(node, trip.steps());
      changed = true;
    }
    return changed;
  }

  /** A static trip count, or -1 and why there is none. */
  private record Trip(int steps, String why) {
    static Trip dynamic(String why) {
      return new Trip(-1, why);
    }
  }

  private Trip tripCount(NodeDef loop) {
    FunctionDef cond = library.get(func(loop, "cond"));
    FunctionDef body = library.get(func(loop, "body"));
    if (cond == null || body == null) {
      return Trip.dynamic("its condition or body function is not in the graph's library");
    }
    List<String> inputs = dataInputs(loop);
    if (cond.getSignature().getOutputArgCount() != 1) {
      return Trip.dynamic("its condition does not return one value");
    }
    List<String[]> terms = new ArrayList<>();
    if (!lessTerms(cond, cond.getRetMap().get(cond.getSignature().getOutputArg(0).getName()),
        terms)) {
      return Trip.dynamic("its condition is not a conjunction of 'counter < bound' comparisons");
    }
    long steps = Long.MAX_VALUE;
    for (String[] term : terms) {
      int counter = argIndex(cond, term[0]);
      if (counter < 0 || counter >= inputs.size()) {
        return Trip.dynamic("its condition compares '" + term[0] + "', which is no loop variable");
      }
      Long start = values.scalar(inputs.get(counter));
      Long increment = increment(body, counter);
      Long bound = bound(cond, body, term[1], inputs);
      if (start == null || increment == null || increment <= 0) {
        return Trip.dynamic("its loop variable " + counter + " does not start at a constant and"
            + " grow by a constant step");
      }
      if (bound == null) {
        int j = argIndex(cond, term[1]);
        String what = j >= 0 && j < inputs.size() ? "'" + inputs.get(j) + "'" : "'" + term[1] + "'";
        return Trip.dynamic("its bound " + what + " (compared with loop variable " + counter
            + ") is not known before the graph runs");
      }
      steps = Math.min(steps, Math.max(0, Math.floorDiv(bound - start + increment - 1, increment)));
    }
    if (steps > MAX_STEPS) {
      return Trip.dynamic("it runs " + steps + " steps, more than the " + MAX_STEPS
          + " this plugin unrolls");
    }
    if (graph.nodes.size() + steps * body.getNodeDefCount() > MAX_NODES) {
      return Trip.dynamic("its " + steps + " steps of " + body.getNodeDefCount() + " nodes would"
          + " grow the graph past the " + MAX_NODES + " nodes this plugin unrolls to");
    }
    return new Trip((int) steps, null);
  }

  /** Collects {@code [counter, bound]} of each Less in a LogicalAnd tree; false otherwise. */
  private static boolean lessTerms(FunctionDef fn, String tensor, List<String[]> out) {
    NodeDef node = producer(fn, tensor);
    if (node == null) {
      return false;
    }
    List<String> in = node.getInputList().stream().filter(i -> !Tensors.isControl(i)).toList();
    if (node.getOp().equals("LogicalAnd") && in.size() == 2) {
      return lessTerms(fn, in.get(0), out) && lessTerms(fn, in.get(1), out);
    }
    if (node.getOp().equals("Less") && in.size() == 2) {
      String counter = source(fn, in.get(0));
      if (argIndex(fn, counter) < 0) {
        return false;
      }
      out.add(new String[] {counter, source(fn, in.get(1))});
      return true;
    }
    return false;
  }

  /** The step by which the body grows loop variable {@code i} (an Add of it and a constant). */
  private static Long increment(FunctionDef body, int i) {
    NodeDef add = producer(body, ret(body, i));
    String arg = body.getSignature().getInputArg(i).getName();
    if (add == null || !(add.getOp().equals("Add") || add.getOp().equals("AddV2"))) {
      return null;
    }
    String a = source(body, add.getInput(0));
    String b = source(body, add.getInput(1));
    String constant = a.equals(arg) ? b : b.equals(arg) ? a : null;
    return constant == null ? null : constantValue(body, constant);
  }

  /** A bound: a constant of the condition, or a loop-invariant variable known statically. */
  private Long bound(FunctionDef cond, FunctionDef body, String name, List<String> inputs) {
    int j = argIndex(cond, name);
    if (j < 0) {
      return constantValue(cond, name);
    }
    boolean invariant = source(body, ret(body, j)).equals(body.getSignature().getInputArg(j)
        .getName());
    return invariant && j < inputs.size() ? values.scalar(inputs.get(j)) : null;
  }

  /** The body's returned tensor for loop variable {@code i}. */
  private static String ret(FunctionDef body, int i) {
    return body.getRetMap().get(body.getSignature().getOutputArg(i).getName());
  }

  /** The node or argument a body tensor comes from, through Identity ops. */
  private static String source(FunctionDef fn, String tensor) {
    String name = tensor == null ? "" : tensor.split(":")[0];
    for (int hops = 0; hops < 64; hops++) {
      NodeDef node = find(fn, name);
      if (node == null || !node.getOp().equals("Identity") || node.getInputCount() == 0) {
        return name;
      }
      name = node.getInput(0).split(":")[0];
    }
    return name;
  }

  private static NodeDef producer(FunctionDef fn, String tensor) {
    return find(fn, source(fn, tensor));
  }

  private static NodeDef find(FunctionDef fn, String name) {
    for (NodeDef node : fn.getNodeDefList()) {
      if (node.getName().equals(name)) {
        return node;
      }
    }
    return null;
  }

  private static int argIndex(FunctionDef fn, String name) {
    for (int i = 0; i < fn.getSignature().getInputArgCount(); i++) {
      if (fn.getSignature().getInputArg(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** An integer scalar Const of a function body, or null. */
  private static Long constantValue(FunctionDef fn, String name) {
    NodeDef node = find(fn, name);
    if (node == null || !node.getOp().equals("Const")) {
      return null;
    }
    List<Long> value = StaticInts.constantValue(node);
    return value == null || value.size() != 1 ? null : value.get(0);
  }

  private static String func(NodeDef node, String attr) {
    return node.getAttrOrDefault(attr, AttrValue.getDefaultInstance()).getFunc().getName();
  }

  private static List<String> dataInputs(NodeDef node) {
    return node.getInputList().stream().filter(i -> !Tensors.isControl(i))
        .map(Tensors::canonical).toList();
  }

  /** The loop becomes {@code steps} chained calls of its body; its outputs, the last call's. */
  private void replace(NodeDef loop, int steps) {
    String name = loop.getName();
    List<String> current = dataInputs(loop);
    AttrValue body = loop.getAttrOrThrow("body");
    AttrValue types = loop.getAttrOrDefault("T", AttrValue.getDefaultInstance());
    List<NodeDef> calls = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      String call = name + "/step_" + k;
      calls.add(NodeDef.newBuilder().setName(call).setOp("PartitionedCall").addAllInput(current)
          .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder()
              .mergeFrom(body.getFunc())).build())
          .putAttr("Tin", types).putAttr("Tout", types).build());
      List<String> next = new ArrayList<>();
      for (int i = 0; i < current.size(); i++) {
        next.add(Tensors.ref(call, i));
      }
      current = next;
    }
    Map<String, String> outputs = new HashMap<>();
    for (int i = 0; i < current.size(); i++) {
      outputs.put(Tensors.ref(name, i), current.get(i));
    }
    FunctionInliner.replaceNode(graph, name, calls, outputs);
    graph.unrolledLoops.add(name);
  }

  /** Nodes nothing reads (and the signature does not name). */
  static Set<String> unused(TfGraph graph) {
    Map<String, List<String>> consumers = graph.consumers();
    Set<String> named = signatureNodes(graph);
    Set<String> out = new HashSet<>();
    for (String name : graph.nodes.keySet()) {
      if (!consumers.containsKey(name) && !named.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * Removes what unrolling left unread: inputs only the loop read (its length, its counters'
   * limits) and the last step's counter updates, which would otherwise pass for a layer's last op.
   * Nodes that were unread before stay as they were.
   */
  static void removeLeftovers(TfGraph graph, Set<String> unusedBefore) {
    Set<String> named = signatureNodes(graph);
    graph.removeUnread(n -> !unusedBefore.contains(n.getName()) && !named.contains(n.getName()));
  }

  private static Set<String> signatureNodes(TfGraph graph) {
    Set<String> named = new HashSet<>();
    if (graph.signature != null) {
      graph.signature.getInputsMap().values().forEach(t -> named.add(Tensors.node(t.getName())));
      graph.signature.getOutputsMap().values().forEach(t -> named.add(Tensors.node(t.getName())));
    }
    return named;
  }
}
