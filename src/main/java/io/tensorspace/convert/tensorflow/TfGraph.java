package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.convert.tensorflow.graph.SignatureDef;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph on its way to a graph-model: nodes by name in file order, the values of frozen variables
 * (kept apart from the nodes so big tensors are read only when written), and the signature in
 * terms of this graph's tensor names. Readers fill it; the converter prunes and checks it.
 */
final class TfGraph {
  final Path source;
  final String generatedBy;
  final LinkedHashMap<String, NodeDef> nodes = new LinkedHashMap<>();
  /** Values of Const nodes made from variables, by node name (other Consts carry their value). */
  final Map<String, Weight> frozen = new HashMap<>();
  SignatureDef signature;
  /** True when the graph came from Keras, whose layer name scopes make the default selection. */
  boolean keras;
  /** True for a SavedModel read without signature: its graph may hold training ops. */
  boolean mayHoldTraining;
  /** Loops left in the graph (not unrolled), by node name: why their trip count is not static. */
  final Map<String, String> loopNotes = new LinkedHashMap<>();
  /** Loops unrolled into {@code <loop>/step_<k>/...} copies of their body. */
  final Set<String> unrolledLoops = new HashSet<>();
  int producer;
  AutoCloseable resources;

  TfGraph(Path source, String generatedBy) {
    this.source = source;
    this.generatedBy = generatedBy;
  }

  void put(NodeDef node) {
    nodes.put(node.getName(), node);
  }

  NodeDef node(String name) {
    return nodes.get(name);
  }

  /** Names of the nodes each node feeds (data and control edges). */
  Map<String, List<String>> consumers() {
    Map<String, List<String>> out = new HashMap<>();
    for (NodeDef node : nodes.values()) {
      for (String input : node.getInputList()) {
        String producer = Tensors.node(input);
        List<String> readers = out.get(producer);
        if (readers == null) {
          readers = new ArrayList<>();
          out.put(producer, readers);
        }
        readers.add(node.getName());
      }
    }
    return out;
  }

  /** The named nodes and everything they depend on (data edges only). */
  Set<String> ancestors(Iterable<String> roots) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String root : roots) {
      todo.add(Tensors.node(root));
    }
    while (!todo.isEmpty()) {
      String name = todo.pop();
      NodeDef node = nodes.get(name);
      if (node == null || !seen.add(name)) {
        continue;
      }
      for (String input : node.getInputList()) {
        if (!Tensors.isControl(input)) {
          todo.push(Tensors.node(input));
        }
      }
    }
    return seen;
  }

  /** Node names in an order where every node comes after its data inputs (file order otherwise). */
  List<String> topologicalOrder() {
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> active = new HashSet<>();
    for (String name : nodes.keySet()) {
      visit(name, done, active, order);
    }
    return order;
  }

  private void visit(String start, Set<String> done, Set<String> active, List<String> order) {
    // iterative DFS: deep graphs (unrolled RNNs) would overflow the stack recursively
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {start, 0});
    while (!stack.isEmpty()) {
      Object[] frame = stack.peek();
      String name = (String) frame[0];
      NodeDef node = nodes.get(name);
      if (node == null || done.contains(name)) {
        stack.pop();
        continue;
      }
      active.add(name);
      int i = (Integer) frame[1];
      boolean pushed = false;
      while (i < node.getInputCount()) {
        String input = node.getInput(i++);
        String dep = Tensors.node(input);
        if (!Tensors.isControl(input) && !done.contains(dep) && !active.contains(dep)
            && nodes.containsKey(dep)) {
          frame[1] = i;
          stack.push(new Object[] {dep, 0});
          pushed = true;
          break;
        }
      }
      if (!pushed) {
        stack.pop();
        active.remove(name);
        done.add(name);
        order.add(name);
      }
    }
  }

  /**
   * Removes the nodes nothing reads that {@code removable} accepts, then those that only they
   * read, and so on (counting readers once, so a long chain goes in one pass).
   */
  void removeUnread(java.util.function.Predicate<NodeDef> removable) {
    Map<String, Integer> readers = new HashMap<>();
    for (NodeDef node : nodes.values()) {
      for (String input : node.getInputList()) {
        readers.merge(Tensors.node(input), 1, Integer::sum);
      }
    }
    Deque<String> todo = new ArrayDeque<>();
    for (NodeDef node : nodes.values()) {
      if (!readers.containsKey(node.getName()) && removable.test(node)) {
        todo.push(node.getName());
      }
    }
    while (!todo.isEmpty()) {
      NodeDef node = nodes.remove(todo.pop());
      if (node == null) {
        continue;
      }
      frozen.remove(node.getName());
      for (String input : node.getInputList()) {
        String producer = Tensors.node(input);
        NodeDef p = nodes.get(producer);
        if (readers.merge(producer, -1, Integer::sum) == 0 && p != null && removable.test(p)) {
          todo.push(producer);
        }
      }
    }
  }

  /** Keeps only the named nodes, in their current order. */
  void retain(Set<String> keep) {
    nodes.keySet().retainAll(keep);
    frozen.keySet().retainAll(keep);
  }

  /** A copy of the nodes in order, for building a GraphDef. */
  List<NodeDef> nodeList() {
    return new ArrayList<>(nodes.values());
  }
}
