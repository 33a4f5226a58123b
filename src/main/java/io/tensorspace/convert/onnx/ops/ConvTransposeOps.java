package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.TensorData;
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
 * ConvTranspose, channels-last: a VALID Conv2DBackpropInput gives the full output
 * ({@code (in - 1) * stride + kernel}), zeros are appended for an {@code output_padding} that
 * reaches past it, and a Slice crops the {@code pads} (tfjs has no explicit padding for it).
 * Weights [Cin, Cout/group, kH, kW] become TensorFlow's [kH, kW, Cout/group, Cin/group], a
 * dilated kernel with zeros between its taps (tfjs's transposed convolution has no dilation);
 * groups split the input, deconvolve each part and concatenate; a 1-D op runs as a 2-D one of
 * height 1.
 */
final class ConvTransposeOps {
  private ConvTransposeOps() {}

  /**
   * The resolved geometry of one spatial axis; {@code kernel} is the dilated extent
   * {@code (k - 1) * dilation + 1} the zero-filled filter has.
   */
  private record Axis(long in, long k, long dilation, long kernel, long stride, long begin,
      long full, long out) {}

  static void convTranspose(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    OnnxTensor w = Weights.constant(ctx, 1, "weights");
    int rank = x.rank();
    if (rank != 3 && rank != 4) {
      throw ctx.unsupported("is a " + (rank - 2) + "-D transposed convolution (input rank "
          + rank + "); only 1-D and 2-D ones are translated");
    }
    long[] wd = w.dims();
    long group = ctx.attrInt("group", 1);
    long cin = x.dim(1);
    if (wd.length != rank || group < 1 || wd[0] != cin || cin % group != 0) {
      throw ctx.refuse("its weights " + Arrays.toString(wd) + " do not fit its input "
          + Arrays.toString(x.shape()) + " with group " + group);
    }
    long cout = wd[1] * group;
    Axis[] axes = axes(ctx, x, Arrays.copyOfRange(wd, 2, wd.length));
    boolean oneD = rank == 3;
    Axis[] a2 = oneD ? new Axis[] {new Axis(1, 1, 1, 1, 1, 0, 1, 1), axes[0]} : axes;

    String t = ctx.channelsLast(x).tf();
    if (oneD) {
      t = ctx.emit("as_2d", "Reshape", List.of(t, ctx.ints("as_2d_shape", x.dim(0), 1,
          x.dim(2), cin)), Attrs.of());
    }
    t = deconvolve(ctx, t, w, group, x.dim(0), a2);
    boolean bias = ctx.has(2);
    t = crop(ctx, bias || oneD ? "crop" : null, t, x.dim(0), cout, a2);
    if (bias) {
      OnnxTensor b = Weights.constant(ctx, 2, "bias");
      t = ctx.emit(oneD ? "bias" : null, "BiasAdd", List.of(t, ctx.weight("bias",
          new long[] {cout}, Weights.data(b::floats))), Attrs.of().s("data_format", "NHWC"));
    }
    long[] outShape = new long[rank];
    outShape[0] = x.dim(0);
    outShape[1] = cout;
    for (int k = 0; k < axes.length; k++) {
      outShape[k + 2] = axes[k].out();
    }
    if (oneD) {
      t = ctx.emit(null, "Reshape", List.of(t, ctx.ints("as_1d_shape", x.dim(0), axes[0].out(),
          cout)), Attrs.of());
    }
    ctx.output(0, ctx.result(t, outShape, Layout.CHANNELS_LAST));
  }

  /** Strides, pads, output_padding and output_shape resolved per spatial axis. */
  private static Axis[] axes(OpContext ctx, Value x, long[] wKernel) throws ConversionException {
    int n = x.rank() - 2;
    long[] kernel = ctx.attrInts("kernel_shape", wKernel);
    long[] strides = ctx.attrInts("strides", Window.ones(n));
    long[] dilations = ctx.attrInts("dilations", Window.ones(n));
    long[] pads = ctx.attrInts("pads", new long[2 * n]);
    long[] extra = ctx.attrInts("output_padding", new long[n]);
    long[] outputShape = ctx.attrInts("output_shape", null);
    String autoPad = ctx.attrString("auto_pad", "NOTSET");
    if (kernel.length != n || strides.length != n || dilations.length != n
        || pads.length != 2 * n || extra.length != n
        || outputShape != null && outputShape.length != n && outputShape.length != n + 2) {
      throw ctx.refuse("its kernel, strides, dilations, pads, output_padding or output_shape do"
          + " not match its " + n + " spatial dimensions");
    }
    if (!Arrays.equals(kernel, wKernel)) {
      throw ctx.refuse("its kernel_shape " + Arrays.toString(kernel) + " differs from its"
          + " weights' " + Arrays.toString(wKernel));
    }
    if (outputShape == null && autoPad.startsWith("SAME")) {
      throw ctx.unsupported("pads with auto_pad " + autoPad + " without output_shape (the"
          + " ONNX specification and ONNX Runtime's sources disagree on its output size); export"
          + " it with explicit pads");
    }
    Axis[] out = new Axis[n];
    for (int k = 0; k < n; k++) {
      long in = x.dim(k + 2);
      long effective = (kernel[k] - 1) * dilations[k] + 1;
      long full = (in - 1) * strides[k] + effective;
      if (dilations[k] < 1 || strides[k] < 1 || extra[k] < 0
          || extra[k] >= Math.max(strides[k], dilations[k])) {
        throw ctx.refuse("its output_padding " + Arrays.toString(extra) + " is not below its"
            + " strides " + Arrays.toString(strides) + " or dilations "
            + Arrays.toString(dilations));
      }
      long begin;
      long size;
      if (outputShape != null) {
        size = outputShape[outputShape.length - n + k];
        long total = full + extra[k] - size;
        if (total < 0 || total % 2 != 0) {
          throw ctx.unsupported("asks for output_shape " + Arrays.toString(outputShape)
              + ", which leaves an odd or negative total padding (" + total + "), whose odd"
              + " element the ONNX specification and ONNX Runtime's sources put at different"
              + " ends; export it with explicit pads");
        }
        begin = total / 2;
      } else {
        boolean valid = autoPad.equals("VALID");
        begin = valid ? 0 : pads[k];
        size = full + extra[k] - begin - (valid ? 0 : pads[k + n]);
      }
      if (size < 1 || begin < 0) {
        throw ctx.refuse("its pads " + Arrays.toString(pads) + " leave no output");
      }
      out[k] = new Axis(in, kernel[k], dilations[k], effective, strides[k], begin, full, size);
    }
    return out;
  }

  /** The full VALID transposed convolution, per group, concatenated on channels. */
  private static String deconvolve(OpContext ctx, String input, OnnxTensor w, long group,
      long batch, Axis[] a) {
    long cinG = w.dims()[0] / group;
    long coutG = w.dims()[1];
    List<String> parts = new ArrayList<>();
    String split = group == 1 ? input : ctx.emit("groups", "Split", List.of(ctx.intTensor(
        "groups_axis", new long[0], new long[] {3}), input), Attrs.of().i("num_split", group));
    for (int g = 0; g < group; g++) {
      String in = g == 0 ? split : split + ":" + g;
      String suffix = group == 1 ? "deconv" : "deconv_" + g;
      String filter = ctx.weight(suffix + "_kernel", new long[] {a[0].kernel(), a[1].kernel(),
          coutG, cinG}, filter(w, a, g * cinG, cinG));
      parts.add(ctx.emit(suffix, "Conv2DBackpropInput", List.of(
          ctx.ints(suffix + "_size", batch, a[0].full(), a[1].full(), coutG), filter, in),
          Attrs.of().ints("strides", 1, a[0].stride(), a[1].stride(), 1)
              .ints("dilations", 1, 1, 1, 1).s("padding", "VALID").s("data_format", "NHWC")));
    }
    if (group == 1) {
      return parts.get(0);
    }
    parts.add(ctx.intTensor("concat_axis", new long[0], new long[] {3}));
    return ctx.emit("deconv", "ConcatV2", parts, Attrs.of().i("N", group)
        .type("Tidx", DataType.DT_INT32));
  }

  /**
   * The output window [begin, begin + out) of the full result; zeros are first appended where
   * output_padding reaches past it (no input contributes there).
   */
  private static String crop(OpContext ctx, String suffix, String full, long batch, long cout,
      Axis[] a) {
    String t = full;
    long[] reach = new long[2];
    for (int k = 0; k < 2; k++) {
      reach[k] = Math.max(0, a[k].begin() + a[k].out() - a[k].full());
    }
    if (reach[0] > 0 || reach[1] > 0) {
      t = ctx.emit("output_padding", "Pad", List.of(t, ctx.intTensor("output_paddings",
          new long[] {4, 2}, new long[] {0, 0, 0, reach[0], 0, reach[1], 0, 0})), Attrs.of());
    }
    return ctx.emit(suffix, "Slice", List.of(t, ctx.ints("crop_begin", 0, a[0].begin(),
        a[1].begin(), 0), ctx.ints("crop_size", batch, a[0].out(), a[1].out(), cout)),
        Attrs.of().type("Index", DataType.DT_INT32));
  }

  /**
   * ONNX weights [Cin, Cout/g, kH, kW], input channels from..from+count, as [kH', kW', O, I]
   * with zeros between the taps of a dilated kernel.
   */
  private static TensorData filter(OnnxTensor w, Axis[] a, long from, long count) {
    return Weights.data(() -> {
      float[] v = w.floats();
      int out = (int) w.dims()[1];
      int h = (int) a[0].k();
      int c = (int) a[1].k();
      int he = (int) a[0].kernel();
      int ce = (int) a[1].kernel();
      int in = (int) count;
      float[] r = new float[he * ce * out * in];
      for (int i = 0; i < in; i++) {
        for (int o = 0; o < out; o++) {
          for (int y = 0; y < h; y++) {
            for (int z = 0; z < c; z++) {
              int ty = y * (int) a[0].dilation();
              int tz = z * (int) a[1].dilation();
              r[((ty * ce + tz) * out + o) * in + i] =
                  v[(int) ((((from + i) * out + o) * h + y) * c + z)];
            }
          }
        }
      }
      return r;
    });
  }
}
