package io.tensorspace.bench;

import io.tensorspace.testing.KerasH5Writer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Benchmark input only: writes a tfjs-made model as a Keras 2 HDF5 file with the jHDF writer
 * ({@link KerasH5Writer}), so the benchmark can time the HDF5 reader on the same model.
 *
 * <p>usage: {@code KerasH5FromTfjs <tfjs model dir> <out.h5>}
 */
public final class KerasH5FromTfjs {
  private KerasH5FromTfjs() {}

  public static void main(String[] args) throws IOException {
    KerasH5Writer.fromTfjs(Path.of(args[0]), Path.of(args[1]));
  }
}
