package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;
import static io.tensorspace.testing.onnx.Attr.s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Axis-taking and layout-dependent ops on an NCHW tensor [1,4,4,6] (every dimension told apart):
 * Concat, Split, Slice, Transpose, Reshape, Squeeze/Unsqueeze, Gather with each axis (also
 * negative), PixelShuffle as Reshape-Transpose-Reshape, DepthToSpace/SpaceToDepth, channel shuffle.
 */
final class TensorOpFamilies {
  private TensorOpFamilies() {}

  private static final long[] X = {1, 4, 4, 6};

  static List<OnnxMember> concat() {
    List<OnnxMember> m = new ArrayList<>();
    int[][] cases = {{1, 9}, {2, 11}, {3, 13}, {-1, 13}, {-3, 11}, {-2, 13}};
    for (int[] c : cases) {
      m.add(OnnxMember.of("concat", "axis" + c[0], c[1], "Concat(x, Sigmoid(x)) axis " + c[0], g -> {
        String x = g.in(X);
        g.output(g.node("Concat", List.of(x, g.node("Sigmoid", List.of(x))), i("axis", c[0])));
      }));
    }
    m.add(OnnxMember.of("concat", "channels-of-two-convs", 11,
        "Concat axis 1 of the input (4 channels) and a Conv of it (2 channels)", g -> {
          String x = g.in(X);
          String c = g.node("Conv", List.of(x, g.weight("conv.weight", 0.5, 2, 4, 1, 1)),
              ints("kernel_shape", 1, 1));
          g.output(g.node("Concat", List.of(x, c), i("axis", 1)));
        }));
    m.add(OnnxMember.of("concat", "three-inputs-axis1", 13, "Concat of three tensors on axis 1", g -> {
      String x = g.in(X);
      g.output(g.node("Concat", List.of(g.node("Relu", List.of(x)), x,
          g.node("Tanh", List.of(x))), i("axis", 1)));
    }));
    return m;
  }

