package io.tensorspace.convert.model;

import java.util.Arrays;

/**
 * One named weight tensor as TensorFlow.js binds it: {@code <layer>/<weight>}.
 *
 * @param name manifest name, e.g. {@code conv2d_1/kernel}
 * @param shape dimensions, row-major
 * @param dtype element type in the manifest
 * @param data lazily read bytes (in the quantized storage type when {@code quantization} is set)
 * @param quantization how the bytes are stored if not in {@code dtype}; null for plain weights
 */
public record Weight(
    String name, long[] shape, DType dtype, TensorData data, Quantization quantization) {
  public Weight {
    shape = shape.clone();
  }

  /** A plain (not quantized) weight. */
  public Weight(String name, long[] shape, DType dtype, TensorData data) {
    this(name, shape, dtype, data, null);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  /** Bytes of {@link #data()}: stored size, so quantized weights take 1 or 2 bytes an element. */
  public long byteLength() {
    int bytes = quantization == null ? dtype.bytesPerElement() : quantization.bytesPerElement();
    return Math.multiplyExact(elementCount(), bytes);
  }

  /** The same tensor under another name. */
  public Weight renamed(String newName) {
    return new Weight(newName, shape, dtype, data, quantization);
  }

  /** The same tensor read through other means, e.g. one that reports progress. */
  public Weight withData(TensorData newData) {
    return new Weight(name, shape, dtype, newData, quantization);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + " " + dtype.jsonName()
        + (quantization == null ? "" : " (stored as " + quantization.dtype() + ")");
  }
}
