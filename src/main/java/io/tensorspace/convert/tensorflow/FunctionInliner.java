package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.FunctionDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.OpDef;
import io.tensorspace.convert.tensorflow.graph.SignatureDef;
import io.tensorspace.convert.tensorflow.graph.TensorInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces function calls ({@code PartitionedCall}, {@code StatefulPartitionedCall}, or an op named
 * after a library function) by the function's body, because tfjs cannot run calls. Inlined nodes
 * are named {@code <call node>/<body node>}, the scheme TensorFlow's own inliner uses, so a Keras
 * layer's ops stay under a readable {@code .../<model>/<layer>/} scope. The signature's own wrapper
 * call may be inlined without a prefix, which gives the names the official tfjs converter gives.
 */
final class FunctionInliner {
  private static final int MAX_DEPTH = 64;
  private static final Map<String, List<String>> OUTPUT_ARGS = loadOutputArgs();

  private final TfGraph graph;
  private final Map<String, FunctionDef> library = new HashMap<>();
  /** Node names given to the bodies inlined in the current pass. */
  private final Set<String> taken = new HashSet<>();

  private FunctionInliner(TfGraph graph, List<FunctionDef> lib) {
    this.graph = graph;
    for (FunctionDef f : lib) {
      library.put(f.getSignature().getName(), f);
    }
  }

  /**
   * Inlines every call in the graph, recursively.
   *
   * @param unprefixed a call node whose body keeps its own node names, or null
   */
  static void inlineAll(TfGraph graph, List<FunctionDef> lib, String unprefixed)
      throws ConversionException {
    FunctionInliner inliner = new FunctionInliner(graph, lib);
    inliner.run(unprefixed);
    // a loop with a static trip count becomes calls of its body, one per step, inlined in turn
    // (a body may hold calls and loops of its own)
    Set<String> unused = WhileUnroller.unused(graph);
    boolean unrolled = false;
    TensorListLowering.lower(graph);
    while (WhileUnroller.unroll(graph, inliner.library)) {
      inliner.run(null);
      // a loop's stacked output becomes a Pack, whose length the next loop may count steps by
      TensorListLowering.lower(graph);
      unrolled = true;
    }
    if (unrolled) {
      WhileUnroller.removeLeftovers(graph, unused);
    }
  }

  private void run(String unprefixed) throws ConversionException {
    for (int depth = 0; ; depth++) {
      List<String> calls = new ArrayList<>();
      for (NodeDef node : graph.nodes.values()) {
        if (function(node) != null) {
          calls.add(node.getName());
        }
      }
      if (calls.isEmpty()) {
        return;
      }
      if (depth == MAX_DEPTH) {
        throw new ConversionException(graph.source + ": function calls nest deeper than "
            + MAX_DEPTH + " levels (node '" + calls.get(0) + "'); recursive functions cannot be"
            + " inlined for TensorFlow.js.");
      }
      // all calls of a level at once: one pass over the graph instead of one per call (an
      // unrolled loop is thousands of calls)
      taken.clear();
      Map<String, List<NodeDef>> bodies = new HashMap<>();
      Map<String, String> outputs = new HashMap<>();
      for (String call : calls) {
        bodies.put(call, inline(graph.node(call), call.equals(unprefixed), outputs));
      }
      replaceNodes(graph, bodies, outputs);
      // only the outermost call keeps its body's names: a nested call of the same name
      // (StatefulPartitionedCall inside the signature wrapper) gets its prefix
      unprefixed = null;
    }
  }

  /** The library function a node calls, or null if it is not a call. */
  private FunctionDef function(NodeDef node) {
    String name = null;
    if (node.getOp().equals("PartitionedCall") || node.getOp().equals("StatefulPartitionedCall")) {
      name = node.getAttrOrDefault("f", AttrValue.getDefaultInstance()).getFunc().getName();
    } else if (library.containsKey(node.getOp())) {
      name = node.getOp();
    }
    return name == null ? null : library.get(name);
  }

