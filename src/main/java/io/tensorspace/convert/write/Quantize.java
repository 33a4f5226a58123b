package io.tensorspace.convert.write;

import io.tensorspace.convert.model.Quantization;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The weight quantization a user can ask for, as the official converter's
 * {@code --quantize_uint8 | --quantize_uint16 | --quantize_float16}.
 */
public enum Quantize {
  /** Weights are written as they are read (already quantized tfjs weights stay quantized). */
  NONE,
  /** Affine 8-bit: a quarter of the float32 size. */
  UINT8,
  /** Affine 16-bit: half of the float32 size. */
  UINT16,
  /** IEEE 754 half precision: half of the float32 size; needs tfjs 2.0.1 or newer to load. */
  FLOAT16;

  /** The first TensorFlow.js that decodes float16-quantized weights. */
  public static final String FLOAT16_MINIMUM_TFJS = "2.0.1";

  /** The warning every float16 conversion gives, since TensorSpace ships tfjs 1.x. */
  public static final String FLOAT16_WARNING =
      "TensorSpace 0.6.1 ships tfjs 1.x, which cannot read float16-quantized weights"
          + " (needs tfjs >= 2.0.1): load this model with a newer tfjs, or use quantize uint16.";

  /** Reads {@code none | uint8 | uint16 | float16} (any case); null or blank means none. */
  public static Quantize parse(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "quantize must be one of "
              + Arrays.stream(values()).map(Quantize::jsonName).collect(Collectors.joining(", "))
              + ", was '" + value + "'");
    }
  }

  /** The name in model.json's {@code quantization.dtype}, e.g. {@code uint8}; {@code none} for NONE. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Bytes per stored element; 4 for NONE (float32). */
  public int bytesPerElement() {
    return switch (this) {
      case NONE -> 4;
      case UINT8 -> 1;
      case UINT16, FLOAT16 -> 2;
    };
  }

  /** The largest quantized value: 255 or 65535; 0 for the non-affine kinds. */
  int quantMax() {
    return switch (this) {
      case UINT8 -> 255;
      case UINT16 -> 65535;
      default -> 0;
    };
  }

  boolean matches(Quantization stored) {
    return stored != null && stored.dtype().equals(jsonName());
  }
}
