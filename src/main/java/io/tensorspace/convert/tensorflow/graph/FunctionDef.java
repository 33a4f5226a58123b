package io.tensorspace.convert.tensorflow.graph;

import java.util.List;
import java.util.Map;

/**
 * A function of a SavedModel's library: its signature (name, argument names), its body's nodes
 * (inputs spelled {@code node:arg:index} or by argument name) and which tensor each output
 * returns.
 */
public final class FunctionDef {
  private final OpDef signature;
  private final List<NodeDef> nodeDef;
  private final Map<String, String> ret;

  /**
   * @param signature name and arguments
   * @param nodeDef the body
   * @param ret body tensor by output argument name
   */
  public FunctionDef(OpDef signature, List<NodeDef> nodeDef, Map<String, String> ret) {
    this.signature = signature;
    this.nodeDef = List.copyOf(nodeDef);
    this.ret = Map.copyOf(ret);
  }

  public OpDef getSignature() {
    return signature;
  }

  public List<NodeDef> getNodeDefList() {
    return nodeDef;
  }

  public int getNodeDefCount() {
    return nodeDef.size();
  }

  public Map<String, String> getRetMap() {
    return ret;
  }
}
