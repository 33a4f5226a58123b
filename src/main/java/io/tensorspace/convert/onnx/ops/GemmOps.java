package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import java.util.List;

/**
 * Gemm and MatMul. Stored weights become a [K, N] kernel (transposed, scaled by alpha when
 * written); when the input was flattened from a channels-last tensor, the kernel's rows are put
 * in that NHWC order instead of transposing the activations back. A bias C of N values is a
 * BiasAdd (scaled by beta).
 */
final class GemmOps {
  private GemmOps() {}

  static void gemm(OpContext ctx) throws ConversionException {
    Value a = ctx.input(0);
    Value b = ctx.input(1);
    boolean transA = ctx.attrInt("transA", 0) == 1;
    boolean transB = ctx.attrInt("transB", 0) == 1;
    float alpha = ctx.attrFloat("alpha", 1f);
    float beta = ctx.attrFloat("beta", 1f);
    if (a.rank() != 2 || b.rank() != 2) {
      throw ctx.refuse("its inputs " + a + " and " + b + " are not 2-D");
    }
    long m = transA ? a.dim(1) : a.dim(0);
    long k = transA ? a.dim(0) : a.dim(1);
    long n = transB ? b.dim(0) : b.dim(1);
    if ((transB ? b.dim(1) : b.dim(0)) != k) {
      throw ctx.refuse("its inputs " + a + " and " + b + " do not multiply");
    }
    boolean hasBias = ctx.has(2) && beta != 0;
    if (transA) {
      a = ctx.onnxLayout(a);
    }
    String left = ctx.tensor(a);
    String product;
    if (b.isConstant()) {
      String kernel = kernel(ctx, a, b.constant(), transB, alpha);
      product = ctx.emit(hasBias ? "matmul" : null, "MatMul", List.of(left, kernel), Attrs.of()
          .b("transpose_a", transA).b("transpose_b", false));
    } else {
      if (a.layout() == Layout.FLAT_CHANNELS_LAST) {
        left = ctx.tensor(ctx.onnxLayout(a));
      }
      product = ctx.emit(hasBias || alpha != 1 ? "matmul" : null, "MatMul", List.of(left,
          ctx.tensor(ctx.onnxLayout(b))), Attrs.of().b("transpose_a", transA)
          .b("transpose_b", transB));
      if (alpha != 1) {
        product = ctx.emit(hasBias ? "alpha" : null, "Mul", List.of(product,
            Weights.small(ctx, "alpha", new long[0], alpha)), Attrs.of());
      }
    }
    String t = product;
    if (hasBias) {
      t = bias(ctx, product, ctx.input(2), beta, m, n);
    }
    ctx.output(0, ctx.result(t, new long[] {m, n}, Layout.ONNX));
  }

  /** MatMul of a computed input by a stored 2-D matrix or by another computed tensor. */
  static void matMul(OpContext ctx) throws ConversionException {
    Value a = ctx.input(0);
    Value b = ctx.input(1);
    if (a.rank() == 2 && b.rank() == 2 && b.isConstant()) {
      if (a.dim(1) != b.dim(0)) {
        throw ctx.refuse("its inputs " + a + " and " + b + " do not multiply");
      }
      String t = ctx.emit(null, "MatMul", List.of(ctx.tensor(a),
          kernel(ctx, a, b.constant(), false, 1f)), Attrs.of());
      ctx.output(0, ctx.result(t, new long[] {a.dim(0), b.dim(1)}, Layout.ONNX));
      return;
    }
    if (a.rank() < 2 || b.rank() < 2) {
      throw ctx.unsupported("multiplies a vector (" + a + ", " + b + ")");
    }
    if (a.rank() > 2 && b.rank() == 2 && b.isConstant()) {
      matMulRows(ctx, ctx.onnxLayout(a), b);
      return;
    }
    Value pa = ctx.onnxLayout(a);
    Value pb = ctx.onnxLayout(b);
    long[] batch = Broadcast.shape(ctx, List.of(
        Value.computed("a", java.util.Arrays.copyOf(a.shape(), a.rank() - 2), Layout.ONNX, 1),
        Value.computed("b", java.util.Arrays.copyOf(b.shape(), b.rank() - 2), Layout.ONNX, 1)));
    long[] shape = java.util.Arrays.copyOf(batch, batch.length + 2);
    shape[batch.length] = a.dim(a.rank() - 2);
    shape[batch.length + 1] = b.dim(b.rank() - 1);
    String op = a.rank() == 2 && b.rank() == 2 ? "MatMul" : "BatchMatMulV2";
    String t = ctx.emit(null, op, List.of(ctx.tensor(pa), ctx.tensor(pb)), Attrs.of());
    ctx.output(0, ctx.result(t, shape, Layout.ONNX));
  }

