package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.Arrays;
import java.util.List;

/**
 * Resize and Upsample, nearest and linear, one axis at a time: the source positions of each
 * output position are computed here as ONNX Runtime computes them (in float, for every
 * coordinate_transformation_mode but tf_crop_and_resize, and every nearest_mode), then nearest
 * is a GatherV2 and linear a blend of two GatherV2s with constant weights. tfjs's own resize ops
 * cannot serve: 1.7.4's ResizeBilinear has no half-pixel centres and neither knows the nearest
 * modes. Before opset 11 the coordinates are asymmetric and nearest truncates when enlarging
 * (ceil when shrinking), as ONNX Runtime does.
 */
final class ResizeOps {
  private ResizeOps() {}

  /** How one axis maps output positions to input positions. */
  private record Axis(long[] first, long[] second, float[] weight) {}

  static void resize(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    int rank = x.rank();
    if (ctx.opset() < 11) {
      translate(ctx, x, scales(ctx, ctx.has(1) ? floats(ctx, 1) : null, rank), null, "asymmetric",
          "simple");
      return;
    }
    if (ctx.attrInt("antialias", 0) != 0) {
      throw ctx.unsupported("resizes with antialias");
    }
    if (!ctx.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
      throw ctx.unsupported("keeps the aspect ratio (keep_aspect_ratio_policy '"
          + ctx.attrString("keep_aspect_ratio_policy", "") + "')");
    }
    long[] axes = ctx.attrInts("axes", null);
    float[] scales = ctx.has(2) && ctx.input(2).count() > 0 ? floats(ctx, 2) : null;
    long[] sizes = ctx.has(3) && ctx.input(3).count() > 0 ? ConstantOps.longs(ctx, 3, "sizes") : null;
    if (scales == null && sizes == null) {
      throw ctx.refuse("it has neither scales nor sizes");
    }
    if (axes != null) {
      scales = scales == null ? null : spread(ctx, axes, scales, rank, 1f);
      sizes = sizes == null ? null : spread(ctx, axes, sizes, x.shape(), rank);
    }
    translate(ctx, x, scales == null ? null : scales(ctx, scales, rank), sizes,
        ctx.attrString("coordinate_transformation_mode", "half_pixel"),
        ctx.attrString("nearest_mode", "round_prefer_floor"));
  }

  static void upsample(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    float[] scales = ctx.opset() < 9 ? ctx.attrFloats("scales", null) : floats(ctx, 1);
    if (scales == null) {
      throw ctx.refuse("it has no scales");
    }
    translate(ctx, x, scales(ctx, scales, x.rank()), null, "asymmetric", "simple");
  }

  private static void translate(OpContext ctx, Value input, float[] scales, long[] sizes,
      String coordinates, String nearestMode) throws ConversionException {
    String mode = ctx.attrString("mode", "nearest");
    boolean linear = mode.equals("linear") || mode.equals("bilinear");
    if (!linear && !mode.equals("nearest")) {
      throw ctx.unsupported("resizes in mode '" + mode + "' (nearest and linear are translated)");
    }
    Value x = input.layout() == Layout.FLAT_CHANNELS_LAST ? ctx.onnxLayout(input) : input;
    int rank = x.rank();
    if (sizes != null && sizes.length != rank) {
      throw ctx.refuse("its sizes " + Arrays.toString(sizes) + " do not match its rank " + rank);
    }
    long[] shape = new long[rank];
    String t = ctx.tensor(x);
    int last = -1;
    Axis[] maps = new Axis[rank];
    for (int k = 0; k < rank; k++) {
      long in = x.dim(k);
      long out = sizes != null ? sizes[k] : (long) (in * scales[k]);
      float scale = sizes != null ? (float) out / in : scales[k];
      if (out < 1) {
        throw ctx.refuse("it resizes axis " + k + " of " + in + " to " + out);
      }
      shape[k] = out;
      maps[k] = axis(ctx, in, out, scale, coordinates, nearestMode, linear);
      if (maps[k] != null) {
        last = k;
      }
    }
    for (int k = 0; k <= last; k++) {
      if (maps[k] != null) {
        t = apply(ctx, t, maps[k], x.layout().tfAxis(k, rank), rank, k == last ? null : "axis_" + k);
      }
    }
    ctx.output(0, Value.computed(t, shape, x.layout(), x.elemType()));
  }

  /** The mapping of one axis, or null when it leaves the axis as it is. */
  private static Axis axis(OpContext ctx, long in, long out, float scale, String coordinates,
      String nearestMode, boolean linear) throws ConversionException {
    long[] first = new long[(int) out];
    long[] second = new long[(int) out];
    float[] weight = new float[(int) out];
    boolean same = in == out;
    for (int i = 0; i < out; i++) {
      float x = original(ctx, i, in, out, scale, coordinates);
      if (linear) {
        float clamped = Math.max(0f, Math.min(x, in - 1));
        first[i] = Math.min((long) clamped, in - 1);
        second[i] = Math.min(first[i] + 1, in - 1);
        weight[i] = first[i] == second[i] ? 0f : clamped - first[i];
      } else {
        first[i] = Math.max(0, Math.min(in - 1, nearest(ctx, x, nearestMode, scale < 1)));
        second[i] = first[i];
      }
      same &= first[i] == i && weight[i] == 0f;
    }
    return same ? null : new Axis(first, second, weight);
  }

