package io.tensorspace.convert.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorspace.convert.hostile.Hostile.Kind;
import java.nio.file.Path;

/**
 * TensorFlow.js layers models: an input is {@code model.json}, a zero byte, then the bytes of
 * {@code weights.bin} (the seeds' manifests name that file; TfjsLayersFuzzTestInputs/).
 */
class TfjsLayersFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    byte[][] parts = FuzzSupport.split(data);
    Path folder = FuzzSupport.freshFolder();
    Path model = folder.resolve("model.json");
    FuzzSupport.write(model, parts[0]);
    FuzzSupport.write(folder.resolve("weights.bin"), parts[1]);
    FuzzSupport.convert(Kind.LAYERS, model, folder);
  }
}
