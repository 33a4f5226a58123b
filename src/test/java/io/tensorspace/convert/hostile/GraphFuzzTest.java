package io.tensorspace.convert.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorspace.convert.hostile.Hostile.Kind;
import java.nio.file.Path;

/**
 * TensorFlow graphs: a frozen GraphDef, and a SavedModel's {@code saved_model.pb} next to the real
 * variables of {@value Hostile#SAVED} (GraphFuzzTestInputs/).
 */
class GraphFuzzTest {
  @FuzzTest
  void frozenGraph(byte[] data) {
    Path folder = FuzzSupport.freshFolder();
    Path model = folder.resolve("frozen_model.pb");
    FuzzSupport.write(model, data);
    FuzzSupport.convert(Kind.GRAPH, model, folder);
  }

  @FuzzTest
  void savedModel(byte[] data) {
    Path folder = FuzzSupport.freshFolder();
    Path variables = Hostile.corpus(Hostile.SAVED).dir().resolve("variables");
    for (String name : new String[] {"variables.index", "variables.data-00000-of-00001"}) {
      try {
        FuzzSupport.write(folder.resolve("variables").resolve(name),
            java.nio.file.Files.readAllBytes(variables.resolve(name)));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    Path model = folder.resolve("saved_model.pb");
    FuzzSupport.write(model, data);
    FuzzSupport.convert(Kind.GRAPH, model, folder);
  }
}
