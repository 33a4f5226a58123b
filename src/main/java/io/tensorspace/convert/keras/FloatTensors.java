package io.tensorspace.convert.keras;

import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Weight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Rearrangements of float32 weights that old Keras files need (concatenating per-gate arrays,
 * transposing Theano-ordered kernels). The result is computed only when written, one weight at a
 * time, like every other weight.
 */
final class FloatTensors {
  private FloatTensors() {}

  /** Reads a float32 weight's values. */
  static float[] values(Weight weight) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.toIntExact(weight.byteLength()));
    weight.data().writeTo(bytes);
    ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[buffer.remaining() / 4];
    buffer.asFloatBuffer().get(values);
    return values;
  }

  private static byte[] bytes(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  /** The same bytes under another name and shape (element counts must agree). */
  static Weight reshaped(Weight weight, String name, long[] shape) {
    return new Weight(name, shape, weight.dtype(), weight.data());
  }

  /**
   * Concatenates weights along their last axis: {@code (…, a) + (…, b) → (…, a+b)}. All parts must
   * agree on the leading axes.
   */
  static Weight concatLastAxis(String name, List<Weight> parts) {
    long[] first = parts.get(0).shape();
    long[] shape = first.clone();
    long total = 0;
    for (Weight part : parts) {
      long[] s = part.shape();
      if (s.length != first.length) {
        throw new IllegalArgumentException("cannot concatenate " + parts + ": ranks differ");
      }
      for (int i = 0; i < s.length - 1; i++) {
        if (s[i] != first[i]) {
          throw new IllegalArgumentException("cannot concatenate " + parts + ": shapes differ");
        }
      }
      total += s.length == 0 ? 1 : s[s.length - 1];
    }
    if (shape.length == 0) {
      shape = new long[] {total};
    } else {
      shape[shape.length - 1] = total;
    }
    long[] finalShape = shape;
    long lastTotal = total;
    return new Weight(name, finalShape, DType.FLOAT32, out -> {
      float[][] values = new float[parts.size()][];
      long[] widths = new long[parts.size()];
      for (int p = 0; p < parts.size(); p++) {
        values[p] = values(parts.get(p));
        long[] s = parts.get(p).shape();
        widths[p] = s.length == 0 ? 1 : s[s.length - 1];
      }
      int rows = (int) (widths[0] == 0 ? 0 : values[0].length / widths[0]);
      float[] result = new float[Math.toIntExact(rows * lastTotal)];
      int at = 0;
      for (int row = 0; row < rows; row++) {
        for (int p = 0; p < parts.size(); p++) {
          int width = (int) widths[p];
          System.arraycopy(values[p], row * width, result, at, width);
          at += width;
        }
      }
      out.write(bytes(result));
    });
  }

  /** Permutes the axes: result axis {@code i} is source axis {@code perm[i]}. */
  static Weight transposed(Weight weight, String name, int[] perm) {
    long[] source = weight.shape();
    long[] shape = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      shape[i] = source[perm[i]];
    }
    return new Weight(name, shape, weight.dtype(), out -> {
      float[] values = values(weight);
      float[] result = new float[values.length];
      int rank = source.length;
      long[] sourceStrides = new long[rank];
      long stride = 1;
      for (int axis = rank - 1; axis >= 0; axis--) {
        sourceStrides[axis] = stride;
        stride *= source[axis];
      }
      int[] index = new int[rank];
      for (int i = 0; i < result.length; i++) {
        long offset = 0;
        for (int axis = 0; axis < rank; axis++) {
          offset += index[axis] * sourceStrides[perm[axis]];
        }
        result[i] = values[(int) offset];
        for (int axis = rank - 1; axis >= 0; axis--) {
          if (++index[axis] < shape[axis]) {
            break;
          }
          index[axis] = 0;
        }
      }
      out.write(bytes(result));
    });
  }
}
