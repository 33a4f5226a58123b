package io.tensorspace.convert.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorspace.convert.hostile.Hostile.Kind;
import java.nio.file.Path;

/** ONNX models (.onnx), seeded with small files of the ONNX corpus (OnnxFuzzTestInputs/). */
class OnnxFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    Path folder = FuzzSupport.freshFolder();
    Path model = folder.resolve("model.onnx");
    FuzzSupport.write(model, data);
    FuzzSupport.convert(Kind.ONNX, model, folder);
  }
}
