package io.tensorspace.convert.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.ModelFamily;
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
 * Sequentials whose first layer is itself a model, Sequential or functional, one to three levels
 * deep, as Teachable Machine and transfer learning save them: the input shape is found in the
 * innermost model. The members are written by tfjs 4.22 ({@code make-test-models.js nested}), which
 * also computes each layer's activation; each member converts from its model.json and from a Keras
 * HDF5 file of the same config and weights, and every layer matches in tfjs 1.7.4 and 4.22.0.
 */
class NestedInputShapeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MODELS = Path.of("target", "test-models", "nested-family");
  private static final Path OUT = Path.of("target", "conformance", "nested-family");

  @BeforeAll
  static void writeModelsWithTfjs() throws Exception {
    NodeScripts.run("make-test-models.js", 300, MODELS.toAbsolutePath().toString(), "nested");
  }

  @Test
  void everyMemberConvertsFromModelJsonAndHdf5AndMatchesInBothTfjs() throws Exception {
    JsonNode index = JSON.readTree(MODELS.resolve("nested-index.json").toFile());
    assertTrue(index.size() >= 30, "too few members: " + index.size());
    ModelFamily family = new ModelFamily(OUT);
    for (JsonNode member : index) {
      List<String> layers = new ArrayList<>();
      member.path("layers").forEach(l -> layers.add(l.asText()));
      String id = member.path("id").asText();
      family.convert(MODELS.resolve(id), id,
          (target, outputs) -> assertEquals(layers, outputs, target));
    }
    family.assertAllMatch("nested input shapes", index.size());
  }

  /**
   * tf.keras 2 writes {@code build_input_shape} for a Sequential built with {@code build()} rather
   * than an input shape: the members whose first model is a Sequential of a Dense, with the shape
   * moved there, convert and match as before.
   */
  @Test
  void aNestedSequentialBuiltWithBuildShapeConverts() throws Exception {
    List<TfjsJob> jobs = new ArrayList<>();
    for (JsonNode member : JSON.readTree(MODELS.resolve("nested-index.json").toFile())) {
      String id = member.path("id").asText();
      ObjectNode model = (ObjectNode) JSON.readTree(MODELS.resolve(id).resolve("model.json").toFile());
      JsonNode first = model.path("modelTopology").path("config").path("layers").path(0);
      JsonNode inner = first.path("config").path("layers").path(0);
      if (!first.path("class_name").asText().equals("Sequential")
          || !inner.path("config").has("batch_input_shape")) {
        continue;
      }
      ((ObjectNode) first.get("config")).set("build_input_shape",
          ((ObjectNode) inner.get("config")).remove("batch_input_shape"));
      Path dir = OUT.resolve("build-shape-source").resolve(id);
      java.nio.file.Files.createDirectories(dir);
      JSON.writeValue(dir.resolve("model.json").toFile(), model);
      java.nio.file.Files.copy(MODELS.resolve(id).resolve("weights.bin"), dir.resolve("weights.bin"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      List<String> layers = new ArrayList<>();
      member.path("layers").forEach(l -> layers.add(l.asText()));
      String target = id + "-build-shape";
      ConversionResult result = new Converter().convert(new ConversionRequest(
          dir.resolve("model.json"), null, OUT.resolve(target), List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
      assertEquals(layers, result.outputs(), target);
      jobs.addAll(TfjsJob.layersInEveryVersion(target, OUT.resolve(target).resolve("model.json"),
          MODELS.resolve(id).resolve("reference.json"), layers));
    }
    assertTrue(jobs.size() >= 4, "too few members with a nested Sequential first: " + jobs.size());
    for (TfjsResult result : TfjsClient.check(jobs)) {
      result.assertOk();
    }
  }
}
