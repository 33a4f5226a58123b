package io.tensorspace.convert.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.model.Quantization;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quantization arithmetic against values worked out by hand and against a second, naive
 * implementation of the formula documented in tfjs-format.md §2 (quantization.py).
 */
class QuantizerTest {

  @Test
  void affineRoundsHalfToEven() {
    // range [0, 255]: scale 1, zero point 0, so q = round(x) exactly, ties to the even integer
    Quantizer.Affine a = Quantizer.Affine.of(0, 255, 255);
    assertEquals(1.0, a.scale());
    assertEquals(0.0, a.min(), 0.0);
    assertEquals(0, a.quantize(0.5f));
    assertEquals(2, a.quantize(1.5f));
    assertEquals(2, a.quantize(2.5f));
    assertEquals(4, a.quantize(3.5f));
    assertEquals(254, a.quantize(254.5f));
    assertEquals(255, a.quantize(255f));
    assertEquals(0, a.quantize(-3f), "clipped to min");
    assertEquals(255, a.quantize(300f), "clipped to max");
  }

  @Test
  void affineNudgesSoThatZeroIsExact() {
    // [-1, 2] in uint8: scale 3/255; zero point round(1 / (3/255)) = round(85.0) = 85
    Quantizer.Affine a = Quantizer.Affine.of(-1, 2, 255);
    double scale = 3.0 / 255;
    assertEquals(scale, a.scale(), 0.0);
    double zp = Math.rint((0 - -1.0) / scale);
    assertEquals(-zp * scale, a.min(), 0.0);
    assertEquals(255 * scale + -zp * scale, a.max(), 0.0);
    assertEquals(0f, a.dequantize(a.quantize(0f)), "0 survives quantization exactly");

    // zero outside the range: no nudging
    Quantizer.Affine b = Quantizer.Affine.of(2, 4, 65535);
    assertEquals(2.0, b.min(), 0.0);
    assertEquals(2.0 / 65535, b.scale(), 0.0);
    assertEquals(0, b.quantize(2f));
    assertEquals(65535, b.quantize(4f));
  }

  @Test
  void constantTensorIsZerosWithScaleOne() {
    Quantizer.Affine a = Quantizer.Affine.of(0.7f, 0.7f, 255);
    assertEquals(1.0, a.scale());
    assertEquals((double) 0.7f, a.min());
    assertEquals(0, a.quantize(0.7f));
    assertEquals(0.7f, a.dequantize(0));
  }

