package io.tensorspace.testing.onnx;

import static io.tensorspace.testing.onnx.Attr.i;
import static io.tensorspace.testing.onnx.Attr.ints;

import com.google.protobuf.ByteString;
import io.tensorspace.testing.onnx.Onnx.GraphProto;
import io.tensorspace.testing.onnx.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ReduceMean/ReduceMax/ReduceSum (axes attribute vs input, keepdims), and the subgraphs exporters
 * write around a fixed shape: Shape -> Gather -> Unsqueeze -> Concat -> Reshape, Shape -> Slice,
 * ConstantOfShape, Expand, an If whose condition is a constant.
 */
final class ReduceShapeFamilies {
  private ReduceShapeFamilies() {}

  private static final long[] X = {1, 3, 4, 5};

  static List<OnnxMember> reduce() {
    List<OnnxMember> m = new ArrayList<>();
    for (String op : List.of("ReduceMean", "ReduceMax", "ReduceSum")) {
      String lower = op.substring(6).toLowerCase();
      m.add(reduce(lower + "-axis1-keep-opset11", op, 11, new long[] {1}, 1));
      m.add(reduce(lower + "-axes23-nokeep-opset13", op, 13, new long[] {2, 3}, 0));
      m.add(reduce(lower + "-axis-1-keep-opset13", op, 13, new long[] {-1}, 1));
      m.add(reduce(lower + "-all-nokeep-opset11", op, 11, null, 0));
      m.add(reduce(lower + "-axis2-nokeep-opset9", op, 9, new long[] {2}, 0));
    }
    return m;
  }

  static List<OnnxMember> shapeFolding() {
    List<OnnxMember> m = new ArrayList<>();
    for (int opset : new int[] {9, 13}) {
      m.add(OnnxMember.of("shape-folding", "view-batch-minus1-opset" + opset, opset,
          "x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat([n, -1]) -> Reshape -> Gemm",
          g -> {
            String c = conv(g);
            String n = g.node("Gather", List.of(g.node("Shape", List.of(c)),
                constantScalar(g, 0)), i("axis", 0));
            String un = opset < 13 ? g.node("Unsqueeze", List.of(n), ints("axes", 0))
                : g.node("Unsqueeze", List.of(n, g.constantInts(0)));
            String shape = g.node("Concat", List.of(un, g.constantInts(-1)), i("axis", 0));
            String r = g.node("Reshape", List.of(c, shape));
            g.output(g.node("Gemm", List.of(r, g.weight("fc.weight", 0.3, 3, 40),
                g.weight("fc.bias", 0.3, 3)), i("transB", 1)));
          }));
    }
    m.add(OnnxMember.of("shape-folding", "shape-slice-concat-opset13", 13,
        "x.view(*x.shape[:2], -1): Shape -> Slice -> Concat -> Reshape", g -> {
          String c = conv(g);
          String head = g.node("Slice", List.of(g.node("Shape", List.of(c)), g.constantInts(0),
              g.constantInts(2)));
          String shape = g.node("Concat", List.of(head, g.constantInts(-1)), i("axis", 0));
          g.output(g.node("Reshape", List.of(c, shape)));
        }));
    m.add(OnnxMember.of("shape-folding", "shape-gather-mul-opset11", 11,
        "x.view(n, c, h * w) from Shape/Gather/Mul/Unsqueeze/Concat", g -> {
          String c = conv(g);
          String shapeOf = g.node("Shape", List.of(c));
          List<String> dims = new ArrayList<>();
          for (long axis = 0; axis < 4; axis++) {
            dims.add(g.node("Gather", List.of(shapeOf, constantScalar(g, axis)), i("axis", 0)));
          }
          String hw = g.node("Mul", List.of(dims.get(2), dims.get(3)));
          List<String> parts = new ArrayList<>();
          for (String d : List.of(dims.get(0), dims.get(1), hw)) {
            parts.add(g.node("Unsqueeze", List.of(d), ints("axes", 0)));
          }
          String shape = g.node("Concat", parts, i("axis", 0));
          g.output(g.node("Reshape", List.of(c, shape)));
        }));
    m.add(OnnxMember.of("shape-folding", "constant-of-shape-opset11", 11,
        "Shape -> ConstantOfShape(0.5) -> Add", g -> {
          String c = conv(g);
          TensorProto half = TensorProto.newBuilder().setDataType(OnnxGraph.FLOAT).addDims(1)
              .addFloatData(0.5f).build();
          String k = g.node("ConstantOfShape", List.of(g.node("Shape", List.of(c))),
              Attr.tensor("value", half));
          g.output(g.node("Add", List.of(c, k)));
        }));
    m.add(OnnxMember.of("shape-folding", "expand-bias-to-shape-opset13", 13,
        "Expand a [1,C,1,1] bias to the activation's Shape, then Mul", g -> {
          String c = conv(g);
          String e = g.node("Expand", List.of(g.weight("scale", 1, 1, 2, 1, 1),
              g.node("Shape", List.of(c))));
          g.output(g.node("Mul", List.of(c, e)));
        }));
    m.add(OnnxMember.of("shape-folding", "if-constant-condition-opset13", 13,
        "If whose condition is a Constant true: then Relu, else Sigmoid (outer-scope input)", g -> {
          String c = conv(g);
          TensorProto yes = TensorProto.newBuilder().setDataType(TensorProto.DataType.BOOL_VALUE)
              .setRawData(ByteString.copyFrom(new byte[] {1})).build();
          String cond = g.node("Constant", List.of(), Attr.tensor("value", yes));
          g.output(g.node("If", List.of(cond), Attr.graph("then_branch", branch("Relu", c)),
              Attr.graph("else_branch", branch("Sigmoid", c))));
        }));
    return m;
  }

