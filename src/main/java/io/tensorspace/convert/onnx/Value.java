package io.tensorspace.convert.onnx;

import java.util.Arrays;

/**
 * One ONNX tensor during translation: its static ONNX shape, the TensorFlow tensor that holds it
 * and in which layout, or its known value when it is a constant (initializer, Constant, folded).
 */
public final class Value {
  private final String tf;
  private final long[] shape;
  private final Layout layout;
  private final long[] unflattened;
  private final int elemType;
  private final OnnxTensor constant;

  private Value(String tf, long[] shape, Layout layout, long[] unflattened, int elemType,
      OnnxTensor constant) {
    this.tf = tf;
    this.shape = shape.clone();
    this.layout = layout;
    this.unflattened = unflattened == null ? null : unflattened.clone();
    this.elemType = elemType;
    this.constant = constant;
  }

  /** A tensor a TensorFlow node computes. */
  public static Value computed(String tf, long[] shape, Layout layout, int elemType) {
    return new Value(tf, shape, layout, null, elemType, null);
  }

  /** A 2-D tensor flattened in NHWC order from the channels-last form of {@code from} (NCHW). */
  public static Value flattened(String tf, long[] shape, long[] from) {
    return new Value(tf, shape, Layout.FLAT_CHANNELS_LAST, from, ElemType.FLOAT, null);
  }

  /** A tensor whose value is known, in ONNX layout. */
  public static Value constant(OnnxTensor value) {
    return new Value(null, value.dims(), Layout.ONNX, null, value.dataType(), value);
  }

  /** The TensorFlow tensor name; null for a constant not yet in the graph. */
  public String tf() {
    return tf;
  }

  /** The ONNX (NCHW) shape. */
  public long[] shape() {
    return shape.clone();
  }

  public long dim(int axis) {
    return shape[axis];
  }

  public int rank() {
    return shape.length;
  }

  public long count() {
    return ElemType.count(shape);
  }

  public Layout layout() {
    return layout;
  }

  /** For a flattened value: the NCHW shape it was flattened from. */
  public long[] unflattened() {
    return unflattened == null ? null : unflattened.clone();
  }

  public int elemType() {
    return elemType;
  }

  public boolean isConstant() {
    return constant != null;
  }

  /** The known value, or null. */
  public OnnxTensor constant() {
    return constant;
  }

  /** The shape of the TensorFlow tensor. */
  public long[] tfShape() {
    return layout == Layout.CHANNELS_LAST
        ? Layout.permute(shape, Layout.toChannelsLast(shape.length)) : shape.clone();
  }

  /** The same constant, now also in the graph as {@code tfName}. */
  Value inGraph(String tfName) {
    return new Value(tfName, shape, layout, unflattened, elemType, constant);
  }

  @Override
  public String toString() {
    return (tf == null ? "constant" : tf) + Arrays.toString(shape) + " " + layout.label();
  }
}