  /**
   * The nodes that replace {@code call}; adds what each of its outputs becomes to
   * {@code outputs}.
   */
  private List<NodeDef> inline(NodeDef call, boolean unprefixed, Map<String, String> outputs)
      throws ConversionException {
    FunctionDef fn = function(call);
    OpDef sig = fn.getSignature();
    String prefix = unprefixed ? "" : call.getName() + "/";
    Map<String, AttrValue> bound = new HashMap<>(call.getAttrMap());
    if (!call.getOp().equals(sig.getName())) {
      bound.putAll(call.getAttrOrThrow("f").getFunc().getAttrMap());
    }

    // arguments: the call's data inputs, in order
    List<String> dataInputs = new ArrayList<>();
    for (String input : call.getInputList()) {
      if (!Tensors.isControl(input)) {
        dataInputs.add(Tensors.canonical(input));
      }
    }
    if (dataInputs.size() != sig.getInputArgCount()) {
      throw new ConversionException(graph.source + ": node '" + call.getName() + "' calls function '"
          + sig.getName() + "' with " + dataInputs.size() + " inputs, but it takes "
          + sig.getInputArgCount() + " (list arguments are not supported).");
    }
    Map<String, String> args = new HashMap<>();
    for (int i = 0; i < dataInputs.size(); i++) {
      args.put(sig.getInputArg(i).getName(), dataInputs.get(i));
    }

    // new, unique names for the body's nodes
    Map<String, String> names = new HashMap<>();
    Map<String, NodeDef> body = new HashMap<>();
    for (NodeDef node : fn.getNodeDefList()) {
      String name = unique(prefix + node.getName(), call.getName());
      names.put(node.getName(), name);
      body.put(node.getName(), node);
    }

    List<NodeDef> inlined = new ArrayList<>();
    for (NodeDef node : fn.getNodeDefList()) {
      NodeDef.Builder copy = node.toBuilder().clearInput().setName(names.get(node.getName()));
      copy.clearDevice();
      for (String input : node.getInputList()) {
        String resolved = resolve(input, args, names, body, fn);
        if (resolved != null) {
          copy.addInput(resolved);
        }
      }
      for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
        AttrValue value = attr.getValue();
        if (value.getValueCase() == AttrValue.ValueCase.PLACEHOLDER) {
          AttrValue actual = bound.get(value.getPlaceholder());
          if (actual == null) {
            throw new ConversionException(graph.source + ": function '" + sig.getName()
                + "' node '" + node.getName() + "' needs attr '" + value.getPlaceholder()
                + "', which the call '" + call.getName() + "' does not give.");
          }
          copy.putAttr(attr.getKey(), actual);
        }
      }
      inlined.add(copy.build());
    }

