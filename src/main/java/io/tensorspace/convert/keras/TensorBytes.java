package io.tensorspace.convert.keras;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A stored tensor's element type and the bytes tfjs reads for it: float16/float64 as float32,
 * int64 as int32, uint8 as float32, little-endian; shared by both HDF5 readers' tensors.
 */
final class TensorBytes {
  private static final int COPY_CHUNK = 1 << 20;

  enum Kind {
    FLOAT16(2), FLOAT32(4), FLOAT64(8), INT32(4), INT64(8), UINT8(1), BOOL(1);

    final int size;

    Kind(int size) {
      this.size = size;
    }

    /** Whether the stored bytes are what tfjs reads, when they are little-endian. */
    boolean asTfjsReads() {
      return this == FLOAT32 || this == INT32;
    }
  }

  private TensorBytes() {}

  /** Writes {@code elements} of {@code kind} from {@code source} (in its order) as tfjs reads them. */
  static void write(ByteBuffer source, Kind kind, long elements, OutputStream out)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(COPY_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    if (kind.asTfjsReads() && source.order() == ByteOrder.LITTLE_ENDIAN) {
      byte[] bytes = chunk.array();
      for (long left = elements * kind.size; left > 0; ) {
        int n = (int) Math.min(left, COPY_CHUNK);
        source.get(bytes, 0, n);
        out.write(bytes, 0, n);
        left -= n;
      }
      return;
    }
    for (long i = 0; i < elements; i++) {
      if (chunk.remaining() < 4) {
        flush(chunk, out);
      }
      switch (kind) {
        case FLOAT16 -> chunk.putFloat(halfToFloat(source.getShort()));
        case FLOAT32 -> chunk.putFloat(source.getFloat());
        case FLOAT64 -> chunk.putFloat((float) source.getDouble());
        case INT32 -> chunk.putInt(source.getInt());
        case INT64 -> chunk.putInt(Math.toIntExact(source.getLong()));
        case UINT8 -> chunk.putFloat(source.get() & 0xff);
        case BOOL -> chunk.putFloat(source.get());
      }
    }
    flush(chunk, out);
  }

  /** An IEEE 754 half-precision value as the float of the same value (NaN payloads kept). */
  static float halfToFloat(short half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
    }
    if (exponent == 0) {
      // zero or subnormal: mantissa * 2^-24, exact in a float
      float value = mantissa * 0x1p-24f;
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
  }

  private static void flush(ByteBuffer chunk, OutputStream out) throws IOException {
    out.write(chunk.array(), 0, chunk.position());
    chunk.clear();
  }
}
