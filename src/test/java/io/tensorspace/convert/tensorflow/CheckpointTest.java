package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.testing.ModelCorpus;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure-Java checkpoint reader on real SavedModel variables, and clear failures. */
class CheckpointTest {
  @TempDir
  Path tmp;

  @Test
  void readsTheCounterWrittenByTensorFlow() throws Exception {
    Path prefix = ModelCorpus.byId("savedmodel/dl4j-saved-model-counter").dir()
        .resolve("00000123/variables/variables");
    TensorBundle bundle = TensorBundle.open(prefix);
    assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, bundle.entry("counter").getDtype());
    assertEquals(0f, bundle.read("counter").getFloat(0));
  }

  @Test
  void readsEveryLeNetVariableWithItsDeclaredSize() throws Exception {
    Path prefix = ModelCorpus.byId("savedmodel/tsc-test-tf1-lenet-saved").dir()
        .resolve("variables/variables");
    TensorBundle bundle = TensorBundle.open(prefix);
    int count = 0;
    for (String key : bundle.keys()) {
      var entry = bundle.entry(key);
      long elements =
          TensorValues.elements(TensorValues.dims(ProtoGraphs.shape(entry.getShape())));
      ByteBuffer raw = bundle.read(key);
      assertEquals(elements * TensorValues.storedBytes(ProtoGraphs.type(entry.getDtype())), raw.remaining(), key);
      count++;
    }
    assertTrue(count >= 10, "weights and Adam slots: " + count);
    ByteBuffer bias = bundle.read("Variable_1").order(ByteOrder.LITTLE_ENDIAN);
    ByteArrayOutputStream manifest = new ByteArrayOutputStream();
    manifest.write(TensorValues.fromRaw(DataType.DT_FLOAT, bias, 6));
    assertEquals(24, manifest.size());
  }

  @Test
  void truncatedDataFileFailsNamingTheFile() throws Exception {
    Path copy = ModelCorpus.byId("savedmodel/tsc-test-tf1-lenet-saved").copyTo(tmp.resolve("m"));
    Path data = copy.resolve("variables/variables.data-00000-of-00001");
    byte[] bytes = Files.readAllBytes(data);
    Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    ConversionException e = assertThrows(ConversionException.class, () -> new GraphConverter().convert(
        new ConversionRequest(copy, null, tmp.resolve("out"), List.of(), List.of(),
            ConversionRequest.DEFAULT_SHARD_SIZE)));
    assertTrue(e.getMessage().contains("variables.data-00000-of-00001"), e.getMessage());
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void missingVariablesFolderFailsClearly() throws Exception {
    Path copy = ModelCorpus.byId("savedmodel/tfjs-node-int64-multiply").copyTo(tmp.resolve("m"));
    Files.delete(copy.resolve("variables/variables.index"));
    ConversionException e = assertThrows(ConversionException.class,
        () -> new GraphConverter().read(copy, List.of()));
    assertTrue(e.getMessage().contains("variables.index is missing"), e.getMessage());
  }
}