    // the call's outputs become the tensors its body returns
    for (int i = 0; i < sig.getOutputArgCount(); i++) {
      String ret = fn.getRetMap().get(sig.getOutputArg(i).getName());
      String resolved = ret == null ? null : resolve(ret, args, names, body, fn);
      if (resolved == null) {
        throw new ConversionException(graph.source + ": function '" + sig.getName()
            + "' does not return its output '" + sig.getOutputArg(i).getName() + "'.");
      }
      outputs.put(Tensors.ref(call.getName(), i), resolved);
    }
    return inlined;
  }

  /** A body input in GraphDef spelling; null for a control input on an argument (dropped). */
  private String resolve(String input, Map<String, String> args, Map<String, String> names,
      Map<String, NodeDef> body, FunctionDef fn) throws ConversionException {
    boolean control = Tensors.isControl(input);
    String s = control ? input.substring(1) : input;
    String[] parts = s.split(":");
    if (parts.length == 1 || (parts.length == 2 && args.containsKey(parts[0]))) {
      String arg = args.get(parts[0]);
      if (arg != null) {
        return control ? null : arg;
      }
      String name = names.get(parts[0]);
      if (name == null) {
        throw new ConversionException(graph.source + ": function '" + fn.getSignature().getName()
            + "' refers to unknown tensor '" + input + "'.");
      }
      return control ? "^" + name : name;
    }
    String name = names.get(parts[0]);
    NodeDef producer = body.get(parts[0]);
    if (name == null) {
      throw new ConversionException(graph.source + ": function '" + fn.getSignature().getName()
          + "' refers to unknown node '" + parts[0] + "' (input '" + input + "').");
    }
    if (control) {
      return "^" + name;
    }
    int index = parts.length == 3 ? Integer.parseInt(parts[2]) : 0;
    return Tensors.ref(name, flatIndex(producer, parts[1], index));
  }

  /** The GraphDef output index of {@code arg:index} of a node. */
  private int flatIndex(NodeDef producer, String arg, int index) {
    List<String> layout = OUTPUT_ARGS.get(producer.getOp());
    if (layout == null) {
      FunctionDef called = library.get(producer.getOp());
      if (called != null) {
        layout = new ArrayList<>();
        for (OpDef.ArgDef out : called.getSignature().getOutputArgList()) {
          layout.add(out.getName());
        }
      }
    }
    if (layout == null) {
      return index;
    }
    int position = layout.indexOf(arg);
    return position < 0 ? index : position + index;
  }

  private String unique(String name, String callName) {
    String candidate = name;
    for (int i = 1; taken.contains(candidate)
        || (graph.nodes.containsKey(candidate) && !candidate.equals(callName)); i++) {
      candidate = name + "_" + i;
    }
    taken.add(candidate);
    return candidate;
  }

  /**
   * Puts {@code inlined} where node {@code call} was and points every use of its outputs (and the
   * signature's) at {@code outputs}: output tensor of the call -> tensor that replaces it.
   */
  static void replaceNode(TfGraph graph, String call, List<NodeDef> inlined,
      Map<String, String> outputs) {
    replaceNodes(graph, Map.of(call, inlined), outputs);
  }

  /**
   * Puts each node's replacement where it was, in one pass, and points every use of the replaced
   * nodes' outputs (the replacements' own inputs and the signature's too) at what
   * {@code outputs} maps them to, following chains (a call's output that is another's input).
   */
  static void replaceNodes(TfGraph graph, Map<String, List<NodeDef>> replacements,
      Map<String, String> outputs) {
    LinkedHashMap<String, NodeDef> rebuilt = new LinkedHashMap<>();
    for (NodeDef node : graph.nodes.values()) {
      List<NodeDef> with = replacements.get(node.getName());
      if (with == null) {
        rebuilt.put(node.getName(), rewire(node, replacements.keySet(), null, outputs));
        continue;
      }
      // a body node may take its call's name (the unprefixed wrapper): within the body that
      // name is the body node, not the call
      for (NodeDef n : with) {
        rebuilt.put(n.getName(), rewire(n, replacements.keySet(), node.getName(), outputs));
      }
    }
    graph.nodes.clear();
    graph.nodes.putAll(rebuilt);
    if (graph.signature != null) {
      SignatureDef.Builder sig = graph.signature.toBuilder();
      for (Map.Entry<String, TensorInfo> e : graph.signature.getOutputsMap().entrySet()) {
        String tensor = e.getValue().getName();
        if (replacements.containsKey(Tensors.node(tensor))) {
          String target = target(Tensors.ref(Tensors.node(tensor), Tensors.index(tensor)),
              replacements.keySet(), outputs);
          sig.putOutputs(e.getKey(), e.getValue().toBuilder()
              .setName(Tensors.node(target) + ":" + Tensors.index(target)).build());
        }
      }
      graph.signature = sig.build();
    }
  }

  /** {@code node} reading replaced nodes' outputs where they went; {@code own} is not replaced. */
  private static NodeDef rewire(NodeDef node, Set<String> replaced, String own,
      Map<String, String> outputs) {
    java.util.function.Predicate<String> moved =
        input -> !Tensors.node(input).equals(own) && replaced.contains(Tensors.node(input));
    boolean touched = false;
    for (String input : node.getInputList()) {
      if (moved.test(input)) {
        touched = true;
        break;
      }
    }
    if (!touched) {
      return node;
    }
    NodeDef.Builder b = node.toBuilder().clearInput();
    for (String input : node.getInputList()) {
      if (!moved.test(input)) {
        b.addInput(input);
      } else if (!Tensors.isControl(input)) {
        b.addInput(target(Tensors.ref(Tensors.node(input), Tensors.index(input)), replaced,
            outputs));
      }
      // a control dependency on the call is dropped: the inlined body has no side effects left
    }
    return b.build();
  }

  /** What a replaced node's output becomes, through replaced nodes that pass it on. */
  private static String target(String tensor, Set<String> replaced, Map<String, String> outputs) {
    String t = tensor;
    // a cycle of calls (a broken graph) ends the walk; so does an output no body returns
    for (int hops = 0; hops <= replaced.size() && replaced.contains(Tensors.node(t)); hops++) {
      String next = outputs.get(Tensors.ref(Tensors.node(t), Tensors.index(t)));
      if (next == null) {
        break;
      }
      t = next;
    }
    return t;
  }

  private static Map<String, List<String>> loadOutputArgs() {
    Map<String, List<String>> layouts = new HashMap<>();
    try (InputStream in = FunctionInliner.class.getResourceAsStream("op-outputs.txt")) {
      if (in == null) {
        throw new IllegalStateException("op-outputs.txt missing from the plugin jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.trim().split("\\s+");
        layouts.put(cells[0], List.of(cells).subList(1, cells.length));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(layouts);
  }
}
