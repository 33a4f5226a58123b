package io.tensorspace.convert.onnx;

import io.tensorspace.convert.ConversionException;

/**
 * Translates one ONNX op into TensorFlow nodes: reads {@link OpContext#input}s and attributes,
 * emits nodes and binds every output with {@link OpContext#output}. Registered by op type in
 * {@link io.tensorspace.convert.onnx.ops.OpTable}.
 */
@FunctionalInterface
public interface OpHandler {
  void translate(OpContext ctx) throws ConversionException;
}
