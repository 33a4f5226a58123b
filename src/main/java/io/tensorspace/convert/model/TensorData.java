package io.tensorspace.convert.model;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of one weight tensor, little-endian in its manifest dtype, read only when written so
 * that a whole model's weights are never held in memory at once.
 */
public interface TensorData {
  /** Writes exactly the tensor's bytes. */
  void writeTo(OutputStream out) throws IOException;
}
