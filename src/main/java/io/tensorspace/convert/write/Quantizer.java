package io.tensorspace.convert.write;

import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Quantization;
import io.tensorspace.convert.model.Weight;

/**
 * The arithmetic of TensorFlow.js weight quantization, as {@code tensorflowjs/quantization.py}
 * writes it and {@code tfjs-core io_utils.ts decodeWeights} reads it.
 *
 * <p>Affine (uint8/uint16): {@code scale = (max - min) / qmax}; when {@code min <= 0 <= max} the
 * range is nudged so that 0 is exactly representable: {@code zp = round(-min / scale)},
 * {@code min = -zp * scale}, {@code max = qmax * scale + min}; then
 * {@code q = round((clip(x, min, max) - min) / scale)}, rounding half to even. A constant tensor
 * ({@code min == max}) becomes zeros with {@code scale = 1}. Arithmetic is float64 (NumPy 2
 * promotion of the float64 range against float32 data). Decoding is {@code q * scale + min}
 * rounded to float32.
 *
 * <p>float16: IEEE 754 half precision, round to nearest even, overflow to infinity, subnormals
 * kept, as NumPy's {@code astype(np.float16)}.
 */
public final class Quantizer {
  private Quantizer() {}

  /**
   * An affine mapping for one tensor.
   *
   * @param min the (nudged) minimum, written as {@code quantization.min}
   * @param scale the step, written as {@code quantization.scale}
   * @param max the (nudged) maximum; values above are clipped
   * @param quantMax 255 or 65535
   * @param constant whether every value was the same (then all are quantized to 0)
   */
  public record Affine(double min, double scale, double max, int quantMax, boolean constant) {
    /** The range for a tensor whose smallest value is {@code min} and largest {@code max}. */
    public static Affine of(double min, double max, int quantMax) {
      if (!(Double.isFinite(min) && Double.isFinite(max)) || min > max) {
        throw new IllegalArgumentException("no affine range for [" + min + ", " + max + "]");
      }
      if (min == max) {
        return new Affine(min, 1.0, max, quantMax, true);
      }
      double scale = (max - min) / quantMax;
      if (min <= 0 && 0 <= max) {
        double zeroPoint = Math.rint((0 - min) / scale);
        double nudgedMin = -zeroPoint * scale;
        double nudgedMax = quantMax * scale + nudgedMin;
        return new Affine(nudgedMin, scale, nudgedMax, quantMax, false);
      }
      return new Affine(min, scale, max, quantMax, false);
    }

    /** The quantized value of {@code x}, in {@code [0, quantMax]}. */
    public int quantize(float x) {
      if (constant) {
        return 0;
      }
      double clipped = Math.min(Math.max((double) x, min), max);
      double q = Math.rint((clipped - min) / scale);
      return (int) Math.min(Math.max(q, 0), quantMax);
    }

    /** What tfjs decodes {@code q} to. */
    public float dequantize(int q) {
      return (float) (q * scale + min);
    }
  }

  /**
   * The weight as plain float32, decoded on the fly the way tfjs decodes it; a weight that is not
   * quantized is returned as is. For code that reads weight values (e.g. rewrites).
   */
  public static Weight dequantized(Weight weight) {
    Quantization stored = weight.quantization();
    if (stored == null) {
      return weight;
    }
    if (weight.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(weight + ": only float32 weights are decoded here");
    }
    return new Weight(weight.name(), weight.shape(), weight.dtype(), out -> {
      FloatStreams.Dequantizing decoded = new FloatStreams.Dequantizing(out, stored);
      weight.data().writeTo(decoded);
      decoded.flush();
    });
  }

  /** What tfjs decodes a stored value to: affine {@code q * scale + min}, or a half float. */
  public static float dequantize(int stored, Quantization quantization) {
    if (quantization.isAffine()) {
      return (float) (stored * quantization.scale() + quantization.min());
    }
    return fromFloat16((short) stored);
  }

  /** IEEE 754 binary16 bits of {@code value}, rounded to nearest even. */
  public static short toFloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      // infinity keeps its sign; NaN stays a (quiet) NaN
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign; // below half the smallest subnormal: zero
      }
      int full = mantissa | 0x800000;
      int shift = 14 - halfExponent;
      int rounded = full >>> shift;
      int rest = full & ((1 << shift) - 1);
      int half = 1 << (shift - 1);
      if (rest > half || (rest == half && (rounded & 1) == 1)) {
        rounded++; // may carry into the smallest normal number, which is right
      }
      return (short) (sign | rounded);
    }
    int rounded = (halfExponent << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (rounded & 1) == 1)) {
      rounded++; // may carry into the exponent, up to infinity, which is right
    }
    return (short) (sign | rounded);
  }

  /** The float value of IEEE 754 binary16 bits. */
  public static float fromFloat16(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign != 0 ? -magnitude : magnitude;
    }
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  }
}
