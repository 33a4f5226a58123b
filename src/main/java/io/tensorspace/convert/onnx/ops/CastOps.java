package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.ElemType;
import io.tensorspace.convert.onnx.Layout;
import io.tensorspace.convert.onnx.OpContext;
import io.tensorspace.convert.onnx.Value;
import io.tensorspace.convert.tensorflow.graph.DataType;
import java.util.List;

/**
 * Cast. TensorFlow.js holds float32, int32 and bool only, so every ONNX float type is float32 and
 * every integer type int32: a cast between two of one kind changes no tensor (the value keeps
 * its ONNX type for later ops), others are a Cast node. Constants are cast while translating
 * (float to integer truncates toward zero, as ONNX Runtime does).
 */
final class CastOps {
  private CastOps() {}

  static void cast(OpContext ctx) throws ConversionException {
    Value x = ctx.input(0);
    int to = (int) ctx.attrInt("to", 0);
    if (tfType(to) == null) {
      throw ctx.unsupported("casts to " + ElemType.name(to) + ", which TensorFlow.js cannot hold");
    }
    if (x.isConstant()) {
      double[] v = Folding.values(x.constant());
      for (int i = 0; i < v.length; i++) {
        v[i] = to == ElemType.BOOL ? (v[i] != 0 ? 1 : 0) : ElemType.isFloat(to) ? (float) v[i]
            : (double) (long) v[i];
      }
      ctx.output(0, Value.constant(Folding.tensor(ctx.node().outputs().get(0), x.shape(),
          ElemType.isFloat(to) ? ElemType.FLOAT : ElemType.INT64, v)));
      return;
    }
    Value in = x.layout() == Layout.FLAT_CHANNELS_LAST && !ElemType.isFloat(to)
        ? ctx.onnxLayout(x) : x;
    if (tfType(in.elemType()) == tfType(to)) {
      ctx.output(0, retyped(in, in.tf(), to));
      return;
    }
    String t = ctx.emit(null, "Cast", List.of(in.tf()), Attrs.of()
        .type("SrcT", tfType(in.elemType())).type("DstT", tfType(to)).b("Truncate", false));
    ctx.output(0, retyped(in, t, to));
  }

  private static Value retyped(Value v, String tf, int type) {
    return v.layout() == Layout.FLAT_CHANNELS_LAST
        ? Value.flattened(tf, v.shape(), v.unflattened())
        : Value.computed(tf, v.shape(), v.layout(), type);
  }

  /** The TensorFlow.js dtype of an ONNX element type, or null (strings, complex). */
  static DataType tfType(int elemType) {
    if (ElemType.isFloat(elemType)) {
      return DataType.DT_FLOAT;
    }
    if (elemType == ElemType.BOOL) {
      return DataType.DT_BOOL;
    }
    return ElemType.size(elemType) == 0 ? null : DataType.DT_INT32;
  }
}
