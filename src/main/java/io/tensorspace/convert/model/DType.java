package io.tensorspace.convert.model;

import java.util.Locale;

/** The element types a TensorFlow.js weights manifest can declare. */
public enum DType {
  FLOAT32(4),
  INT32(4),
  BOOL(1);

  private final int bytesPerElement;

  DType(int bytesPerElement) {
    this.bytesPerElement = bytesPerElement;
  }

  public int bytesPerElement() {
    return bytesPerElement;
  }

  /** The name used in model.json, e.g. {@code float32}. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
