package io.tensorspace.convert.onnx;

/**
 * How a TensorFlow tensor holds the ONNX tensor it stands for. Images are emitted channels-last
 * (NHWC, what tfjs convolutions run and TensorSpace draws), so each value carries its layout and
 * ops remap axes instead of transposing back and forth.
 */
public enum Layout {
  /** The ONNX axis order. */
  ONNX,
  /** ONNX axis 1 (channels) moved last: NCHW as NHWC, NCW as NWC. */
  CHANNELS_LAST,
  /**
   * A 2-D [N, C*H*W] flattened from a channels-last tensor, so its elements are in NHWC order;
   * the value remembers the NCHW shape it was flattened from.
   */
  FLAT_CHANNELS_LAST;

  /** The permutation from ONNX axes to channels-last axes: [0, 2, ..., r-1, 1]. */
  public static int[] toChannelsLast(int rank) {
    int[] perm = new int[rank];
    for (int k = 1; k < rank - 1; k++) {
      perm[k] = k + 1;
    }
    perm[rank - 1] = 1;
    return perm;
  }

  /** The permutation back: [0, r-1, 1, ..., r-2]. */
  public static int[] toChannelsFirst(int rank) {
    int[] perm = new int[rank];
    perm[1] = rank - 1;
    for (int k = 2; k < rank; k++) {
      perm[k] = k - 1;
    }
    return perm;
  }

  /** {@code shape} permuted: out[k] = shape[perm[k]]. */
  public static long[] permute(long[] shape, int[] perm) {
    long[] out = new long[perm.length];
    for (int k = 0; k < perm.length; k++) {
      out[k] = shape[perm[k]];
    }
    return out;
  }

  /** The TensorFlow axis of ONNX axis {@code axis} (already non-negative) of a rank-r value. */
  public int tfAxis(int axis, int rank) {
    if (this != CHANNELS_LAST || axis == 0) {
      return axis;
    }
    return axis == 1 ? rank - 1 : axis - 1;
  }

  /** The name model.json records. */
  public String label() {
    return switch (this) {
      case ONNX -> "onnx";
      case CHANNELS_LAST -> "channels_last";
      case FLAT_CHANNELS_LAST -> "flattened_channels_last";
    };
  }
}
