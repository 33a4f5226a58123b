package io.tensorspace.testing.onnx;

import io.tensorspace.testing.onnx.Onnx.ModelProto;
import java.util.function.Consumer;

/**
 * One generated ONNX model of an op family: {@code <family>/<name>}, what it exercises, and the
 * model. Every member must load and run in ONNX Runtime, which then computes its reference.
 */
public record OnnxMember(String family, String name, String notes, ModelProto model) {
  /** The model's file name inside its case folder. */
  public static final String FILE = "model.onnx";

  /**
   * Builds a member: {@code body} declares the inputs, nodes and outputs on a fresh graph whose
   * naming style rotates with the name (so every family has all three styles).
   */
  public static OnnxMember of(String family, String name, int opset, String notes,
      Consumer<OnnxGraph> body) {
    OnnxGraph.Names[] styles = OnnxGraph.Names.values();
    OnnxGraph graph = new OnnxGraph(family + "-" + name,
        styles[Math.floorMod((family + name).hashCode(), styles.length)]);
    body.accept(graph);
    return new OnnxMember(family, name, "opset " + opset + ": " + notes, graph.model(opset));
  }

  public String id() {
    return family + "/" + name;
  }
}
