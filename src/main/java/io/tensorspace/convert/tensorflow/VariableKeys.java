package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.tensorflow.graph.AttrValue;
import io.tensorspace.convert.tensorflow.graph.FunctionDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which checkpoint tensor holds which variable, read from the SavedModel's own restore graph (the
 * saver's {@code RestoreV2} names and the {@code Assign}/{@code AssignVariableOp} that take its
 * outputs). TF2 object-graph names repeat (two tf.Variables may both be "Variable"), so the
 * restore graph is the only reliable map; without it, variables are looked up by node name.
 */
final class VariableKeys {
  private final Map<String, String> byVariable = new HashMap<>();

  String key(String variableNode) {
    return byVariable.get(variableNode);
  }

  /**
   * @param restoreOpName the saver's restore op ({@code SaverDef.restore_op_name}), may be empty
   * @param functions the graph's function library
   */
  static VariableKeys of(String restoreOpName, List<FunctionDef> functions, TfGraph graph) {
    VariableKeys keys = new VariableKeys();
    Map<String, NodeDef> outer = new HashMap<>(graph.nodes);
    // TF1: save/Assign_k = Assign(variable, save/RestoreV2:k) in the graph itself
    keys.scan(outer, Map.of());
    // TF2: the restore op is a call of a function whose arguments are the variables' handles
    Map<String, FunctionDef> library = new HashMap<>();
    for (FunctionDef f : functions) {
      library.put(f.getSignature().getName(), f);
    }
    String restoreOp = Tensors.node(restoreOpName);
    for (NodeDef node : outer.values()) {
      boolean call = node.getOp().endsWith("PartitionedCall");
      if (!call || (!restoreOp.isEmpty() && !node.getName().equals(restoreOp))) {
        continue;
      }
      FunctionDef fn = library.get(
          node.getAttrOrDefault("f", AttrValue.getDefaultInstance()).getFunc().getName());
      if (fn == null) {
        continue;
      }
      Map<String, String> args = new HashMap<>();
      List<String> inputs = node.getInputList().stream().filter(i -> !Tensors.isControl(i)).toList();
      for (int i = 0; i < Math.min(inputs.size(), fn.getSignature().getInputArgCount()); i++) {
        args.put(fn.getSignature().getInputArg(i).getName(), Tensors.node(inputs.get(i)));
      }
      Map<String, NodeDef> body = new HashMap<>();
      fn.getNodeDefList().forEach(n -> body.put(n.getName(), n));
      keys.scan(body, args);
    }
    return keys;
  }

  /**
   * Finds {@code Assign*(variable, RestoreV2:k)} in one scope (the graph, or a function body whose
   * arguments {@code args} are outer node names).
   */
  private void scan(Map<String, NodeDef> scope, Map<String, String> args) {
    for (NodeDef node : scope.values()) {
      if (!(node.getOp().equals("Assign") || node.getOp().equals("AssignVariableOp"))
          || node.getInputCount() < 2) {
        continue;
      }
      String variable = follow(scope, args, node.getInput(0));
      String[] restore = source(scope, node.getInput(1));
      if (variable == null || restore == null) {
        continue;
      }
      NodeDef restoreNode = scope.get(restore[0]);
      if (!restoreNode.getOp().equals("RestoreV2") || restoreNode.getInputCount() < 2) {
        continue;
      }
      NodeDef names = scope.get(refNode(restoreNode.getInput(1)));
      if (names == null || !names.getOp().equals("Const")) {
        continue;
      }
      int k = Integer.parseInt(restore[1]);
      var strings = names.getAttrOrThrow("value").getTensor().getStringValList();
      if (k < strings.size()) {
        byVariable.putIfAbsent(variable, strings.get(k).toStringUtf8());
      }
    }
  }

  /** The outer variable node an input refers to (through Identity), or null. */
  private static String follow(Map<String, NodeDef> scope, Map<String, String> args, String input) {
    for (int hops = 0; hops < 16; hops++) {
      String name = refNode(input);
      if (args.containsKey(name)) {
        return args.get(name);
      }
      NodeDef node = scope.get(name);
      if (node == null) {
        return null;
      }
      if (isVariable(node)) {
        return name;
      }
      if (!node.getOp().equals("Identity") || node.getInputCount() == 0) {
        return null;
      }
      input = node.getInput(0);
    }
    return null;
  }

  private static boolean isVariable(NodeDef node) {
    return node.getOp().equals("VariableV2") || node.getOp().equals("Variable")
        || node.getOp().equals("VarHandleOp");
  }

  /** {RestoreV2 node, output index} behind an input (through Identity), or null. */
  private static String[] source(Map<String, NodeDef> scope, String input) {
    for (int hops = 0; hops < 16; hops++) {
      NodeDef node = scope.get(refNode(input));
      if (node == null) {
        return null;
      }
      if (node.getOp().equals("RestoreV2")) {
        return new String[] {node.getName(), Integer.toString(refIndex(input))};
      }
      if (!node.getOp().equals("Identity")) {
        return null;
      }
      input = node.getInput(0);
    }
    return null;
  }

  /** Node of a graph ({@code n:1}) or function-body ({@code n:arg:1}) reference. */
  private static String refNode(String ref) {
    String s = Tensors.isControl(ref) ? ref.substring(1) : ref;
    int colon = s.indexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  private static int refIndex(String ref) {
    String[] parts = ref.split(":");
    return parts.length == 1 ? 0 : Integer.parseInt(parts[parts.length - 1]);
  }
}
