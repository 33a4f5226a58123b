package io.tensorspace.convert.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorspace.convert.hostile.Hostile.Kind;
import java.nio.file.Path;

/** Keras 3 {@code .keras} archives, seeded with a small real one (Keras3ZipFuzzTestInputs/). */
class Keras3ZipFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    Path folder = FuzzSupport.freshFolder();
    Path model = folder.resolve("model.keras");
    FuzzSupport.write(model, data);
    FuzzSupport.convert(Kind.LAYERS, model, folder);
  }
}
