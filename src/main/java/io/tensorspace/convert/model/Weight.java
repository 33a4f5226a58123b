package io.tensorspace.convert.model;

import java.util.Arrays;

/**
 * One named weight tensor as TensorFlow.js binds it: {@code <layer>/<weight>}.
 *
 * @param name manifest name, e.g. {@code conv2d_1/kernel}
 * @param shape dimensions, row-major
 * @param dtype element type in the manifest
 * @param data lazily read bytes
 */
public record Weight(String name, long[] shape, DType dtype, TensorData data) {
  public Weight {
    shape = shape.clone();
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

  public long byteLength() {
    return Math.multiplyExact(elementCount(), dtype.bytesPerElement());
  }

  /** The same tensor under another name. */
  public Weight renamed(String newName) {
    return new Weight(newName, shape, dtype, data);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + " " + dtype.jsonName();
  }
}
