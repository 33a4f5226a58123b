package io.tensorspace.convert.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.NodeScripts;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nested models, shared layers and several inputs, on models written by tfjs 4.22 itself
 * ({@code src/test/node/make-test-models.js}, which also computes the reference activations):
 * inner and per-call outputs are selectable and match in tfjs 1.7.4 and 4.22.0.
 */
class NestedAndSharedLayersTest {
  private static final Path MODELS = Path.of("target", "test-models");
  private static final Path OUT = Path.of("target", "conformance", "nested-shared");

  @BeforeAll
  static void writeModelsWithTfjs() throws Exception {
    NodeScripts.run("make-test-models.js", 120, MODELS.toAbsolutePath().toString());
  }

  private static ConversionResult convert(String model, String target, List<String> layers)
      throws Exception {
    return new Converter().convert(new ConversionRequest(MODELS.resolve(model).resolve("model.json"),
        null, OUT.resolve(target), layers, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
  }

  private static void assertMatchesInTfjs(String model, String target, List<String> outputs)
      throws Exception {
    List<TfjsJob> jobs = new ArrayList<>();
    jobs.addAll(TfjsJob.layersInEveryVersion(target, OUT.resolve(target).resolve("model.json"),
        MODELS.resolve(model).resolve("reference.json"), outputs));
    for (TfjsResult result : TfjsClient.check(jobs)) {
      result.assertOk();
    }
  }

  @Test
  void innerLayersOfANestedModelAreOutputs() throws Exception {
    ConversionResult result = convert("nested-sequential", "nested-default", List.of());
    assertEquals(List.of("enc_dense", "enc_code", "head"), result.outputs());
    assertMatchesInTfjs("nested-sequential", "nested-default", result.outputs());
  }

  @Test
  void eachCallOfASharedLayerIsAnOutput() throws Exception {
    ConversionResult result = convert("shared-layer", "shared-default", List.of());
    assertEquals(List.of("shared_dense#0", "shared_dense#1", "merged", "score"), result.outputs());
    assertMatchesInTfjs("shared-layer", "shared-default", result.outputs());
  }

  @Test
  void aSecondCallCanBePickedByItself() throws Exception {
    ConversionResult result = convert("shared-layer", "shared-second", List.of("shared_dense#1", "score"));
    assertEquals(List.of("shared_dense#1", "score"), result.outputs());
    assertMatchesInTfjs("shared-layer", "shared-second", result.outputs());
  }

  @Test
  void unknownCallListsTheValidOnes() {
    ConversionException e = assertThrows(ConversionException.class,
        () -> convert("shared-layer", "shared-wrong", List.of("shared_dense#2")));
    assertTrue(e.getMessage().contains("shared_dense#0, shared_dense#1"), e.getMessage());
  }
}
