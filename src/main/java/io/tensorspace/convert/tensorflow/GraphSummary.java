package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.summary.Columns;
import io.tensorspace.convert.summary.Summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every node of a graph a user can select, with its op, output shape and name scope. */
public final class GraphSummary implements Summary {
  /**
   * One selectable node.
   *
   * @param shape e.g. {@code [-1, 28, 28, 6]}, or {@code ?} when unknown
   * @param scope the name scope (a Keras layer's, in Keras-made graphs), empty at the top
   * @param suggested whether the default selection exposes it
   */
  public record Row(String name, String op, String shape, String scope, boolean suggested) {}

  private final String source;
  private final List<Row> rows;

  private GraphSummary(String source, List<Row> rows) {
    this.source = source;
    this.rows = List.copyOf(rows);
  }

  static GraphSummary of(TfGraph graph, NodeSelection selection) {
    Set<String> suggested = Set.copyOf(selection.defaults());
    Map<String, String> shapes = ShapeInference.infer(graph);
    List<Row> rows = new ArrayList<>();
    for (String name : selection.selectable()) {
      rows.add(new Row(name, graph.node(name).getOp(), shapes.getOrDefault(name, "?"),
          NodeSelection.scope(name), suggested.contains(name)));
    }
    return new GraphSummary(graph.source.toString(), rows);
  }

  public List<Row> rows() {
    return rows;
  }

  public String source() {
    return source;
  }

  /** The nodes the default selection exposes, in order. */
  public List<String> suggested() {
    return rows.stream().filter(Row::suggested).map(Row::name).toList();
  }

  /** A plain-text table, one line per node; {@code *} marks the default selection. */
  @Override
  public List<String> toLines() {
    String[] header = {"", "Node", "Op", "Output shape", "Scope"};
    List<String[]> cells = new ArrayList<>();
    cells.add(header);
    for (Row row : rows) {
      cells.add(new String[] {row.suggested() ? "*" : "", row.name(), row.op(), row.shape(),
          row.scope()});
    }
    List<String> lines = new ArrayList<>();
    lines.add("Graph " + source + ": " + rows.size() + " selectable nodes (* = default selection)");
    lines.addAll(Columns.align(cells));
    return lines;
  }
}
