package io.tensorspace.convert.keras;

import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Weight;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * Theano's convolutions are true convolutions: to get the same activations from TensorFlow.js,
 * the kernel is rotated 180 degrees over its spatial axes (what Keras'
 * {@code convert_all_kernels_in_model} does). Kernels are channels_last-shaped in Keras 2:
 * {@code (spatial..., in, out)}.
 */
final class KernelFlip {
  private static final Set<String> CONVOLUTIONS =
      Set.of("Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D");

  private KernelFlip() {}

  static boolean applies(String layerClass, Weight weight) {
    return CONVOLUTIONS.contains(layerClass)
        && weight.name().endsWith("/kernel")
        && weight.shape().length >= 3
        && weight.dtype() == DType.FLOAT32;
  }

  static Weight flip(Weight kernel) {
    long[] shape = kernel.shape();
    int spatial = shape.length - 2;
    return new Weight(kernel.name(), shape, kernel.dtype(), out -> {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      kernel.data().writeTo(bytes);
      ByteBuffer source = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer target = ByteBuffer.allocate(source.capacity()).order(ByteOrder.LITTLE_ENDIAN);
      int block = Math.toIntExact(shape[shape.length - 2] * shape[shape.length - 1]);
      int positions = source.capacity() / 4 / block;
      int[] index = new int[spatial];
      for (int position = 0; position < positions; position++) {
        // position -> spatial index (row-major), mirrored on every spatial axis
        int rest = position;
        for (int axis = spatial - 1; axis >= 0; axis--) {
          index[axis] = (int) (rest % shape[axis]);
          rest /= (int) shape[axis];
        }
        int mirrored = 0;
        for (int axis = 0; axis < spatial; axis++) {
          mirrored = (int) (mirrored * shape[axis] + (shape[axis] - 1 - index[axis]));
        }
        for (int k = 0; k < block; k++) {
          target.putFloat((mirrored * block + k) * 4, source.getFloat((position * block + k) * 4));
        }
      }
      out.write(target.array());
    });
  }
}
