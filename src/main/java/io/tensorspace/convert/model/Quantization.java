package io.tensorspace.convert.model;

/**
 * How a weight's bytes are stored when they are not in its manifest dtype: the manifest entry's
 * {@code quantization} object, as TensorFlow.js reads it ({@code io_utils.ts decodeWeights}).
 * A weight with manifest dtype {@code float32} stored as uint8 is decoded as {@code q * scale + min}.
 *
 * @param dtype storage type: {@code uint8}, {@code uint16} or {@code float16}
 * @param min offset of the affine mapping (uint8/uint16 only, else null)
 * @param scale step of the affine mapping (uint8/uint16 only, else null)
 * @param originalDtype the dtype before quantization, usually {@code float32}; null if the source
 *     did not record it (tfjs then uses the manifest dtype)
 */
public record Quantization(String dtype, Double min, Double scale, String originalDtype) {
  public static final String UINT8 = "uint8";
  public static final String UINT16 = "uint16";
  public static final String FLOAT16 = "float16";

  public Quantization {
    if (!UINT8.equals(dtype) && !UINT16.equals(dtype) && !FLOAT16.equals(dtype)) {
      throw new IllegalArgumentException("unknown quantization dtype: " + dtype);
    }
    if (!FLOAT16.equals(dtype) && (min == null || scale == null)) {
      throw new IllegalArgumentException(dtype + " quantization needs min and scale");
    }
  }

  /** Bytes per stored element: 1 for uint8, 2 for uint16 and float16. */
  public int bytesPerElement() {
    return UINT8.equals(dtype) ? 1 : 2;
  }

  /** Whether the mapping is affine ({@code q * scale + min}), i.e. uint8 or uint16. */
  public boolean isAffine() {
    return !FLOAT16.equals(dtype);
  }
}
