package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.ElemType;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.DoubleBinaryOperator;

/**
 * Computes ops on constants while translating (shape arithmetic, scalar constants), so the
 * graph holds their results instead of the ops.
 */
final class Folding {
  private Folding() {}

  /** {@code a op b} with numpy broadcasting, in A's element type. */
  static Value binary(OpContext ctx, Value a, Value b, DoubleBinaryOperator op)
      throws ConversionException {
    long[] shape = Broadcast.shape(ctx, java.util.List.of(a, b));
    double[] x = values(a.constant());
    double[] y = values(b.constant());
    long[] sa = Broadcast.padded(a.shape(), shape.length);
    long[] sb = Broadcast.padded(b.shape(), shape.length);
    double[] out = new double[Math.toIntExact(ElemType.count(shape))];
    int[] index = new int[shape.length];
    for (int o = 0; o < out.length; o++) {
      out[o] = op.applyAsDouble(x[at(index, sa)], y[at(index, sb)]);
      for (int k = shape.length - 1; k >= 0; k--) {
        if (++index[k] < shape[k]) {
          break;
        }
        index[k] = 0;
      }
    }
    return Value.constant(tensor(ctx.node().outputs().get(0), shape, a.elemType(), out));
  }

  private static int at(int[] index, long[] shape) {
    long flat = 0;
    for (int k = 0; k < shape.length; k++) {
      flat = flat * shape[k] + (shape[k] == 1 ? 0 : index[k]);
    }
    return (int) flat;
  }

  static double[] values(OnnxTensor t) {
    try {
      if (ElemType.isFloat(t.dataType())) {
        float[] f = t.floats();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        return d;
      }
      long[] l = t.longs();
      double[] d = new double[l.length];
      for (int i = 0; i < l.length; i++) {
        d[i] = l[i];
      }
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A constant of the given ONNX element type (float or int64 storage). */
  static OnnxTensor tensor(String name, long[] shape, int type, double[] values) {
    boolean isFloat = ElemType.isFloat(type);
    ByteBuffer b = ByteBuffer.allocate(values.length * (isFloat ? 4 : 8))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (isFloat) {
        b.putFloat((float) v);
      } else {
        b.putLong((long) v);
      }
    }
    return OnnxTensor.inMemory(name, shape, isFloat ? ElemType.FLOAT : ElemType.INT64, b.array());
  }

  /** Constants larger than this are not folded (their ops stay in the graph). */
  static final long LIMIT = 1 << 22;

  /** Whether {@code v} is a constant small enough to fold. */
  static boolean foldable(Value v) {
    return v.isConstant() && v.count() <= LIMIT;
  }

  /** A constant of {@code shape} whose element o is element {@code source[o]} of {@code t}. */
  static Value picked(OpContext ctx, OnnxTensor t, long[] shape, int[] source) {
    double[] in = values(t);
    double[] out = new double[source.length];
    for (int o = 0; o < out.length; o++) {
      out[o] = in[source[o]];
    }
    return Value.constant(tensor(ctx.node().outputs().get(0), shape, t.dataType(), out));
  }

  /** For each element of {@code dims} transposed by {@code perm}, its index in the input. */
  static int[] transposed(long[] dims, int[] perm) {
    long[] strides = Weights.strides(dims);
    long[] outDims = io.tensorspace.convert.onnx.Layout.permute(dims, perm);
    int[] source = new int[Math.toIntExact(ElemType.count(outDims))];
    int[] index = new int[dims.length];
    for (int o = 0; o < source.length; o++) {
      long src = 0;
      for (int k = 0; k < dims.length; k++) {
        src += index[k] * strides[perm[k]];
      }
      source[o] = (int) src;
      for (int k = dims.length - 1; k >= 0; k--) {
        if (++index[k] < outDims[k]) {
          break;
        }
        index[k] = 0;
      }
    }
    return source;
  }

  static OnnxTensor ints(String name, long[] shape, long[] values) {
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return tensor(name, shape, ElemType.INT64, d);
  }
}
