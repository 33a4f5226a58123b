package io.tensorspace.convert.tfjs;

import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.TensorData;
import io.tensorspace.convert.model.Weight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** A small float32 tensor held in memory: the weights a compatibility rewrite makes up. */
final class FloatTensor implements TensorData {
  /** Rewrites refuse to make up weights larger than this (elements), so files stay small. */
  static final long MAX_ELEMENTS = 1L << 20;

  private final float[] values;

  private FloatTensor(float[] values) {
    this.values = values;
  }

  /** A float32 weight named {@code <layer>/<weight>} holding {@code values} (row-major). */
  static Weight weight(String name, long[] shape, float[] values) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(name + ": " + values.length + " values for " + count);
    }
    return new Weight(name, shape, DType.FLOAT32, new FloatTensor(values.clone()));
  }

  /** Reads a (small) float32 weight into memory. */
  static float[] read(Weight weight) {
    if (weight.dtype() != DType.FLOAT32) {
      throw new IllegalArgumentException(weight + " is not a plain float32 weight");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      weight.data().writeTo(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    float[] values = new float[Math.toIntExact(weight.elementCount())];
    ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }

  float[] values() {
    return values.clone();
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    out.write(buffer.array());
  }
}
