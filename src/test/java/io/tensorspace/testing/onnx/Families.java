package io.tensorspace.testing.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Every generated op family, in a fixed order. */
public final class Families {
  private Families() {}

  private static final List<Supplier<List<OnnxMember>>> ALL = List.of(
      ConvFamilies::conv, ConvFamilies::convTranspose,
      PoolFamilies::maxPool, PoolFamilies::averagePool, PoolFamilies::globalPool,
      DenseFamilies::gemm, DenseFamilies::matMul, DenseFamilies::flattenGemm,
      ElementwiseFamilies::softmax, ElementwiseFamilies::binary, ElementwiseFamilies::unary,
      ElementwiseFamilies::prelu,
      NormalizationFamilies::batchNorm, NormalizationFamilies::instanceNorm,
      NormalizationFamilies::layerNorm, NormalizationFamilies::lrn,
      TensorOpFamilies::concat, TensorOpFamilies::split, TensorOpFamilies::slice,
      TensorOpFamilies::transpose, TensorOpFamilies::reshape, TensorOpFamilies::squeezeUnsqueeze,
      TensorOpFamilies::gather, TensorOpFamilies::pixelShuffle, TensorOpFamilies::depthToSpace,
      TensorOpFamilies::channelShuffle,
      PadResizeFamilies::pad, PadResizeFamilies::resize,
      ReduceShapeFamilies::reduce, ReduceShapeFamilies::shapeFolding,
      RecurrentFamilies::lstm, RecurrentFamilies::gru, RecurrentFamilies::embedding);

  /** Every member of every family. */
  public static List<OnnxMember> all() {
    List<OnnxMember> members = new ArrayList<>();
    ALL.forEach(f -> members.addAll(f.get()));
    return members;
  }
}