  /** A one-node branch reading {@code x} from the outer graph. */
  private static GraphProto branch(String op, String x) {
    String out = op.toLowerCase() + "_out";
    return GraphProto.newBuilder().setName(op.toLowerCase() + "_branch")
        .addNode(Onnx.NodeProto.newBuilder().setOpType(op).addInput(x).addOutput(out)
            .setName(op.toLowerCase() + "_in_branch"))
        .addOutput(OnnxGraph.valueInfo(out, OnnxGraph.FLOAT, 1, 2, 4, 5)).build();
  }

  /** Conv [1,3,4,5] -> [1,2,4,5] (40 features). */
  private static String conv(OnnxGraph g) {
    return g.node("Conv", List.of(g.in(X), g.weight("conv.weight", 0.5, 2, 3, 3, 3),
        g.weight("conv.bias", 0.5, 2)), ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
  }

  private static String constantScalar(OnnxGraph g, long value) {
    TensorProto t = TensorProto.newBuilder().setDataType(OnnxGraph.INT64)
        .setRawData(ByteString.copyFrom(java.nio.ByteBuffer.allocate(8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, value).array())).build();
    return g.node("Constant", List.of(), Attr.tensor("value", t));
  }

  private static OnnxMember reduce(String name, String op, int opset, long[] axes, long keep) {
    boolean input = op.equals("ReduceSum") && opset >= 13;
    return OnnxMember.of("reduce", name, opset, op + " axes " + Arrays.toString(axes)
        + (input ? " (input)" : " (attribute)") + " keepdims " + keep, g -> {
          String x = ElementwiseFamilies.conv1x1(g, g.in(X));
          if (axes == null) {
            g.output(g.node(op, List.of(x), i("keepdims", keep)));
          } else if (input) {
            g.output(g.node(op, List.of(x, g.ints("axes", axes)), i("keepdims", keep)));
          } else {
            g.output(g.node(op, List.of(x), ints("axes", axes), i("keepdims", keep)));
          }
        });
  }
}
