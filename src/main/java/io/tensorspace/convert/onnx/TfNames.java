package io.tensorspace.convert.onnx;

import java.util.HashSet;
import java.util.Set;

/**
 * TensorFlow node names for ONNX tensor names ({@code /features/features.0/Conv_output_0},
 * {@code onnx::Conv_12}, {@code 33}): characters TensorFlow names do not allow become '_', leading
 * and doubled '/' go, and a name already taken gets the first free {@code _<n>} suffix — so the
 * same model always gives the same names.
 */
final class TfNames {
  private final Set<String> used = new HashSet<>();

  static String sanitize(String onnxName) {
    String s = onnxName.replaceAll("[^A-Za-z0-9_.\\-/]", "_").replaceAll("/+", "/");
    s = s.replaceAll("^/+", "").replaceAll("/+$", "");
    if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) && s.charAt(0) != '.') {
      s = "t" + s;
    }
    return s;
  }

  /** A fresh name based on {@code wanted} (sanitized). */
  String unique(String wanted) {
    String base = sanitize(wanted);
    String name = base;
    for (int n = 1; !used.add(name); n++) {
      name = base + "_" + n;
    }
    return name;
  }

  boolean taken(String name) {
    return used.contains(name);
  }
}