  /**
   * [..., M, K] x a stored [K, N] as one 2-D MatMul over the rows (tfjs 1.x multiplies equal
   * ranks only): reshaped to [rows, K] and back.
   */
  private static void matMulRows(OpContext ctx, Value a, Value b) throws ConversionException {
    long k = a.dim(a.rank() - 1);
    if (k != b.dim(0)) {
      throw ctx.refuse("its inputs " + a + " and " + b + " do not multiply");
    }
    long[] shape = a.shape();
    shape[shape.length - 1] = b.dim(1);
    String rows = ctx.emit("rows", "Reshape", List.of(ctx.tensor(a), ctx.ints("rows_shape",
        a.count() / k, k)), Attrs.of());
    String product = ctx.emit("product", "MatMul", List.of(rows, kernel(ctx, a, b.constant(),
        false, 1f)), Attrs.of());
    String t = ctx.emit(null, "Reshape", List.of(product, ctx.ints("shape", shape)), Attrs.of());
    ctx.output(0, ctx.result(t, shape, Layout.ONNX));
  }

  /** The [K, N] kernel of a stored B, rows in the input's element order, times alpha. */
  private static String kernel(OpContext ctx, Value a, OnnxTensor b, boolean transB,
      float alpha) {
    long[] d = b.dims();
    int k = (int) (transB ? d[1] : d[0]);
    int n = (int) (transB ? d[0] : d[1]);
    int[] rows = a.layout() == Layout.FLAT_CHANNELS_LAST ? nhwcOrder(a.unflattened()) : null;
    return ctx.weight("kernel", new long[] {k, n}, Weights.data(() -> {
      float[] v = b.floats();
      float[] out = new float[k * n];
      for (int r = 0; r < k; r++) {
        int src = rows == null ? r : rows[r];
        for (int c = 0; c < n; c++) {
          out[r * n + c] = alpha * (transB ? v[c * k + src] : v[src * n + c]);
        }
      }
      return out;
    }));
  }

  /**
   * For each position of a channels-last flattening of a tensor of NCHW shape {@code from}
   * (batch excluded), the position of the same element in the NCHW flattening.
   */
  static int[] nhwcOrder(long[] from) {
    int rank = from.length;
    long[] dims = java.util.Arrays.copyOfRange(from, 1, rank); // C, H, W...
    long[] nhwc = Layout.permute(from, Layout.toChannelsLast(rank));
    long[] inner = java.util.Arrays.copyOfRange(nhwc, 1, rank); // H, W..., C
    int count = (int) io.tensorspace.convert.onnx.ElemType.count(inner);
    long[] strides = Weights.strides(dims);
    int[] out = new int[count];
    int[] index = new int[inner.length];
    for (int p = 0; p < count; p++) {
      // index = (h, w, ..., c): c is the channel, the others are spatial in order
      long src = index[inner.length - 1] * strides[0];
      for (int s = 0; s < inner.length - 1; s++) {
        src += index[s] * strides[s + 1];
      }
      out[p] = (int) src;
      for (int j = inner.length - 1; j >= 0; j--) {
        if (++index[j] < inner[j]) {
          break;
        }
        index[j] = 0;
      }
    }
    return out;
  }

  /** Adds C (times beta): a BiasAdd for N values, else a broadcasting add. */
  private static String bias(OpContext ctx, String product, Value c, float beta, long m, long n)
      throws ConversionException {
    if (c.isConstant() && c.count() == n && (c.rank() == 1 || c.dim(0) == 1)) {
      OnnxTensor t = c.constant();
      return ctx.emit(null, "BiasAdd", List.of(product, ctx.weight("bias", new long[] {n},
          Weights.data(() -> scaled(t.floats(), beta)))), Attrs.of().s("data_format", "NHWC"));
    }
    String term;
    if (c.isConstant()) {
      OnnxTensor t = c.constant();
      term = ctx.weight("bias", c.shape(), Weights.data(() -> scaled(t.floats(), beta)));
    } else {
      term = ctx.tensor(ctx.onnxLayout(c));
      if (beta != 1) {
        term = ctx.emit("beta", "Mul", List.of(term, Weights.small(ctx, "beta", new long[0],
            beta)), Attrs.of());
      }
    }
    return ctx.emit(null, "AddV2", List.of(product, term), Attrs.of());
  }

  private static float[] scaled(float[] v, float factor) {
    if (factor != 1) {
      for (int i = 0; i < v.length; i++) {
        v[i] *= factor;
      }
    }
    return v;
  }
}
