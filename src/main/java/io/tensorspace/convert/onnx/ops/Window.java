package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.OpContext;

/**
 * The sliding window of a Conv or pooling node over its spatial dimensions: kernel, strides,
 * dilations and the padding at each end, resolved from {@code pads} or {@code auto_pad}
 * (and {@code ceil_mode}: the extra end padding that makes the last partial window count), with
 * the output size. One spatial dimension (1-D ops) is widened to two (height 1).
 */
record Window(long[] in, long[] kernel, long[] strides, long[] dilations, long[] begin,
    long[] end, long[] out, long[] ceilExtra) {

  static Window of(OpContext ctx, long[] spatialIn, long[] kernel, boolean ceil)
      throws ConversionException {
    int n = spatialIn.length;
    long[] strides = ctx.attrInts("strides", ones(n));
    long[] dilations = ctx.attrInts("dilations", ones(n));
    long[] pads = ctx.attrInts("pads", new long[2 * n]);
    if (kernel.length != n || strides.length != n || dilations.length != n
        || pads.length != 2 * n) {
      throw ctx.refuse("its kernel, strides, dilations or pads do not match its " + n
          + " spatial dimensions");
    }
    String autoPad = ctx.attrString("auto_pad", "NOTSET");
    long[] begin = new long[n];
    long[] end = new long[n];
    long[] out = new long[n];
    long[] extra = new long[n];
    for (int k = 0; k < n; k++) {
      long effective = (kernel[k] - 1) * dilations[k] + 1;
      switch (autoPad) {
        case "NOTSET" -> {
          begin[k] = pads[k];
          end[k] = pads[k + n];
        }
        case "VALID" -> { }
        case "SAME_UPPER", "SAME_LOWER" -> {
          long o = (spatialIn[k] + strides[k] - 1) / strides[k];
          long total = Math.max(0, (o - 1) * strides[k] + effective - spatialIn[k]);
          boolean upper = autoPad.equals("SAME_UPPER");
          begin[k] = upper ? total / 2 : total - total / 2;
          end[k] = total - begin[k];
        }
        default -> throw ctx.refuse("auto_pad '" + autoPad + "' is not an ONNX value");
      }
      long span = spatialIn[k] + begin[k] + end[k] - effective;
      if (span < 0 || strides[k] < 1) {
        throw ctx.refuse("its window is larger than its padded input");
      }
      out[k] = (ceil ? (span + strides[k] - 1) / strides[k] : span / strides[k]) + 1;
      if (ceil && (out[k] - 1) * strides[k] >= spatialIn[k] + begin[k]) {
        out[k]--; // the last window must start inside the input or its begin padding
      }
      extra[k] = Math.max(0, (out[k] - 1) * strides[k] + effective - (spatialIn[k] + begin[k]
          + end[k]));
    }
    return new Window(spatialIn, kernel, strides, dilations, begin, end, out, extra);
  }

  boolean padded() {
    for (int k = 0; k < begin.length; k++) {
      if (begin[k] != 0 || end[k] + ceilExtra[k] != 0) {
        return true;
      }
    }
    return false;
  }

  /** Pad's [4, 2] paddings of the NHWC (height-widened) tensor. */
  long[] nhwcPaddings() {
    long[] p = new long[8];
    int offset = begin.length == 1 ? 1 : 0;
    for (int k = 0; k < begin.length; k++) {
      p[2 * (k + 1 + offset)] = begin[k];
      p[2 * (k + 1 + offset) + 1] = end[k] + ceilExtra[k];
    }
    return p;
  }

  /** NHWC strides/ksize/dilations attribute of a height-widened 2-D window. */
  static long[] nhwc(long[] spatial) {
    return spatial.length == 1 ? new long[] {1, 1, spatial[0], 1}
        : new long[] {1, spatial[0], spatial[1], 1};
  }

  static long[] ones(int n) {
    long[] o = new long[n];
    java.util.Arrays.fill(o, 1);
    return o;
  }
}
