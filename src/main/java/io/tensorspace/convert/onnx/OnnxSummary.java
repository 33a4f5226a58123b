package io.tensorspace.convert.onnx;

import io.tensorspace.convert.summary.Columns;
import io.tensorspace.convert.summary.Summary;
import java.util.ArrayList;
import java.util.List;

/** Every ONNX node output: op, NCHW shape, names, and the TensorFlow node it became. */
final class OnnxSummary implements Summary {
  private static final String[] HEADER = {"", "ONNX output", "ONNX node", "Op", "Shape (ONNX)",
      "TensorFlow node"};
  private final String source;
  private final List<String[]> rows;

  OnnxSummary(String source, List<String[]> rows) {
    this.source = source;
    this.rows = List.copyOf(rows);
  }

  @Override
  public List<String> toLines() {
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    cells.addAll(rows);
    List<String> lines = new ArrayList<>();
    lines.add("ONNX model " + source + ": " + rows.size()
        + " selectable node outputs (* = default selection)");
    lines.addAll(Columns.align(cells));
    return lines;
  }
}