  @Test
  void affineMatchesTheDocumentedFormulaOnRandomTensors() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      float[] data = new float[257];
      float shift = trial % 3 == 0 ? 5f : trial % 3 == 1 ? -5f : 0f;
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (random.nextGaussian() * (1 + trial % 7)) + shift;
      }
      for (int quantMax : new int[] {255, 65535}) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float x : data) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
        // quantization.py, step by step
        double scale = (max - min) / quantMax;
        double nudgedMin = min;
        double nudgedMax = max;
        if (min <= 0 && 0 <= max) {
          double zeroPoint = Math.rint((0 - min) / scale);
          nudgedMin = -zeroPoint * scale;
          nudgedMax = quantMax * scale + nudgedMin;
        }
        Quantizer.Affine a = Quantizer.Affine.of(min, max, quantMax);
        assertEquals(nudgedMin, a.min(), 0.0);
        assertEquals(scale, a.scale(), 0.0);
        for (float x : data) {
          double clipped = Math.max(nudgedMin, Math.min(nudgedMax, x));
          long expected = Math.round(Math.rint((clipped - nudgedMin) / scale));
          assertEquals(expected, a.quantize(x), "value " + x);
          // what tfjs decodes is within one step of the value
          double slack = 1e-6 * (Math.abs(x) + Math.abs(nudgedMin) + Math.abs(nudgedMax));
          assertTrue(Math.abs(a.dequantize(a.quantize(x)) - x) <= scale * 0.5 + slack
              || x < nudgedMin || x > nudgedMax, "decoded value of " + x);
        }
      }
    }
  }

  @Test
  void float16KnownValues() {
    assertEquals(0x3c00, bits(1.0f));
    assertEquals(0xbc00, bits(-1.0f));
    assertEquals(0x0000, bits(0.0f));
    assertEquals(0x8000, bits(-0.0f));
    assertEquals(0x2e66, bits(0.1f));
    assertEquals(0x3555, bits(1f / 3));
    assertEquals(0x7bff, bits(65504f), "largest half");
    assertEquals(0x7bff, bits(65519.99f), "below the midpoint to infinity");
    assertEquals(0x7c00, bits(65520f), "midpoint rounds to even, which is infinity");
    assertEquals(0x7c00, bits(1e10f));
    assertEquals(0xfc00, bits(Float.NEGATIVE_INFINITY));
    assertEquals(0x0400, bits(0x1p-14f), "smallest normal");
    assertEquals(0x0001, bits(0x1p-24f), "smallest subnormal");
    assertEquals(0x0000, bits(0x1p-25f), "half the smallest subnormal: tie to even 0");
    assertEquals(0x0002, bits(0x1.8p-24f), "1.5 subnormal steps: tie to even 2");
    assertEquals(0x0001, bits(0x1.1p-25f), "just above half a step rounds up");
    assertEquals(0x3c00, bits(1f + 0x1p-11f), "tie between 1 and 1+2^-10 goes to even 1");
    assertEquals(0x3c02, bits(1f + 3 * 0x1p-11f), "tie goes to the even mantissa 2");
    assertEquals(0x03ff, bits(0x1.ff8p-15f - 0x1p-30f), "largest subnormal");
    assertEquals(0x0400, bits(0x1.ffcp-15f), "rounds up into the smallest normal");
    assertTrue(Float.isNaN(Quantizer.fromFloat16(Quantizer.toFloat16(Float.NaN))));
  }

  @Test
  void float16RoundTripsEveryHalfValue() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Quantizer.fromFloat16((short) h);
      if (Float.isNaN(f)) {
        assertEquals(0x7c00, h & 0x7c00);
        continue;
      }
      assertEquals(h, bits(f), "half 0x" + Integer.toHexString(h) + " = " + f);
    }
    assertEquals(1.0f, Quantizer.fromFloat16((short) 0x3c00));
    assertEquals(0x1p-24f, Quantizer.fromFloat16((short) 0x0001));
    assertEquals(65504f, Quantizer.fromFloat16((short) 0x7bff));
  }

  @Test
  void float16IsTheNearestHalfTiesToEven() {
    // independent check: the chosen half is the nearest of all halves (by exact double distance)
    float[] halves = new float[0x7c01];
    for (int h = 0; h <= 0x7c00; h++) {
      halves[h] = Quantizer.fromFloat16((short) h);
    }
    Random random = new Random(7);
    for (int i = 0; i < 20000; i++) {
      float x = Math.abs(Float.intBitsToFloat(random.nextInt()));
      if (Float.isNaN(x) || x > 65520f) {
        continue;
      }
      if (i % 2 == 0) {
        x = (float) (random.nextDouble() * Math.pow(2, random.nextInt(30) - 24));
      }
      int chosen = bits(x);
      double distance = Math.abs((double) halves[chosen] - x);
      int below = chosen - 1;
      int above = chosen + 1;
      if (below >= 0) {
        double d = Math.abs((double) halves[below] - x);
        assertTrue(distance < d || (distance == d && (chosen & 1) == 0), "x=" + x);
      }
      if (above <= 0x7bff) {
        double d = Math.abs((double) halves[above] - x);
        assertTrue(distance < d || (distance == d && (chosen & 1) == 0), "x=" + x);
      }
    }
  }

  @Test
  void dequantizeIsWhatTfjsComputes() {
    Quantization q = new Quantization("uint8", -0.5, 0.01, "float32");
    assertEquals((float) (200 * 0.01 + -0.5), Quantizer.dequantize(200, q));
    Quantization h = new Quantization("float16", null, null, "float32");
    assertEquals(1.0f, Quantizer.dequantize(0x3c00, h));
  }

  @Test
  void parsesTheOptionNames() {
    assertEquals(Quantize.NONE, Quantize.parse(null));
    assertEquals(Quantize.NONE, Quantize.parse(" "));
    assertEquals(Quantize.UINT8, Quantize.parse("uint8"));
    assertEquals(Quantize.FLOAT16, Quantize.parse("Float16"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Quantize.parse("int8"));
    assertTrue(e.getMessage().contains("none, uint8, uint16, float16"), e.getMessage());
  }

  @Test
  void weightPatternsAreWholeNameGlobs() {
    assertTrue(WeightPatterns.matches("conv*", "conv2d_1/kernel"));
    assertTrue(WeightPatterns.matches("*/kernel", "dense/kernel"));
    assertTrue(WeightPatterns.matches("dense_?/bias", "dense_1/bias"));
    assertTrue(!WeightPatterns.matches("dense", "dense/kernel"));
    assertTrue(!WeightPatterns.matches("dense.1/*", "dense_1/kernel"), "regex characters are literal");
    assertTrue(new WeightPatterns(java.util.List.of()).matches("anything"));
  }

  private static int bits(float value) {
    return Quantizer.toFloat16(value) & 0xffff;
  }
}
