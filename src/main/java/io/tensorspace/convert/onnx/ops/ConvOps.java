package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OnnxTensor;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conv, channels-last: explicit padding as a Pad node (tfjs has no asymmetric padding), then
 * Conv2D; a group per input channel is a DepthwiseConv2dNative, other groups split the input,
 * convolve each part and concatenate. A 1-D convolution runs as a 2-D one of height 1.
 */
final class ConvOps {
  private ConvOps() {}

  static void conv(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    OnnxTensor w = Weights.constant(ctx, 1, "weights");
    int rank = x.rank();
    if (rank != 3 && rank != 4) {
      throw ctx.unsupported("is a " + (rank - 2) + "-D convolution (input rank " + rank + ")");
    }
    long[] wd = w.dims();
    long group = ctx.attrInt("group", 1);
    long cin = x.dim(1);
    long cout = wd[0];
    long perGroup = wd[1];
    if (wd.length != rank || group < 1 || cin != perGroup * group || cout % group != 0) {
      throw ctx.refuse("its weights " + Arrays.toString(wd) + " do not fit its input "
          + Arrays.toString(x.shape()) + " with group " + group);
    }
    long[] kernel = ctx.attrInts("kernel_shape", Arrays.copyOfRange(wd, 2, wd.length));
    Window win = Window.of(ctx, Arrays.copyOfRange(x.shape(), 2, rank), kernel, false);
    boolean bias = ctx.has(2);
    boolean oneD = rank == 3;

    String t = ctx.channelsLast(x).tf();
    if (oneD) {
      t = ctx.emit("as_2d", "Reshape", List.of(t, ctx.ints("as_2d_shape", x.dim(0), 1,
          x.dim(2), cin)), Attrs.of());
    }
    if (win.padded()) {
      t = ctx.emit("pad", "Pad", List.of(t, ctx.intTensor("paddings", new long[] {4, 2},
          win.nhwcPaddings())), Attrs.of());
    }
    boolean last = !bias && !oneD;
    long[] k2 = oneD ? new long[] {1, kernel[0]} : kernel;
    if (group == 1) {
      t = conv2d(ctx, last ? null : "conv", "Conv2D", t, filter(ctx, "kernel", w, k2, 0, cout),
          win);
    } else if (perGroup == 1 && cout % cin == 0) {
      String f = ctx.weight("depthwise_kernel", new long[] {k2[0], k2[1], cin, cout / cin},
          hwio(w, k2, 0, cout));
      t = conv2d(ctx, last ? null : "conv", "DepthwiseConv2dNative", t, f, win);
    } else {
      t = grouped(ctx, last ? null : "conv", t, w, k2, group, win);
    }
    if (bias) {
      OnnxTensor b = Weights.constant(ctx, 2, "bias");
      if (b.elementCount() != cout) {
        throw ctx.refuse("its bias '" + b.name() + "' has shape " + Arrays.toString(b.dims())
            + ", not [" + cout + "] (one value per output channel)");
      }
      t = ctx.emit(oneD ? "bias" : null, "BiasAdd", List.of(t, ctx.weight("bias", new long[] {cout},
          Weights.data(b::floats))), Attrs.of().s("data_format", "NHWC"));
    }
    long[] outShape = new long[rank];
    outShape[0] = x.dim(0);
    outShape[1] = cout;
    for (int k = 0; k < rank - 2; k++) {
      outShape[k + 2] = win.out()[k];
    }
    if (oneD) {
      t = ctx.emit(null, "Reshape", List.of(t, ctx.ints("as_1d_shape", x.dim(0), win.out()[0],
          cout)), Attrs.of());
    }
    ctx.output(0, ctx.result(t, outShape, Layout.CHANNELS_LAST));
  }

  /**
   * A VALID Conv2D or DepthwiseConv2dNative. tfjs refuses strides and dilations both above 1, so
   * such a convolution runs with stride 1 and every stride-th position is kept (StridedSlice).
   */
  private static String conv2d(OpContext ctx, String suffix, String op, String input,
      String filter, Window win) {
    boolean both = Arrays.stream(win.strides()).anyMatch(s -> s > 1)
        && Arrays.stream(win.dilations()).anyMatch(d -> d > 1);
    String name = suffix == null ? null : suffix;
    String t = ctx.emit(both ? (suffix == null ? "dilated" : suffix + "_dilated") : name, op,
        List.of(input, filter), Attrs.of()
        .ints("strides", both ? new long[] {1, 1, 1, 1} : Window.nhwc(win.strides()))
        .ints("dilations", Window.nhwc(win.dilations()))
        .s("padding", "VALID").s("data_format", "NHWC"));
    if (!both) {
      return t;
    }
    String prefix = suffix == null ? "strided" : suffix + "_strided";
    return ctx.emit(name, "StridedSlice", List.of(t, ctx.ints(prefix + "_begin", 0, 0, 0, 0),
        ctx.ints(prefix + "_end", 0, 0, 0, 0), ctx.ints(prefix + "_strides",
        Window.nhwc(win.strides()))), Attrs.of().i("begin_mask", 15).i("end_mask", 15)
        .i("ellipsis_mask", 0).i("new_axis_mask", 0).i("shrink_axis_mask", 0)
        .type("Index", DataType.DT_INT32));
  }

  /** Split the channels into groups, convolve each with its filters, concatenate. */
  private static String grouped(OpContext ctx, String suffix, String input, OnnxTensor w,
      long[] k2, long group, Window win) {
    long cout = w.dims()[0];
    long per = cout / group;
    String split = ctx.emit("groups", "Split", List.of(ctx.intTensor("groups_axis", new long[0],
        new long[] {3}), input), Attrs.of().i("num_split", group));
    List<String> parts = new ArrayList<>();
    for (int g = 0; g < group; g++) {
      String in = g == 0 ? split : split + ":" + g;
      parts.add(conv2d(ctx, "group_" + g, "Conv2D", in,
          filter(ctx, "kernel_" + g, w, k2, g * per, (g + 1) * per), win));
    }
    parts.add(ctx.intTensor("concat_axis", new long[0], new long[] {3}));
    return ctx.emit(suffix, "ConcatV2", parts, Attrs.of().i("N", group)
        .type("Tidx", DataType.DT_INT32));
  }

  private static String filter(OpContext ctx, String suffix, OnnxTensor w, long[] k2, long from,
      long to) {
    long in = w.dims()[1];
    return ctx.weight(suffix, new long[] {k2[0], k2[1], in, to - from}, hwio(w, k2, from, to));
  }

  /** ONNX weights [O, I, kH, kW] (output channels from..to) as TensorFlow's [kH, kW, I, O]. */
  private static io.tensorspace.convert.model.TensorData hwio(OnnxTensor w, long[] k2, long from,
      long to) {
    return Weights.data(() -> {
      float[] v = w.floats();
      int in = (int) w.dims()[1];
      int kh = (int) k2[0];
      int kw = (int) k2[1];
      int out = (int) (to - from);
      float[] r = new float[kh * kw * in * out];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          for (int h = 0; h < kh; h++) {
            for (int c = 0; c < kw; c++) {
              r[((h * kw + c) * in + i) * out + o] =
                  v[(int) ((((o + from) * in + i) * kh + h) * kw + c)];
            }
          }
        }
      }
      return r;
    });
  }
}
