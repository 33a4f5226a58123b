package io.tensorspace.convert.summary;

import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.LayersModel.Layer;
import io.tensorspace.convert.model.OutputShapes;
import io.tensorspace.convert.model.Weight;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every layer of a model a user can pick, with what helps to pick it. */
public final class ModelSummary implements Summary {
  private final String source;
  private final List<Row> rows;

  private ModelSummary(String source, List<Row> rows) {
    this.source = source;
    this.rows = List.copyOf(rows);
  }

  /**
   * One layer.
   *
   * @param outputShape e.g. {@code [null, 24, 24, 6]}, or {@code ?} when it cannot be inferred
   */
  public record Row(String name, String className, String outputShape, long parameters,
      List<String> inbound) {}

  public static ModelSummary of(LayersModel model) {
    Map<String, List<Long>> shapes = OutputShapes.infer(model);
    List<Row> rows = new ArrayList<>();
    for (Layer layer : model.layers()) {
      long parameters = 0;
      for (Weight weight : model.weightsByLayer().getOrDefault(layer.name(), List.of())) {
        parameters += weight.elementCount();
      }
      List<Long> shape = shapes.get(layer.name());
      rows.add(new Row(layer.name(), layer.className(), shape == null ? "?" : format(shape),
          parameters, layer.inboundLayers()));
    }
    return new ModelSummary(model.source().toString(), rows);
  }

  public List<Row> rows() {
    return rows;
  }

  private static String format(List<Long> shape) {
    List<String> dims = new ArrayList<>();
    shape.forEach(d -> dims.add(d == null ? "null" : d.toString()));
    return "[" + String.join(", ", dims) + "]";
  }

  /** A plain-text table, one line per layer. */
  @Override
  public List<String> toLines() {
    String[] header = {"Layer", "Class", "Output shape", "Params", "Inbound"};
    List<String[]> cells = new ArrayList<>();
    cells.add(header);
    long total = 0;
    for (Row row : rows) {
      cells.add(new String[] {row.name(), row.className(), row.outputShape(),
          Long.toString(row.parameters()), String.join(", ", row.inbound())});
      total += row.parameters();
    }
    List<String> lines = new ArrayList<>();
    lines.add("Model " + source + ": " + rows.size() + " layers, " + total + " parameters");
    lines.addAll(Columns.align(cells));
    return lines;
  }
}
