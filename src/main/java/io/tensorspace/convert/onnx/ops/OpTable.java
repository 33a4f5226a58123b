package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.onnx.OpHandler;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one table of translated ONNX ops (default domain), keyed by op type. To add an op family,
 * write a class of static handlers beside these and add one line per op here.
 */
public final class OpTable {
  private static final Map<String, OpHandler> HANDLERS = Map.ofEntries(
      Map.entry("Conv", ConvOps::conv),
      Map.entry("Relu", ActivationOps::relu),
      Map.entry("LeakyRelu", ActivationOps::leakyRelu),
      Map.entry("Sigmoid", ActivationOps::sigmoid),
      Map.entry("Tanh", ActivationOps::tanh),
      Map.entry("PRelu", ActivationOps::prelu),
      Map.entry("Softmax", SoftmaxOps::softmax),
      Map.entry("LogSoftmax", SoftmaxOps::logSoftmax),
      Map.entry("MaxPool", PoolOps::maxPool),
      Map.entry("AveragePool", PoolOps::averagePool),
      Map.entry("GlobalAveragePool", PoolOps::globalAveragePool),
      Map.entry("GlobalMaxPool", PoolOps::globalMaxPool),
      Map.entry("Gemm", GemmOps::gemm),
      Map.entry("MatMul", GemmOps::matMul),
      Map.entry("BatchNormalization", NormalizationOps::batchNormalization),
      Map.entry("Add", ElementwiseOps::add),
      Map.entry("Sub", ElementwiseOps::sub),
      Map.entry("Mul", ElementwiseOps::mul),
      Map.entry("Div", ElementwiseOps::div),
      Map.entry("Flatten", ShapeOps::flatten),
      Map.entry("Reshape", ShapeOps::reshape),
      Map.entry("Constant", ShapeOps::constant),
      Map.entry("Identity", ShapeOps::identity),
      Map.entry("Dropout", ShapeOps::dropout),
      Map.entry("Concat", ShapeOps::concat),
      Map.entry("Split", ShapeOps::split),
      Map.entry("Shape", ConstantOps::shape),
      Map.entry("ConstantOfShape", ConstantOps::constantOfShape),
      Map.entry("Cast", CastOps::cast),
      Map.entry("Gather", GatherOps::gather),
      Map.entry("Unsqueeze", ConstantOps::unsqueeze),
      Map.entry("Squeeze", ConstantOps::squeeze),
      Map.entry("Slice", ConstantOps::slice),
      Map.entry("Expand", ConstantOps::expand),
      Map.entry("Pow", ElementwiseOps::pow),
      Map.entry("Sum", ElementwiseOps::sum),
      Map.entry("Max", ElementwiseOps::max),
      Map.entry("Min", ElementwiseOps::min),
      Map.entry("Exp", ActivationOps::exp),
      Map.entry("Log", ActivationOps::log),
      Map.entry("Sqrt", ActivationOps::sqrt),
      Map.entry("Neg", ActivationOps::neg),
      Map.entry("Abs", ActivationOps::abs),
      Map.entry("Reciprocal", ActivationOps::reciprocal),
      Map.entry("Softplus", ActivationOps::softplus),
      Map.entry("Elu", ActivationOps::elu),
      Map.entry("HardSigmoid", ActivationOps::hardSigmoid),
      Map.entry("Transpose", LayoutOps::transpose),
      Map.entry("DepthToSpace", LayoutOps::depthToSpace),
      Map.entry("SpaceToDepth", LayoutOps::spaceToDepth),
      Map.entry("Clip", ClipOps::clip),
      Map.entry("ReduceMean", ReduceOps::mean),
      Map.entry("ReduceMax", ReduceOps::max),
      Map.entry("ReduceMin", ReduceOps::min),
      Map.entry("ReduceSum", ReduceOps::sum),
      Map.entry("ReduceProd", ReduceOps::prod),
      Map.entry("Pad", PadOps::pad),
      Map.entry("Resize", ResizeOps::resize),
      Map.entry("Upsample", ResizeOps::upsample),
      Map.entry("LRN", LrnOps::lrn),
      Map.entry("LayerNormalization", NormalizationOps::layerNormalization),
      Map.entry("InstanceNormalization", NormalizationOps::instanceNormalization),
      Map.entry("ConvTranspose", ConvTransposeOps::convTranspose),
      Map.entry("LSTM", RecurrentOps::lstm),
      Map.entry("GRU", RecurrentOps::gru),
      Map.entry("RNN", RecurrentOps::rnn),
      Map.entry("If", ControlOps::ifNode),
      Map.entry("Equal", LogicOps::equal),
      Map.entry("Not", LogicOps::not),
      Map.entry("Size", LogicOps::size));

  private OpTable() {}

  /** The handler of an op type, or null when it is not translated. */
  public static OpHandler handler(String opType) {
    return HANDLERS.get(opType);
  }

  /** Every translated op type, sorted (for the README table and tests). */
  public static Set<String> opTypes() {
    return new TreeSet<>(HANDLERS.keySet());
  }
}