  /** The input coordinate of output position {@code i}, in float as ONNX Runtime computes it. */
  private static float original(OpContext ctx, int i, long in, long out, float scale,
      String mode) throws ConversionException {
    return switch (mode) {
      case "half_pixel" -> (i + 0.5f) / scale - 0.5f;
      case "pytorch_half_pixel" -> out > 1 ? (i + 0.5f) / scale - 0.5f : 0f;
      case "align_corners" -> out == 1 ? 0f : i * (float) (in - 1) / (out - 1);
      case "asymmetric" -> i / scale;
      case "tf_half_pixel_for_nn" -> (i + 0.5f) / scale;
      default -> throw ctx.unsupported("resizes with coordinate_transformation_mode '" + mode
          + "' (half_pixel, pytorch_half_pixel, align_corners, asymmetric and"
          + " tf_half_pixel_for_nn are translated)");
    };
  }

  private static long nearest(OpContext ctx, float x, String mode, boolean shrinking)
      throws ConversionException {
    return switch (mode) {
      case "round_prefer_floor" -> x == Math.floor(x) + 0.5f ? (long) Math.floor(x)
          : Math.round(x);
      case "round_prefer_ceil" -> (long) Math.floor(x + 0.5f);
      case "floor" -> (long) Math.floor(x);
      case "ceil" -> (long) Math.ceil(x);
      case "simple" -> shrinking ? (long) Math.ceil(x) : (long) x;
      default -> throw ctx.unsupported("resizes with nearest_mode '" + mode + "'");
    };
  }

  /** GatherV2 of the first positions, blended with the second where a weight is not 0. */
  private static String apply(OpContext ctx, String t, Axis map, int tfAxis, int rank,
      String suffix) {
    boolean blend = false;
    for (float w : map.weight()) {
      blend |= w != 0f;
    }
    String prefix = suffix == null ? "resized" : suffix;
    String g0 = gather(ctx, blend ? prefix + "_first" : suffix, t, map.first(), tfAxis);
    if (!blend) {
      return g0;
    }
    String g1 = gather(ctx, prefix + "_second", t, map.second(), tfAxis);
    long[] wShape = new long[rank];
    Arrays.fill(wShape, 1);
    wShape[tfAxis] = map.weight().length;
    float[] w0 = new float[map.weight().length];
    for (int i = 0; i < w0.length; i++) {
      w0[i] = 1f - map.weight()[i];
    }
    String a = ctx.emit(prefix + "_first_weighted", "Mul", List.of(g0,
        Weights.small(ctx, prefix + "_first_weight", wShape, w0)), Attrs.of());
    String b = ctx.emit(prefix + "_second_weighted", "Mul", List.of(g1,
        Weights.small(ctx, prefix + "_second_weight", wShape, map.weight())), Attrs.of());
    return ctx.emit(suffix, "AddV2", List.of(a, b), Attrs.of());
  }

  private static String gather(OpContext ctx, String suffix, String t, long[] positions,
      int tfAxis) {
    String name = suffix == null ? "positions" : suffix + "_positions";
    return ctx.emit(suffix, "GatherV2", List.of(t, ctx.ints(name, positions),
        ctx.intTensor(name + "_axis", new long[0], new long[] {tfAxis})), Attrs.of()
        .type("Tparams", DataType.DT_FLOAT).type("Tindices", DataType.DT_INT32)
        .type("Taxis", DataType.DT_INT32).i("batch_dims", 0));
  }

  private static float[] floats(OpContext ctx, int i) throws ConversionException {
    double[] d = Folding.values(Weights.constant(ctx, i, i == 1 ? "scales" : "scales"));
    float[] f = new float[d.length];
    for (int k = 0; k < d.length; k++) {
      f[k] = (float) d[k];
    }
    return f;
  }

  private static float[] scales(OpContext ctx, float[] scales, int rank)
      throws ConversionException {
    if (scales == null || scales.length != rank) {
      throw ctx.refuse("its scales " + Arrays.toString(scales) + " do not match its rank " + rank);
    }
    for (float s : scales) {
      if (!(s > 0)) {
        throw ctx.refuse("its scales " + Arrays.toString(scales) + " are not all positive");
      }
    }
    return scales;
  }

  private static float[] spread(OpContext ctx, long[] axes, float[] given, int rank, float fill)
      throws ConversionException {
    float[] out = new float[rank];
    Arrays.fill(out, fill);
    if (given.length != axes.length) {
      throw ctx.refuse("its scales do not match its axes " + Arrays.toString(axes));
    }
    for (int i = 0; i < axes.length; i++) {
      out[ctx.axis(axes[i], rank)] = given[i];
    }
    return out;
  }

  private static long[] spread(OpContext ctx, long[] axes, long[] given, long[] dims, int rank)
      throws ConversionException {
    long[] out = dims.clone();
    if (given.length != axes.length) {
      throw ctx.refuse("its sizes do not match its axes " + Arrays.toString(axes));
    }
    for (int i = 0; i < axes.length; i++) {
      out[ctx.axis(axes[i], rank)] = given[i];
    }
    return out;
  }
}
