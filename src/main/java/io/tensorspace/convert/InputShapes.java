package io.tensorspace.convert;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code inputShape} setting: the full shape of model inputs by name, e.g.
 * {@code input:1x3x224x224}, several separated by {@code ;}. A lone shape without a name
 * ({@code 1x3x224x224}) means the model's only input and is kept under the name {@link #ONLY}.
 * Only ONNX models read it: their dynamic dimensions need a value.
 */
public final class InputShapes {
  /** The key of a shape given without an input name. */
  public static final String ONLY = "";
  public static final InputShapes NONE = new InputShapes(Map.of());

  private final Map<String, long[]> shapes;

  private InputShapes(Map<String, long[]> shapes) {
    this.shapes = shapes;
  }

  /** Parses the setting; null or blank is {@link #NONE}. */
  public static InputShapes parse(String text) throws ConversionException {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    Map<String, long[]> shapes = new LinkedHashMap<>();
    String[] entries = text.split(";");
    for (String entry : entries) {
      String trimmed = entry.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int colon = trimmed.lastIndexOf(':');
      String name = colon < 0 ? ONLY : trimmed.substring(0, colon).trim();
      if (colon >= 0 && name.isEmpty() || name.equals(ONLY) && entries.length > 1) {
        throw new ConversionException("inputShape '" + text + "': name each input when giving"
            + " several, e.g. 'input:1x3x224x224;mask:1x224x224'.");
      }
      if (shapes.put(name, dims(text, trimmed.substring(colon + 1).trim())) != null) {
        throw new ConversionException("inputShape '" + text + "' gives input '" + name
            + "' twice.");
      }
    }
    return new InputShapes(Map.copyOf(shapes));
  }

  private static long[] dims(String text, String shape) throws ConversionException {
    String[] parts = shape.split("x", -1);
    long[] dims = new long[parts.length];
    for (int k = 0; k < parts.length; k++) {
      try {
        dims[k] = Long.parseLong(parts[k].trim());
      } catch (NumberFormatException e) {
        dims[k] = -1;
      }
      if (dims[k] < 1 || dims[k] > Integer.MAX_VALUE) {
        throw new ConversionException("inputShape '" + text + "': '" + shape + "' is not a"
            + " shape; write every dimension as a positive number joined by 'x', e.g."
            + " 'input:1x3x224x224' (or '1x3x224x224' for a model's only input).");
      }
    }
    return dims;
  }

  /** The shapes by input name (a copy of each). */
  public Map<String, long[]> byName() {
    Map<String, long[]> copy = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> input : shapes.entrySet()) {
      copy.put(input.getKey(), input.getValue().clone());
    }
    return copy;
  }

  public boolean isEmpty() {
    return shapes.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputShapes other && toString().equals(other.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** Stable text, names sorted: the up-to-date check fingerprints it. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, long[]> input : new java.util.TreeMap<>(shapes).entrySet()) {
      StringBuilder part = new StringBuilder(input.getKey().equals(ONLY) ? "" : input.getKey() + ":");
      long[] dims = input.getValue();
      for (int i = 0; i < dims.length; i++) {
        part.append(i == 0 ? "" : "x").append(dims[i]);
      }
      parts.add(part.toString());
    }
    return String.join(";", parts);
  }
}
