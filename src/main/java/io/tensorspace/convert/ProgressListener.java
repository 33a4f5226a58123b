package io.tensorspace.convert;

/** Hears how far the weights of a conversion have been written. */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (layer, written, total) -> { };

  /**
   * Called after each weight tensor is written.
   *
   * @param layer the layer the tensor belongs to
   * @param written weight bytes read from the source so far
   * @param total weight bytes of the whole selected model
   */
  void weightsWritten(String layer, long written, long total);
}
