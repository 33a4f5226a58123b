package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.ModelReaders;
import io.tensorspace.convert.write.Quantize;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The product entry point sends TensorFlow graphs here, recognised by content. */
class ConverterDispatchTest {
  @TempDir
  Path tmp;

  @Test
  void graphSourcesAreRecognisedAndKerasOnesAreNot() throws Exception {
    assertTrue(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("savedmodel/tsc-test-tf1-lenet-saved").dir()));
    assertTrue(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("savedmodel/dl4j-saved-model-counter").dir()));
    assertTrue(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("frozen-pb/dl4j-lenet-frozen").mainPath()));
    assertTrue(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("tfjs-graph/tfjs-rn-graph-model").mainPath()));
    assertTrue(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("golden/tsc-tf-graph-lenet").mainPath()));
    assertTrue(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("golden/tsp-preprocess-tensorflow").mainPath()));
    assertFalse(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("golden/tsc-keras-combined-mnist").mainPath()));
    assertFalse(ModelReaders.isTensorFlowGraph(ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath()));
    assertFalse(ModelReaders.isTensorFlowGraph(tmp));
  }

  @Test
  void converterWritesAGraphModelForASavedModelFolder() throws Exception {
    Path out = tmp.resolve("lenet");
    ConversionRequest request = new ConversionRequest(
        ModelCorpus.byId("savedmodel/tensorspace-tf1-lenet-saved").dir(), null, out,
        List.of(), List.of("MyMaxPooling2D_1", "MaxPool"), ConversionRequest.DEFAULT_SHARD_SIZE)
        .withWeightOptions(Quantize.UINT8, List.of(), false);
    ConversionResult result = new Converter().convert(request);
    assertEquals(List.of("MyConv2D_1", "MyConv2D_2", "MyDense_1", "MyDense_2", "MySoftMax"),
        result.outputs(), "excludeLayers takes node names and op types out of the default set");
    JsonNode json = new ObjectMapper().readTree(out.resolve("model.json").toFile());
    assertEquals("graph-model", json.path("format").asText());
    assertEquals(List.of(), result.warnings());
    // every float32 constant stored in one byte an element, the others as they are
    long expectedBytes = 0;
    for (JsonNode w : json.path("weightsManifest").get(0).path("weights")) {
      long elements = 1;
      for (JsonNode d : w.path("shape")) {
        elements *= d.asLong();
      }
      boolean float32 = w.path("dtype").asText().equals("float32");
      assertEquals(float32 ? "uint8" : "", w.path("quantization").path("dtype").asText(), w.toString());
      expectedBytes += elements * (float32 ? 1 : 4);
    }
    assertEquals(expectedBytes, result.weightBytes());
    assertTrue(result.weightBytes() > 50_000);
    assertTrue(result.loadsInTfjs1());
  }

  @Test
  void float16GraphModelsNeedTfjs2AndPatternsLimitQuantization() throws Exception {
    Path out = tmp.resolve("lenet-f16");
    ConversionRequest request = new ConversionRequest(
        ModelCorpus.byId("frozen-pb/tensorspace-lenet-frozen").mainPath(), null, out,
        List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE)
        .withWeightOptions(Quantize.FLOAT16, List.of("Variable", "nothing*"), false);
    ConversionResult result = new Converter().convert(request);
    assertEquals(Quantize.FLOAT16_WARNING, result.warnings().get(0));
    assertTrue(result.warnings().contains(
        "quantizeWeights pattern 'nothing*' matches no weight of the model."), result.warnings().toString());
    assertEquals(Quantize.FLOAT16_MINIMUM_TFJS, result.minimumTfjsVersion());
    List<String> quantized = new ArrayList<>();
    JsonNode json = new ObjectMapper().readTree(out.resolve("model.json").toFile());
    for (JsonNode w : json.path("weightsManifest").get(0).path("weights")) {
      if (w.has("quantization")) {
        assertEquals("float16", w.path("quantization").path("dtype").asText());
        quantized.add(w.path("name").asText());
      }
    }
    assertEquals(List.of("Variable"), quantized);
  }

  @Test
  void aSeparateWeightsFileIsRefused() {
    ConversionRequest request = new ConversionRequest(
        ModelCorpus.byId("frozen-pb/dl4j-ae-00").mainPath(),
        ModelCorpus.byId("frozen-pb/dl4j-ae-00").mainPath(), tmp.resolve("x"), List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE);
    ConversionException e = assertThrows(ConversionException.class,
        () -> new Converter().convert(request));
    assertTrue(e.getMessage().contains("remove <weights>"), e.getMessage());
  }
}
