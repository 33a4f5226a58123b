package io.tensorspace.convert.summary;

import java.util.ArrayList;
import java.util.List;

/** Rows of cells as text lines, each column padded to its widest cell, two spaces apart. */
public final class Columns {
  private Columns() {}

  /** One line per row, trailing spaces removed. */
  public static List<String> align(List<String[]> cells) {
    int columns = cells.stream().mapToInt(line -> line.length).max().orElse(0);
    int[] widths = new int[columns];
    for (String[] line : cells) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] line : cells) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        text.append(String.format("%-" + Math.max(1, widths[i]) + "s", line[i]));
        if (i < line.length - 1) {
          text.append("  ");
        }
      }
      lines.add(text.toString().stripTrailing());
    }
    return lines;
  }
}
