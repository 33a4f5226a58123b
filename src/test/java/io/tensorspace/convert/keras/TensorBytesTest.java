package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jhdf.object.datatype.FloatingPoint;
import org.junit.jupiter.api.Test;

/** float16 weights decode as they did through jHDF, bit for bit (NaN payloads too). */
class TensorBytesTest {
  @Test
  void everyHalfDecodesAsJhdfDecodesIt() {
    for (int bits = 0; bits < 1 << 16; bits++) {
      short half = (short) bits;
      assertEquals(Float.floatToRawIntBits(FloatingPoint.toFloat(half)),
          Float.floatToRawIntBits(TensorBytes.halfToFloat(half)), Integer.toHexString(bits));
    }
  }
}
