package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;
import static io.tensorspace.testing.onnx.Attr.s;

import io.tensorspace.testing.onnx.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.List;

/** Conv and ConvTranspose: kernel sizes, strides, pads, auto_pad, dilations, groups, bias. */
final class ConvFamilies {
  private ConvFamilies() {}

  /** The shape of one convolution: channels in/out, groups, kernel, input size, bias. */
  private record Shape(long cin, long cout, long group, long kh, long kw, long size, boolean bias) {
    static Shape of(long cin, long cout, long kernel) {
      return new Shape(cin, cout, 1, kernel, kernel, 7, true);
    }

    Shape group(long g) {
      return new Shape(cin, cout, g, kh, kw, size, bias);
    }

    Shape kernel(long h, long w) {
      return new Shape(cin, cout, group, h, w, size, bias);
    }

    Shape size(long s) {
      return new Shape(cin, cout, group, kh, kw, s, bias);
    }

    Shape noBias() {
      return new Shape(cin, cout, group, kh, kw, size, false);
    }
  }

  static List<OnnxMember> conv() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(conv("k1", 11, Shape.of(3, 4, 1)));
    m.add(conv("k3", 9, Shape.of(3, 4, 3)));
    m.add(conv("k5-pad2", 13, Shape.of(2, 3, 5).size(8), ints("pads", 2, 2, 2, 2)));
    m.add(conv("k3-stride2", 10, Shape.of(3, 4, 3), ints("strides", 2, 2)));
    m.add(conv("k3-stride2-pad1", 11, Shape.of(3, 4, 3).size(8), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1)));
    m.add(conv("k2-stride2", 12, Shape.of(3, 2, 2).size(8), ints("strides", 2, 2)));
    m.add(conv("pads-asymmetric-0110", 13, Shape.of(2, 3, 3), ints("pads", 0, 1, 1, 0)));
    m.add(conv("pads-asymmetric-1002", 14, Shape.of(2, 3, 3), ints("pads", 1, 0, 0, 2)));
    m.add(conv("k1x3", 11, Shape.of(3, 4, 1).kernel(1, 3), ints("pads", 0, 1, 0, 1)));
    m.add(conv("k3x1-stride12", 15, Shape.of(3, 4, 1).kernel(3, 1), ints("strides", 1, 2)));
    m.add(conv("k3x2-stride21", 16, Shape.of(2, 2, 1).kernel(3, 2).size(9),
        ints("strides", 2, 1)));
    m.add(conv("same-upper", 11, Shape.of(3, 4, 3), s("auto_pad", "SAME_UPPER")));
    m.add(conv("same-upper-stride2", 11, Shape.of(3, 4, 3).size(8), s("auto_pad", "SAME_UPPER"),
        ints("strides", 2, 2)));
    m.add(conv("same-lower-stride2", 10, Shape.of(3, 4, 2).size(7), s("auto_pad", "SAME_LOWER"),
        ints("strides", 2, 2)));
    m.add(conv("valid", 9, Shape.of(3, 4, 3), s("auto_pad", "VALID")));
    m.add(conv("dilation2", 11, Shape.of(3, 4, 3).size(9), ints("dilations", 2, 2)));
    m.add(conv("dilation2-pad2", 13, Shape.of(3, 4, 3), ints("dilations", 2, 2),
        ints("pads", 2, 2, 2, 2)));
    m.add(conv("dilation21", 17, Shape.of(2, 3, 3).size(9), ints("dilations", 2, 1),
        ints("pads", 0, 1, 0, 1)));
    m.add(conv("groups2", 11, Shape.of(4, 6, 3).group(2)));
    m.add(conv("groups4-pad1", 13, Shape.of(8, 8, 3).group(4), ints("pads", 1, 1, 1, 1)));
    m.add(conv("groups2-stride2", 9, Shape.of(4, 4, 3).group(2).size(8), ints("strides", 2, 2)));
    m.add(conv("depthwise", 11, Shape.of(4, 4, 3).group(4), ints("pads", 1, 1, 1, 1)));
    m.add(conv("depthwise-multiplier2", 13, Shape.of(3, 6, 3).group(3)));
    m.add(conv("depthwise-stride2", 12, Shape.of(4, 4, 3).group(4).size(8), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1)));
    m.add(conv("depthwise-dilation2", 15, Shape.of(3, 3, 3).group(3).size(9),
        ints("dilations", 2, 2)));
    m.add(conv("no-bias", 11, Shape.of(3, 4, 3).noBias()));
    m.add(conv("groups2-no-bias", 13, Shape.of(4, 2, 3).group(2).noBias()));
    m.add(conv("depthwise-no-bias", 10, Shape.of(2, 4, 3).group(2).noBias()));
    m.add(OnnxMember.of("conv", "conv-relu-conv", 13, "two convolutions with a Relu between",
        g -> {
          String x = g.in(1, 2, 8, 8);
          String c1 = g.node("Conv", List.of(x, g.weight("c1.weight", 0.5, 4, 2, 3, 3),
              g.weight("c1.bias", 0.5, 4)), i("group", 1), ints("kernel_shape", 3, 3),
              ints("pads", 1, 1, 1, 1));
          String r = g.node("Relu", List.of(c1));
          g.output(g.node("Conv", List.of(r, g.weight("c2.weight", 0.5, 3, 4, 3, 3),
              g.weight("c2.bias", 0.5, 3)), i("group", 1), ints("kernel_shape", 3, 3),
              ints("strides", 2, 2)));
        }));
    return m;
  }

  static List<OnnxMember> convTranspose() {
    List<OnnxMember> m = new ArrayList<>();
    m.add(convT("k3", 11, Shape.of(3, 2, 3).size(4)));
    m.add(convT("k3-stride2", 13, Shape.of(3, 2, 3).size(4), ints("strides", 2, 2)));
    m.add(convT("k2-stride2", 9, Shape.of(4, 2, 2).size(4), ints("strides", 2, 2)));
    m.add(convT("k3-stride2-pad1", 11, Shape.of(2, 3, 3).size(4), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1)));
    m.add(convT("k3-stride2-pad1-outpad1", 12, Shape.of(2, 3, 3).size(4), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1)));
    m.add(convT("k4-stride2-pad1", 13, Shape.of(3, 2, 4).size(4), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1)));
    m.add(convT("pads-asymmetric", 14, Shape.of(2, 2, 3).size(4), ints("strides", 2, 2),
        ints("pads", 0, 1, 1, 0)));
    m.add(convT("groups2", 11, Shape.of(4, 4, 3).group(2).size(4), ints("strides", 2, 2)));
    m.add(convT("depthwise", 13, Shape.of(3, 3, 3).group(3).size(4), ints("strides", 2, 2),
        ints("pads", 1, 1, 1, 1), ints("output_padding", 1, 1)));
    m.add(convT("no-bias", 10, Shape.of(3, 2, 3).size(4).noBias(), ints("strides", 2, 2)));
    m.add(convT("k1x3-stride12", 15, Shape.of(2, 3, 1).kernel(1, 3).size(4),
        ints("strides", 1, 2)));
    m.add(convT("dilation2", 11, Shape.of(2, 2, 3).size(4), ints("dilations", 2, 2)));
    return m;
  }

  private static OnnxMember conv(String name, int opset, Shape c, AttributeProto... attributes) {
    return op("conv", "Conv", name, opset, c, new long[] {c.cout, c.cin / c.group}, attributes);
  }

  private static OnnxMember convT(String name, int opset, Shape c, AttributeProto... attributes) {
    return op("conv-transpose", "ConvTranspose", name, opset, c,
        new long[] {c.cin, c.cout / c.group}, attributes);
  }

  private static OnnxMember op(String family, String op, String name, int opset, Shape c,
      long[] weightChannels, AttributeProto... attributes) {
    String notes = op + " " + c + " " + describe(attributes);
    return OnnxMember.of(family, name, opset, notes, g -> {
      String x = g.in(1, c.cin, c.size, c.size);
      List<String> inputs = new ArrayList<>(List.of(x, g.weight("conv.weight", 0.5,
          weightChannels[0], weightChannels[1], c.kh, c.kw)));
      if (c.bias) {
        inputs.add(g.weight("conv.bias", 0.5, c.cout));
      }
      List<AttributeProto> all = new ArrayList<>(List.of(i("group", c.group),
          ints("kernel_shape", c.kh, c.kw)));
      all.addAll(List.of(attributes));
      g.output(g.node(op, inputs, all.toArray(AttributeProto[]::new)));
    });
  }

  static String describe(AttributeProto... attributes) {
    StringBuilder b = new StringBuilder();
    for (AttributeProto a : attributes) {
      b.append(a.getName()).append('=').append(switch (a.getType()) {
        case INT -> Long.toString(a.getI());
        case FLOAT -> Float.toString(a.getF());
        case STRING -> a.getS().toStringUtf8();
        case INTS -> a.getIntsList().toString();
        case FLOATS -> a.getFloatsList().toString();
        default -> a.getType().toString();
      }).append(' ');
    }
    return b.toString().trim();
  }
}
