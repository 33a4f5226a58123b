package io.tensorspace.convert.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorspace.convert.hostile.Hostile.Kind;
import java.nio.file.Path;

/** Keras 1/2/tf.keras HDF5 models, seeded with small real models (KerasH5FuzzTestInputs/). */
class KerasH5FuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    Path folder = FuzzSupport.freshFolder();
    Path model = folder.resolve("model.h5");
    FuzzSupport.write(model, data);
    FuzzSupport.convert(Kind.LAYERS, model, folder);
  }
}
