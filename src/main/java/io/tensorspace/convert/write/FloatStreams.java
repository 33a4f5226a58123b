package io.tensorspace.convert.write;

import io.tensorspace.convert.model.Quantization;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Streaming adapters between a weight's bytes and its float values, so that quantizing a tensor
 * never needs it whole in memory: the tensor is streamed once to find its range and once to write.
 */
final class FloatStreams {
  private FloatStreams() {}

  /** Receives little-endian float32 bytes, in any chunking, and hands on each float. */
  abstract static class FloatSink extends OutputStream {
    private int pending;
    private int pendingBytes;
    private long count;

    @Override
    public final void write(int b) throws IOException {
      pending |= (b & 0xff) << (8 * pendingBytes);
      if (++pendingBytes == 4) {
        float value = Float.intBitsToFloat(pending);
        pending = 0;
        pendingBytes = 0;
        count++;
        accept(value);
      }
    }

    @Override
    public final void write(byte[] bytes, int offset, int length) throws IOException {
      for (int i = 0; i < length; i++) {
        write(bytes[offset + i]);
      }
    }

    abstract void accept(float value) throws IOException;

    /** Floats received so far. */
    final long count() {
      return count;
    }

    /** Whether the bytes ended in the middle of a float. */
    final boolean partial() {
      return pendingBytes != 0;
    }
  }

  /** Finds the smallest and largest value, and counts NaN and infinite ones. */
  static final class Range extends FloatSink {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long nonFinite;

    @Override
    void accept(float value) {
      if (!Float.isFinite(value)) {
        nonFinite++;
        return;
      }
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  }

  /** Quantizes float32 values and writes the stored bytes (uint8, uint16 or float16, LE). */
  static final class Quantizing extends FloatSink {
    private final OutputStream out;
    private final Quantize kind;
    private final Quantizer.Affine affine;
    private final byte[] buffer = new byte[1 << 14];
    private int used;
    long overflowed;

    Quantizing(OutputStream out, Quantize kind, Quantizer.Affine affine) {
      this.out = out;
      this.kind = kind;
      this.affine = affine;
    }

    @Override
    void accept(float value) throws IOException {
      if (used + 2 > buffer.length) {
        flushBuffer();
      }
      switch (kind) {
        case UINT8 -> buffer[used++] = (byte) affine.quantize(value);
        case UINT16 -> {
          int q = affine.quantize(value);
          buffer[used++] = (byte) q;
          buffer[used++] = (byte) (q >>> 8);
        }
        case FLOAT16 -> {
          short half = Quantizer.toFloat16(value);
          if (Float.isFinite(value) && (half & 0x7fff) == 0x7c00) {
            overflowed++;
          }
          buffer[used++] = (byte) half;
          buffer[used++] = (byte) (half >>> 8);
        }
        default -> throw new IllegalStateException(kind.name());
      }
    }

    private void flushBuffer() throws IOException {
      out.write(buffer, 0, used);
      used = 0;
    }

    /** Writes what is buffered; the underlying stream stays open. */
    @Override
    public void flush() throws IOException {
      flushBuffer();
    }
  }

  /** Receives stored quantized bytes and writes the float32 values tfjs would decode, LE. */
  static final class Dequantizing extends OutputStream {
    private final OutputStream out;
    private final Quantization quantization;
    private final int size;
    private int pending;
    private int pendingBytes;
    private final byte[] buffer = new byte[1 << 14];
    private int used;

    Dequantizing(OutputStream out, Quantization quantization) {
      this.out = out;
      this.quantization = quantization;
      this.size = quantization.bytesPerElement();
    }

    @Override
    public void write(int b) throws IOException {
      pending |= (b & 0xff) << (8 * pendingBytes);
      if (++pendingBytes == size) {
        int bits = Float.floatToRawIntBits(Quantizer.dequantize(pending, quantization));
        pending = 0;
        pendingBytes = 0;
        if (used + 4 > buffer.length) {
          flush();
        }
        buffer[used++] = (byte) bits;
        buffer[used++] = (byte) (bits >>> 8);
        buffer[used++] = (byte) (bits >>> 16);
        buffer[used++] = (byte) (bits >>> 24);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      for (int i = 0; i < length; i++) {
        write(bytes[offset + i]);
      }
    }

    /** Writes what is buffered; the underlying stream stays open. */
    @Override
    public void flush() throws IOException {
      out.write(buffer, 0, used);
      used = 0;
    }
  }
}
