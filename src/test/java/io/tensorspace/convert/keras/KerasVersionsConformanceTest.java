package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.Conformance;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Keras 1 HDF5 and Keras 3 ({@code .keras} and legacy {@code .h5}) models convert and give the
 * reference activations in real TensorFlow.js 1.7.4 and 4.22.0: every {@code keras1-h5} and
 * {@code keras3-zip} case of the corpus, plus the Keras 3 files written by Keras 3.15.1 in
 * {@code src/test/resources/io/tensorspace/convert/keras/keras3}. Cases with an
 * {@code expect-error.json} must be refused naming the layer, its class and the file.
 */
class KerasVersionsConformanceTest {
  static final List<String> FORMATS = List.of("keras1-h5", "keras3-zip");
  private static final Path FIXTURES = Path.of("src/test/resources/io/tensorspace/convert/keras/keras3");
  private static final List<String> FIXTURE_MODELS = List.of("functional_cnn", "rnn_stack", "nested_outer");
  private static final Path OUT = Path.of("target", "conformance", "keras-versions");

  @TestFactory
  Stream<DynamicTest> keras1AndKeras3ModelsMatchTheirReferencesInTfjs() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<TfjsJob> jobs = new ArrayList<>();
    for (String format : FORMATS) {
      for (CorpusCase c : ModelCorpus.cases(format)) {
        if (c.expectsError()) {
          Path target = OUT.resolve(c.id());
          tests.add(DynamicTest.dynamicTest(c.id() + " is refused clearly", () ->
              Conformance.assertRefused(c, target, () -> convert(c.mainPath(), null, target))));
          continue;
        }
        Path source = c.mainPath();
        Path weights = null;
        if (c.mainFile().contains("weight") && c.hasFile("model.json")) {
          source = c.file("model.json");
          weights = c.mainPath();
        }
        addJobs(c.id(), source, weights, withBatchAxis(c), tests, jobs);
      }
    }
    for (String model : FIXTURE_MODELS) {
      for (String extension : List.of(".keras", ".h5")) {
        addJobs("keras3-fixture/" + model + extension, FIXTURES.resolve(model + extension), null,
            FIXTURES.resolve(model + ".reference.json"), tests, jobs);
      }
    }
    TfjsClient.check(jobs).forEach(r -> tests.add(Conformance.matchesReference(r)));
    return tests.stream();
  }

  private static void addJobs(String id, Path source, Path weights, Path reference,
      List<DynamicTest> tests, List<TfjsJob> jobs) {
    Path target = OUT.resolve(id);
    ConversionResult result;
    try {
      result = convert(source, weights, target);
    } catch (ConversionException | IOException | RuntimeException e) {
      tests.add(DynamicTest.dynamicTest(id + " converts", () -> fail(e.toString(), e)));
      return;
    }
    jobs.addAll(TfjsJob.layersInEveryVersion(id, target.resolve("model.json"), reference,
        result.outputs()));
  }

  /**
   * Every reference is for batch 1, but {@code dl4j-simple-lstm-timedistributeddense} (written by
   * DL4J) gives two outputs without the batch axis ({@code [10, 3]}, same data): compare against a
   * copy whose shapes start with the batch axis. Other references are used as they are.
   */
  private static Path withBatchAxis(CorpusCase c) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode reference =
        (com.fasterxml.jackson.databind.node.ObjectNode) c.reference().deepCopy();
    boolean changed = false;
    for (com.fasterxml.jackson.databind.JsonNode output : reference.path("outputs")) {
      com.fasterxml.jackson.databind.node.ArrayNode shape =
          (com.fasterxml.jackson.databind.node.ArrayNode) output.path("shape");
      if (!shape.isEmpty() && shape.get(0).asInt() != 1) {
        shape.insert(0, 1);
        changed = true;
      }
    }
    if (!changed) {
      return c.referencePath();
    }
    Path copy = OUT.resolve(c.id()).resolveSibling(c.name() + ".reference.json");
    Files.createDirectories(copy.getParent());
    new com.fasterxml.jackson.databind.ObjectMapper().writeValue(copy.toFile(), reference);
    return copy;
  }

  private static ConversionResult convert(Path source, Path weights, Path target)
      throws ConversionException, IOException {
    return new Converter().convert(new ConversionRequest(
        source, weights, target, List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
  }
}
