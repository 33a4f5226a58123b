package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.ElemType;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxAttribute;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move elements without computing: Flatten and Reshape (a channels-last image flattened
 * to [N, rest] stays in NHWC order, which the next Gemm's kernel absorbs; other reshapes see the
 * ONNX order), Constant, Identity/Dropout, Concat and Split (axes remapped to the layout).
 */
final class ShapeOps {
  private ShapeOps() {}

  static void flatten(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    int axis = ctx.axis(ctx.attrInt("axis", 1), x.rank() + 1);
    long outer = 1;
    for (int k = 0; k < axis; k++) {
      outer *= x.dim(k);
    }
    reshapeTo(ctx, x, new long[] {outer, x.count() / Math.max(outer, 1)});
  }

  static void reshape(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    long[] target;
    if (ctx.opset() < 5) {
      target = ctx.attrInts("shape", null);
      if (target == null) {
        throw ctx.refuse("it has no shape attribute");
      }
    } else {
      Value s = ctx.input(1);
      if (!s.isConstant()) {
        throw ctx.unsupported("takes its target shape from a tensor computed in the graph");
      }
      try {
        target = s.constant().longs();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    reshapeTo(ctx, x, resolve(ctx, x.shape(), target, ctx.attrInt("allowzero", 0) == 1));
  }

  /** ONNX's target shape with 0 (copy) and -1 (infer) resolved. */
  static long[] resolve(OpContext ctx, long[] in, long[] target, boolean allowZero)
      throws ConversionException {
    long[] out = target.clone();
    long known = 1;
    int infer = -1;
    for (int k = 0; k < out.length; k++) {
      if (out[k] == 0 && !allowZero) {
        if (k >= in.length) {
          throw ctx.refuse("its target shape " + Arrays.toString(target) + " copies a missing"
              + " dimension");
        }
        out[k] = in[k];
      }
      if (out[k] == -1) {
        infer = k;
      } else {
        known *= out[k];
      }
    }
    long count = ElemType.count(in);
    if (infer >= 0) {
      out[infer] = known == 0 ? 0 : count / known;
    }
    if (ElemType.count(out) != count) {
      throw ctx.refuse("its target shape " + Arrays.toString(target) + " does not hold the "
          + count + " elements of its input " + Arrays.toString(in));
    }
    return out;
  }

  private static void reshapeTo(OpContext ctx, Value x, long[] shape) throws ConversionException {
    if (x.isConstant()) {
      ctx.output(0, Value.constant(x.constant().reshaped(shape)));
      return;
    }
    if (x.layout() == Layout.CHANNELS_LAST && shape.length == 2 && shape[0] == x.dim(0)) {
      String t = ctx.emit(null, "Reshape", List.of(x.tf(), ctx.ints("shape", shape)), Attrs.of());
      ctx.output(0, Value.flattened(t, shape, x.shape()));
      return;
    }
    if (x.layout() == Layout.FLAT_CHANNELS_LAST && Arrays.equals(shape, x.shape())) {
      ctx.output(0, x);
      return;
    }
    Value plain = ctx.onnxLayout(x);
    String t = ctx.emit(null, "Reshape", List.of(plain.tf(), ctx.ints("shape", shape)),
        Attrs.of());
    ctx.output(0, Value.computed(t, shape, Layout.ONNX, x.elemType()));
  }

  /** {@code v} seen with other dimensions of the same count (a constant stays a constant). */
  static Value reshaped(OpContext ctx, Value v, long[] dims, String suffix)
      throws ConversionException {
    if (v.isConstant()) {
      return Value.constant(v.constant().reshaped(dims));
    }
    Value plain = ctx.onnxLayout(v);
    String t = ctx.emit(suffix, "Reshape", List.of(plain.tf(), ctx.ints(suffix + "_shape", dims)),
        Attrs.of());
    return Value.computed(t, dims, Layout.ONNX, v.elemType());
  }

  static void constant(OpContext ctx) throws ConversionException {
    String name = ctx.node().outputs().get(0);
    OnnxAttribute value = ctx.attr("value");
    if (value != null && value.t() != null) {
      ctx.output(0, Value.constant(value.t()));
    } else if (ctx.hasAttr("value_float")) {
      ctx.output(0, Value.constant(Folding.tensor(name, new long[0], ElemType.FLOAT,
          new double[] {ctx.attrFloat("value_float", 0)})));
    } else if (ctx.hasAttr("value_floats")) {
      float[] f = ctx.attrFloats("value_floats", new float[0]);
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      ctx.output(0, Value.constant(Folding.tensor(name, new long[] {f.length}, ElemType.FLOAT, d)));
    } else if (ctx.hasAttr("value_int")) {
      ctx.output(0, Value.constant(Folding.ints(name, new long[0],
          new long[] {ctx.attrInt("value_int", 0)})));
    } else if (ctx.hasAttr("value_ints")) {
      long[] l = ctx.attrInts("value_ints", new long[0]);
      ctx.output(0, Value.constant(Folding.ints(name, new long[] {l.length}, l)));
    } else {
      throw ctx.unsupported("holds its value in a form other than a dense tensor or numbers");
    }
  }

  static void identity(OpContext ctx) throws ConversionException {
    ctx.output(0, ctx.input(0));
  }

  /**
   * Dropout at inference passes its input; its mask, where a node names it, is what ONNX Runtime
   * gives at inference: zeros of the input's type before opset 10 (the mask was not filled),
   * all true after.
   */
  static void dropout(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    ctx.output(0, x);
    if (ctx.outputCount() > 1 && !ctx.node().outputs().get(1).isEmpty()) {
      boolean legacy = ctx.opset() < 10;
      int type = legacy ? x.elemType() : ElemType.BOOL;
      byte[] element = new byte[ElemType.size(type)];
      if (!legacy) {
        element[0] = 1;
      }
      ctx.output(1, Value.constant(OnnxTensor.filled(ctx.node().outputs().get(1), x.shape(),
          type, element)));
    }
  }

  static void concat(OpContext ctx) throws ConversionException {
    List<Value> in = new ArrayList<>();
    for (int i = 0; i < ctx.inputCount(); i++) {
      if (ctx.has(i) && ctx.input(i).count() != 0) {
        in.add(ctx.input(i));
      }
    }
    int rank = in.get(0).rank();
    int axis = ctx.axis(ctx.attrInt("axis", 1), rank);
    if (in.stream().allMatch(Folding::foldable)) {
      // shape vectors (Shape -> Gather -> Concat -> Reshape), weights cut and joined in the graph
      ctx.output(0, Value.constant(concatenated(ctx, in, axis)));
      return;
    }
    long[] shape = in.get(0).shape();
    shape[axis] = 0;
    for (Value v : in) {
      shape[axis] += v.dim(axis);
    }
    boolean channelsLast = rank >= 3 && in.stream().anyMatch(v -> !v.isConstant()
        && v.layout() == Layout.CHANNELS_LAST);
    List<String> names = new ArrayList<>();
    for (Value v : in) {
      Value p = channelsLast ? (v.isConstant() ? constantChannelsLast(ctx, v, names.size())
          : ctx.channelsLast(v)) : ctx.onnxLayout(v);
      names.add(ctx.tensor(p));
    }
    Layout layout = channelsLast ? Layout.CHANNELS_LAST : Layout.ONNX;
    names.add(ctx.intTensor("axis", new long[0], new long[] {layout.tfAxis(axis, rank)}));
    String t = ctx.emit(null, "ConcatV2", names, Attrs.of().i("N", in.size())
        .type("Tidx", DataType.DT_INT32));
    ctx.output(0, Value.computed(t, shape, layout, in.get(0).elemType()));
  }

  /** Constants joined along {@code axis}: per outer index, each input's block in turn. */
  private static OnnxTensor concatenated(OpContext ctx, List<Value> in, int axis) {
    long[] shape = in.get(0).shape();
    shape[axis] = in.stream().mapToLong(v -> v.dim(axis)).sum();
    long outer = ElemType.count(Arrays.copyOfRange(shape, 0, axis));
    double[] out = new double[Math.toIntExact(ElemType.count(shape))];
    int o = 0;
    List<double[]> values = in.stream().map(v -> Folding.values(v.constant())).toList();
    for (long a = 0; a < outer; a++) {
      for (int i = 0; i < in.size(); i++) {
        int block = Math.toIntExact(in.get(i).count() / Math.max(outer, 1));
        System.arraycopy(values.get(i), (int) (a * block), out, o, block);
        o += block;
      }
    }
    return Folding.tensor(ctx.node().outputs().get(0), shape, in.get(0).elemType(), out);
  }

  private static Value constantChannelsLast(OpContext ctx, Value v, int i) {
    OnnxTensor c = v.constant();
    long[] dims = v.shape();
    String w = ctx.weight("operand_" + i, Layout.permute(dims, Layout.toChannelsLast(dims.length)),
        Weights.data(() -> Weights.toChannelsLast(c.floats(), dims)));
    return Value.computed(w, dims, Layout.CHANNELS_LAST, ElemType.FLOAT);
  }

  /** Split into parts along an axis: equal parts, or the sizes of {@code split}. */
  static void split(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    if (x.layout() == Layout.FLAT_CHANNELS_LAST) {
      x = ctx.onnxLayout(x);
    }
    int rank = x.rank();
    int axis = ctx.axis(ctx.attrInt("axis", 0), rank);
    int parts = ctx.outputCount();
    long[] sizes = ctx.attrInts("split", null);
    if (sizes == null && ctx.has(1)) {
      Value s = ctx.input(1);
      if (!s.isConstant()) {
        throw ctx.unsupported("takes its split sizes from a tensor computed in the graph");
      }
      try {
        sizes = s.constant().longs();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    if (sizes == null) {
      if (x.dim(axis) % parts != 0) {
        throw ctx.refuse("its axis of " + x.dim(axis) + " does not split into " + parts
            + " equal parts");
      }
      sizes = new long[parts];
      Arrays.fill(sizes, x.dim(axis) / parts);
    }
    if (sizes.length != parts || Arrays.stream(sizes).sum() != x.dim(axis)) {
      throw ctx.refuse("its split sizes " + Arrays.toString(sizes) + " do not fit its axis of "
          + x.dim(axis) + " into " + parts + " outputs");
    }
    String in = ctx.tensor(x);
    String t = ctx.emit("split", "SplitV", List.of(in, ctx.ints("sizes", sizes),
        ctx.intTensor("split_axis", new long[0], new long[] {x.layout().tfAxis(axis, rank)})),
        Attrs.of().i("num_split", parts).type("Tlen", DataType.DT_INT32));
    for (int i = 0; i < parts; i++) {
      long[] shape = x.shape();
      shape[axis] = sizes[i];
      ctx.output(i, Value.computed(i == 0 ? t : t + ":" + i, shape, x.layout(), x.elemType()));
    }
  }
}
