package io.tensorspace.convert.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model as the reader leaves it: the graph with its nodes in file order, initializers
 * whose data stays in the file until written, and the operator sets it imports.
 *
 * @param file the .onnx file, for messages and for reading tensor data
 * @param irVersion the ONNX IR version (1 = the oldest exports, which import no opset)
 * @param producer producer name and version, e.g. "pytorch 2.0.0"
 * @param opsets imported operator-set versions by domain ("" = the default ai.onnx domain)
 * @param graph the main graph
 */
public record OnnxModel(Path file, long irVersion, String producer, Map<String, Long> opsets,
    Graph graph) {

  public OnnxModel {
    opsets = Map.copyOf(opsets);
  }

  /** The default domain's opset version, or 0 when the model imports none. */
  public long opset() {
    Long v = opsets.get("");
    return v == null ? opsets.getOrDefault("ai.onnx", 0L) : v;
  }

  /** A graph: the main one or the body of an attribute (If branches, loops). */
  public record Graph(String name, List<Node> nodes, Map<String, OnnxTensor> initializers,
      List<ValueInfo> inputs, List<ValueInfo> outputs, List<ValueInfo> valueInfo) {
    public Graph {
      nodes = List.copyOf(nodes);
      initializers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(initializers));
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      valueInfo = List.copyOf(valueInfo);
    }
  }

  /** One node; an empty input name is an omitted optional input. */
  public record Node(String name, String opType, String domain, List<String> inputs,
      List<String> outputs, Map<String, OnnxAttribute> attributes) {
    public Node {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }

    /** The node name, or its first output's name when unnamed (old exports name no node). */
    public String label() {
      return !name.isEmpty() ? name : outputs.isEmpty() ? opType : outputs.get(0);
    }
  }

  /**
   * A graph input, output or annotated value: element type and dimensions (-1 unknown, with the
   * symbolic name in {@code dimParams} where the model gives one).
   */
  public record ValueInfo(String name, int elemType, long[] dims, List<String> dimParams) {
    public ValueInfo {
      dims = dims == null ? null : dims.clone();
      dimParams = dimParams == null ? null : java.util.Collections.unmodifiableList(
          new java.util.ArrayList<>(dimParams));
    }

    /** Null when the model states no shape. */
    @Override
    public long[] dims() {
      return dims == null ? null : dims.clone();
    }
  }
}
