package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The old TensorSpace converter's outputs ({@code golden/}) are the behaviour users know: asking
 * this plugin for the same layers of the same original must give a model whose outputs match the
 * golden model's (in tfjs 1.7.4 and 4.22.0), with the same weight bytes.
 */
class GoldenConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path OUT = Path.of("target", "conformance", "golden");

  @TestFactory
  Stream<DynamicTest> sameLayersAsTheGoldenGiveTheSameOutputs() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    List<TfjsJob> jobs = new ArrayList<>();
    for (CorpusCase golden : ModelCorpus.cases("golden")) {
      JsonNode spec = golden.json("golden.json");
      String originalId = spec.path("original").asText(null);
      if (originalId == null || spec.path("graph_model").asBoolean()
          || !LayersCorpusConformanceTest.FORMATS.contains(originalId.split("/")[0])) {
        continue;
      }
      CorpusCase original = ModelCorpus.byId(originalId);
      List<String> layers = new ArrayList<>();
      spec.path("model_output_layers").forEach(n -> layers.add(n.asText()));
      Path target = OUT.resolve(golden.name());
      ConversionResult result = new Converter().convert(new ConversionRequest(
          original.mainPath(), null, target, layers, List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
      tests.add(DynamicTest.dynamicTest(golden.id() + " exposes the same layers",
          () -> assertEquals(layers, result.outputs())));
      byte[] goldenWeights = weightBytes(golden.dir(), golden);
      if (goldenWeights != null) {
        tests.add(DynamicTest.dynamicTest(golden.id() + " has byte-identical weights",
            () -> assertArrayEquals(goldenWeights, weightBytes(target, null))));
      }
      jobs.addAll(TfjsJob.layersInEveryVersion(golden.id(), target.resolve("model.json"),
          golden.referencePath(), layers));
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      tests.add(DynamicTest.dynamicTest(r.id() + " matches the golden's outputs", r::assertOk));
    }
    return tests.stream();
  }

  /** All weight bytes of a layers model in manifest order, or null when its shards are absent. */
  private static byte[] weightBytes(Path dir, CorpusCase c) throws IOException {
    Path modelJson = dir.resolve("model.json");
    if (!Files.exists(modelJson)) {
      return null;
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (JsonNode group : JSON.readTree(modelJson.toFile()).path("weightsManifest")) {
      for (JsonNode path : group.path("paths")) {
        Path shard = c == null ? dir.resolve(path.asText()) : c.file(path.asText());
        if (shard == null || !Files.exists(shard)) {
          return null;
        }
        all.write(Files.readAllBytes(shard));
      }
    }
    return all.toByteArray();
  }
}
