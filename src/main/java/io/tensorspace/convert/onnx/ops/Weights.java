package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.TensorData;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Weights made from ONNX initializers when the shards are written: transposed, folded, scaled. */
final class Weights {
  private Weights() {}

  /** A computation over float arrays, run when the weight is written. */
  @FunctionalInterface
  interface Floats {
    float[] get() throws IOException;
  }

  /** The constant input {@code i}, or a refusal naming it: the op needs its value. */
  static OnnxTensor constant(OpContext ctx, int i, String what) throws ConversionException {
    Value v = ctx.input(i);
    if (!v.isConstant()) {
      throw ctx.unsupported("computes its " + what + " (input " + i + ") in the graph instead of"
          + " storing it as an initializer");
    }
    return v.constant();
  }

  static TensorData data(Floats values) {
    return out -> out.write(bytes(values.get()));
  }

  static byte[] bytes(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** A float constant of the given TensorFlow shape made now (small: scalars, multipliers). */
  static String small(OpContext ctx, String suffix, long[] shape, float... values) {
    float[] copy = values.clone();
    return ctx.weight(suffix, shape, out -> out.write(bytes(copy)));
  }

  /** A constant moved to channels-last: dims padded with leading 1s to {@code rank}, transposed. */
  static float[] toChannelsLast(float[] v, long[] dims) {
    int rank = dims.length;
    if (rank < 3) {
      return v;
    }
    int[] perm = io.tensorspace.convert.onnx.Layout.toChannelsLast(rank);
    return transpose(v, dims, perm);
  }

  /** {@code v} (row-major, shape {@code dims}) transposed: out axis k is input axis perm[k]. */
  static float[] transpose(float[] v, long[] dims, int[] perm) {
    int rank = dims.length;
    long[] outDims = io.tensorspace.convert.onnx.Layout.permute(dims, perm);
    long[] inStrides = strides(dims);
    float[] out = new float[v.length];
    int[] index = new int[rank];
    for (int o = 0; o < out.length; o++) {
      long src = 0;
      for (int k = 0; k < rank; k++) {
        src += index[k] * inStrides[perm[k]];
      }
      out[o] = v[(int) src];
      for (int k = rank - 1; k >= 0; k--) {
        if (++index[k] < outDims[k]) {
          break;
        }
        index[k] = 0;
      }
    }
    return out;
  }

  static long[] strides(long[] dims) {
    long[] s = new long[dims.length];
    long acc = 1;
    for (int k = dims.length - 1; k >= 0; k--) {
      s[k] = acc;
      acc *= dims[k];
    }
    return s;
  }
}
