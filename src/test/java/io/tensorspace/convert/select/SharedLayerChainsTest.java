package io.tensorspace.convert.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.KerasH5Writer;
import io.tensorspace.testing.ModelFamily;
import io.tensorspace.testing.NodeScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A layer called two to four times in a chain, each later call reading a descendant of an earlier
 * one: by layer names that is a cycle, by calls it is not, and the model converts. The members
 * (Dense, Conv2D, Conv1D, BatchNormalization, Activation or a whole Sequential shared; sometimes
 * merged with an earlier call) are written by tfjs 4.22 ({@code make-test-models.js shared}), which also computes every
 * call's activation; each member converts from model.json and from a Keras HDF5 file, and every
 * call of every layer matches in tfjs 1.7.4 and 4.22.0.
 */
class SharedLayerChainsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path MODELS = Path.of("target", "test-models", "shared-family");
  private static final Path OUT = Path.of("target", "conformance", "shared-family");

  @BeforeAll
  static void writeModelsWithTfjs() throws Exception {
    NodeScripts.run("make-test-models.js", 300, MODELS.toAbsolutePath().toString(), "shared");
  }

  @Test
  void everyCallOfEveryChainConvertsAndMatchesInBothTfjs() throws Exception {
    JsonNode index = JSON.readTree(MODELS.resolve("shared-index.json").toFile());
    assertTrue(index.size() >= 36, "too few members: " + index.size());
    ModelFamily family = new ModelFamily(OUT);
    for (JsonNode member : index) {
      Set<String> expected = new TreeSet<>();
      member.path("outputs").forEach(o -> expected.add(o.asText()));
      String id = member.path("id").asText();
      family.convert(MODELS.resolve(id), id,
          (target, outputs) -> assertEquals(expected, new TreeSet<>(outputs), target));
    }
    family.assertAllMatch("shared layer chains", index.size());
  }

  /**
   * The same chains with the shared layer a Keras {@code Lambda} (config as Keras 2.2.4's
   * get_config writes it, in a Keras HDF5 file): refused for the Lambda, naming it, not as a cycle.
   */
  @Test
  void aSharedLambdaIsRefusedForWhatItIsNotAsACycle() throws Exception {
    int refused = 0;
    for (JsonNode member : JSON.readTree(MODELS.resolve("shared-index.json").toFile())) {
      if (!member.path("kind").asText().equals("activation")) {
        continue;
      }
      String id = member.path("id").asText();
      String shared = member.path("outputs").get(0).asText().replace("#0", "");
      Path dir = OUT.resolve("lambda-source").resolve(id);
      Files.createDirectories(dir);
      ObjectNode model = (ObjectNode) JSON.readTree(MODELS.resolve(id).resolve("model.json").toFile());
      for (JsonNode layer : model.path("modelTopology").path("config").path("layers")) {
        if (layer.path("name").asText().equals(shared)) {
          ObjectNode lambda = (ObjectNode) layer;
          lambda.put("class_name", "Lambda");
          ObjectNode config = lambda.putObject("config");
          config.put("name", shared).put("trainable", true);
          config.putArray("function").add("4wEAAAAAAAAAAQAAAAIAAABDAAAAcwgAAAB8AGQBFABTACkCTukCAAAAqQApAdoBeHIBAAAAcgEAAAD6AXjaCDxsYW1iZGE+AQAAAHMAAAAA").addNull().addNull();
          config.put("function_type", "lambda").putNull("output_shape");
          config.put("output_shape_type", "raw").putObject("arguments");
        }
      }
      JSON.writeValue(dir.resolve("model.json").toFile(), model);
      Files.copy(MODELS.resolve(id).resolve("weights.bin"), dir.resolve("weights.bin"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Path h5 = KerasH5Writer.fromTfjs(dir, dir.resolve("model.h5"));
      ConversionException e = assertThrows(ConversionException.class,
          () -> new Converter().convert(new ConversionRequest(h5, null,
              OUT.resolve(id + "-lambda"), List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE)));
      assertTrue(e.getMessage().contains("'" + shared + "'") && e.getMessage().contains("Lambda"),
          e.getMessage());
      assertFalse(e.getMessage().contains("cycle"), e.getMessage());
      refused++;
    }
    assertTrue(refused >= 5, "too few Lambda members: " + refused);
  }
}