  static List<OnnxMember> split() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(split("axis1-attr-1-3-opset9", 9, 1, new long[] {1, 3}, true));
    m.add(split("axis2-equal-opset11", 11, 2, null, false));
    m.add(split("axis-1-attr-2-4-opset11", 11, -1, new long[] {2, 4}, true));
    m.add(split("axis1-input-1-1-2-opset13", 13, 1, new long[] {1, 1, 2}, false));
    m.add(split("axis3-equal3-opset13", 13, 3, new long[] {2, 2, 2}, false));
    m.add(OnnxMember.of("split", "glu", 13, "GLU: Split axis 1 in halves, a * Sigmoid(b)", g -> {
      String[] ab = g.nodeOutputs("Split", List.of(g.in(X)), 2, i("axis", 1));
      g.output(g.node("Mul", List.of(ab[0], g.node("Sigmoid", List.of(ab[1])))));
    }));
    return m;
  }

  static List<OnnxMember> slice() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("slice", "axis1-attrs-opset9", 9, "Slice-1 attributes: channels 1..3", g ->
        g.output(g.node("Slice", List.of(g.in(X)), ints("starts", 1), ints("ends", 3),
            ints("axes", 1)))));
    m.add(OnnxMember.of("slice", "axes23-attrs-opset9-no-axes", 9,
        "Slice-1 without axes (all leading dims)", g ->
        g.output(g.node("Slice", List.of(g.in(X)), ints("starts", 0, 1, 1), ints("ends", 1, 4, 3)))));
    m.add(slice("axis2-opset10", 10, new long[] {1}, new long[] {3}, new long[] {2}, null));
    m.add(slice("axis3-step2-opset11", 11, new long[] {0}, new long[] {6}, new long[] {3},
        new long[] {2}));
    m.add(slice("axis-1-negative-start-opset13", 13, new long[] {-3}, new long[] {Long.MAX_VALUE},
        new long[] {-1}, null));
    m.add(slice("axes23-opset13", 13, new long[] {1, 2}, new long[] {3, -1}, new long[] {2, 3},
        null));
    m.add(slice("axis2-reverse-opset13", 13, new long[] {-1}, new long[] {Long.MIN_VALUE},
        new long[] {2}, new long[] {-1}));
    m.add(slice("axis1-clamped-end-opset11", 11, new long[] {2}, new long[] {100},
        new long[] {1}, null));
    m.add(slice("axis-3-opset13", 13, new long[] {1}, new long[] {4}, new long[] {-3},
        new long[] {2}));
    return m;
  }

  static List<OnnxMember> transpose() {
    List<OnnxMember> m = new ArrayList<>();
    long[][] perms = {{0, 2, 3, 1}, {0, 1, 3, 2}, {0, 3, 1, 2}, {0, 2, 1, 3}, {0, 3, 2, 1}};
    int opset = 7;
    for (long[] p : perms) {
      opset += 2;
      m.add(OnnxMember.of("transpose", "perm" + join(p), opset, "Transpose perm "
          + Arrays.toString(p) + ", then a Relu", g ->
          g.output(g.node("Relu", List.of(g.node("Transpose", List.of(g.in(X)), ints("perm", p)))))));
    }
    m.add(OnnxMember.of("transpose", "default-perm-3d", 13, "Transpose without perm (reverses) on [1,4,6]",
        g -> g.output(g.node("Transpose", List.of(g.in(1, 4, 6))))));
    return m;
  }

  static List<OnnxMember> reshape() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(reshape("1-c-hw", 9, 1, 4, 24));
    m.add(reshape("1-minus1", 13, 1, -1));
    m.add(reshape("0-c-minus1-copy-dims", 11, 0, 4, -1));
    m.add(reshape("1-ch-w", 14, 1, 16, 6));
    m.add(reshape("1-c-w-h-reinterpret", 13, 1, 4, 6, 4));
    m.add(reshape("c-h-w-drop-batch", 13, 4, 4, 6));
    m.add(reshape("1-2-2-4-6-five-d", 13, 1, 2, 2, 4, 6));
    return m;
  }

  static List<OnnxMember> squeezeUnsqueeze() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("squeeze-unsqueeze", "squeeze-after-gap-opset11", 11,
        "GlobalAveragePool -> Squeeze axes [2,3] (attribute)", g -> g.output(g.node("Squeeze",
            List.of(g.node("GlobalAveragePool", List.of(g.in(X)))), ints("axes", 2, 3)))));
    m.add(OnnxMember.of("squeeze-unsqueeze", "squeeze-after-gap-opset13-negative", 13,
        "GlobalAveragePool -> Squeeze axes [-1,-2] (input)", g -> g.output(g.node("Squeeze",
            List.of(g.node("GlobalAveragePool", List.of(g.in(X))), g.ints("axes", -1, -2))))));
    m.add(OnnxMember.of("squeeze-unsqueeze", "squeeze-all-opset11", 11,
        "Squeeze without axes: every dimension of 1, batch included", g -> g.output(g.node(
            "Squeeze", List.of(g.node("GlobalMaxPool", List.of(g.in(X))))))));
    m.add(OnnxMember.of("squeeze-unsqueeze", "unsqueeze-axis2-opset11", 11,
        "Unsqueeze axes [2] on [1,4,6]", g -> g.output(g.node("Unsqueeze",
            List.of(g.in(1, 4, 6)), ints("axes", 2)))));
    m.add(OnnxMember.of("squeeze-unsqueeze", "unsqueeze-axis-1-opset13", 13,
        "Unsqueeze axes [-1] (input) on [1,4,6]", g -> g.output(g.node("Unsqueeze",
            List.of(g.in(1, 4, 6), g.ints("axes", -1))))));
    m.add(OnnxMember.of("squeeze-unsqueeze", "unsqueeze-axis0-opset9", 9,
        "Unsqueeze axes [0] on [4,6]", g -> g.output(g.node("Unsqueeze",
            List.of(g.in(4, 6)), ints("axes", 0)))));
    m.add(OnnxMember.of("squeeze-unsqueeze", "squeeze-unsqueeze-roundtrip-opset13", 13,
        "Squeeze axis 0 then Unsqueeze axis 1 on [1,4,6]", g -> g.output(g.node("Unsqueeze",
            List.of(g.node("Squeeze", List.of(g.in(1, 4, 6), g.ints("axes", 0))),
                g.ints("axes1", 1))))));
    return m;
  }

  static List<OnnxMember> gather() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(gather("axis1-scalar-index-opset11", 11, 1, new long[0], 2));
    m.add(gather("axis1-indices-opset13", 13, 1, new long[] {2}, 2, 0));
    m.add(gather("axis2-indices-opset9", 9, 2, new long[] {3}, 3, 1, 1));
    m.add(gather("axis-1-indices-opset13", 13, -1, new long[] {2}, 0, 5));
    m.add(gather("axis3-negative-index-opset13", 13, 3, new long[] {1}, -1));
    m.add(gather("axis2-2d-indices-opset13", 13, 2, new long[] {2, 2}, 0, 1, 2, 3));
    return m;
  }

  static List<OnnxMember> pixelShuffle() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(pixelShuffle("r2-c1-opset9", 9, 1, 2));
    m.add(pixelShuffle("r2-c2-opset11", 11, 2, 2));
    m.add(pixelShuffle("r3-c1-opset10", 10, 1, 3));
    m.add(pixelShuffle("r2-c3-opset13", 13, 3, 2));
    return m;
  }

  static List<OnnxMember> depthToSpace() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(OnnxMember.of("depth-to-space", "dcr-opset9", 9, "DepthToSpace-1 blocksize 2 (DCR)", g ->
        g.output(g.node("DepthToSpace", List.of(g.in(1, 8, 3, 2)), i("blocksize", 2)))));
    m.add(OnnxMember.of("depth-to-space", "dcr-opset11", 11, "DepthToSpace blocksize 2 mode DCR", g ->
        g.output(g.node("DepthToSpace", List.of(g.in(1, 8, 3, 2)), i("blocksize", 2),
            s("mode", "DCR")))));
    m.add(OnnxMember.of("depth-to-space", "crd-opset11", 11, "DepthToSpace blocksize 2 mode CRD (PixelShuffle)", g ->
        g.output(g.node("DepthToSpace", List.of(g.in(1, 8, 3, 2)), i("blocksize", 2),
            s("mode", "CRD")))));
    m.add(OnnxMember.of("depth-to-space", "crd-blocksize3-opset13", 13, "DepthToSpace blocksize 3 mode CRD", g ->
        g.output(g.node("DepthToSpace", List.of(g.in(1, 9, 2, 2)), i("blocksize", 3),
            s("mode", "CRD")))));
    m.add(OnnxMember.of("depth-to-space", "space-to-depth-opset9", 9, "SpaceToDepth blocksize 2", g ->
        g.output(g.node("SpaceToDepth", List.of(g.in(1, 2, 4, 6)), i("blocksize", 2)))));
    m.add(OnnxMember.of("depth-to-space", "space-to-depth-opset13", 13, "SpaceToDepth blocksize 3", g ->
        g.output(g.node("SpaceToDepth", List.of(g.in(1, 2, 6, 3)), i("blocksize", 3)))));
    return m;
  }

  static List<OnnxMember> channelShuffle() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(channelShuffle("groups2-opset11", 11, 2, 4));
    m.add(channelShuffle("groups3-opset13", 13, 3, 6));
    m.add(OnnxMember.of("channel-shuffle", "shufflenet-v2-unit-opset11", 11,
        "ShuffleNet v2 unit: Split channels, Conv one half, Concat, shuffle", g -> {
          String[] halves = g.nodeOutputs("Split", List.of(g.in(X)), 2, i("axis", 1),
              ints("split", 2, 2));
          String c = g.node("Relu", List.of(g.node("Conv", List.of(halves[1],
              g.weight("conv.weight", 0.5, 2, 2, 1, 1), g.weight("conv.bias", 0.5, 2)),
              ints("kernel_shape", 1, 1))));
          String cat = g.node("Concat", List.of(halves[0], c), i("axis", 1));
          g.output(shuffle(g, cat, 2, 4, 4, 6));
        }));
    return m;
  }

  private static OnnxMember channelShuffle(String name, int opset, long groups, long channels) {
    return OnnxMember.of("channel-shuffle", name, opset, "channel shuffle groups " + groups
        + ": Reshape [1,g,C/g,H,W] -> Transpose [0,2,1,3,4] -> Reshape", g ->
        g.output(shuffle(g, g.in(1, channels, 3, 4), groups, channels, 3, 4)));
  }

  private static String shuffle(OnnxGraph g, String x, long groups, long c, long h, long w) {
    String r = g.node("Reshape", List.of(x, g.ints("shape5", 1, groups, c / groups, h, w)));
    String t = g.node("Transpose", List.of(r), ints("perm", 0, 2, 1, 3, 4));
    return g.node("Reshape", List.of(t, g.ints("shape4", 1, c, h, w)));
  }

  private static OnnxMember pixelShuffle(String name, int opset, long c, long r) {
    return OnnxMember.of("pixel-shuffle", name, opset, "PixelShuffle(" + r
        + ") as PyTorch exported it before DepthToSpace: Reshape 6-D, Transpose [0,1,4,2,5,3], Reshape",
        g -> {
          long h = 3;
          long w = 2;
          String conv = g.node("Conv", List.of(g.in(1, 2, h, w), g.weight("conv.weight", 0.5,
              c * r * r, 2, 1, 1)), ints("kernel_shape", 1, 1));
          String six = g.node("Reshape", List.of(conv, g.ints("shape6", 1, c, r, r, h, w)));
          String t = g.node("Transpose", List.of(six), ints("perm", 0, 1, 4, 2, 5, 3));
          g.output(g.node("Reshape", List.of(t, g.ints("shape4", 1, c, h * r, w * r))));
        });
  }

  private static OnnxMember gather(String name, int opset, long axis, long[] dims, long... indices) {
    return OnnxMember.of("gather", name, opset, "Gather axis " + axis + " indices "
        + Arrays.toString(indices) + " shaped " + Arrays.toString(dims), g ->
        g.output(g.node("Gather", List.of(g.in(X), g.int64s("indices", dims, indices)),
            i("axis", axis))));
  }

  private static OnnxMember reshape(String name, int opset, long... shape) {
    return OnnxMember.of("reshape", name, opset, "Reshape to " + Arrays.toString(shape)
        + " then a Relu", g -> g.output(g.node("Relu", List.of(g.node("Reshape",
            List.of(g.in(X), g.ints("shape", shape)))))));
  }

  private static OnnxMember slice(String name, int opset, long[] starts, long[] ends, long[] axes,
      long[] steps) {
    return OnnxMember.of("slice", name, opset, "Slice starts " + Arrays.toString(starts) + " ends "
        + Arrays.toString(ends) + " axes " + Arrays.toString(axes) + " steps "
        + Arrays.toString(steps), g -> {
          List<String> inputs = new ArrayList<>(List.of(g.in(X), g.ints("starts", starts),
              g.ints("ends", ends), g.ints("axes", axes)));
          if (steps != null) {
            inputs.add(g.ints("steps", steps));
          }
          g.output(g.node("Slice", inputs));
        });
  }

  private static OnnxMember split(String name, int opset, long axis, long[] parts, boolean attr) {
    int outputs = parts == null ? 2 : parts.length;
    return OnnxMember.of("split", name, opset, "Split axis " + axis + " into "
        + (parts == null ? "2 equal parts" : Arrays.toString(parts))
        + (attr ? " (attribute)" : parts == null ? "" : " (input)"), g -> {
          String x = g.in(X);
          String[] out = attr
              ? g.nodeOutputs("Split", List.of(x), outputs, i("axis", axis), ints("split", parts))
              : parts == null ? g.nodeOutputs("Split", List.of(x), outputs, i("axis", axis))
              : g.nodeOutputs("Split", List.of(x, g.ints("split", parts)), outputs,
                  i("axis", axis));
          for (String o : out) {
            g.output(g.node("Relu", List.of(o)));
          }
        });
  }

  private static String join(long[] p) {
    StringBuilder b = new StringBuilder();
    for (long v : p) {
      b.append(v);
    }
    return b.toString();
  }
}
