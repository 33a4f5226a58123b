package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Converts every layers-model case of the corpus with the default selection and proves the result
 * in real TensorFlow.js 1.7.4 and 4.22.0: every exposed output must match the case's reference
 * activations. Cases whose {@code expect-error.json} says so must be refused naming the layer and
 * its class. A table of the figures goes to {@code target/conformance/layers-report.tsv}.
 */
class LayersCorpusConformanceTest {
  /** The formats whose every case must pass; a format joins when its reader exists. */
  static final List<String> FORMATS = List.of("keras2-h5", "tfkeras-h5");

  private static final Path OUT = Path.of("target", "conformance");

  @TestFactory
  Stream<DynamicTest> everyCaseConvertsAndMatchesInTfjs() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, TfjsJob> jobs = new LinkedHashMap<>();
    Map<String, ConversionResult> needsNewerTfjs = new LinkedHashMap<>();
    for (String format : FORMATS) {
      for (CorpusCase c : ModelCorpus.cases(format)) {
        if (c.expectsError()) {
          tests.add(DynamicTest.dynamicTest(c.id() + " is refused clearly", () -> assertRefused(c)));
          continue;
        }
        Path target = OUT.resolve(c.id());
        ConversionResult result;
        try {
          result = convert(c, target);
        } catch (ConversionException | RuntimeException e) {
          tests.add(DynamicTest.dynamicTest(c.id() + " converts", () -> fail(e.toString(), e)));
          continue;
        }
        for (String version : TfjsJob.VERSIONS) {
          TfjsJob job = TfjsJob.layers(c.id(), version, target.resolve("model.json"),
              c.referencePath(), result.outputs()).withTfjs(version);
          jobs.put(job.id(), job);
          if (version.equals(TfjsJob.TFJS_1) && !result.loadsInTfjs1()) {
            needsNewerTfjs.put(job.id(), result);
          }
        }
      }
    }
    List<TfjsResult> results = TfjsClient.check(new ArrayList<>(jobs.values()));
    writeReport(results);
    for (TfjsResult r : results) {
      ConversionResult declared = needsNewerTfjs.get(r.id());
      if (declared != null) {
        // the converter said tfjs 1.x cannot load this model: tfjs 1.7.4 must indeed refuse it
        tests.add(DynamicTest.dynamicTest(r.id() + " is refused by tfjs 1.7.4 as the converter warned"
            + " (needs " + declared.minimumTfjsVersion() + ")", () -> {
              assertFalse(r.ok(), "tfjs 1.7.4 loaded a model the converter said it cannot: "
                  + declared.warnings());
              assertFalse(declared.warnings().isEmpty(), "the user was warned");
            }));
        continue;
      }
      tests.add(DynamicTest.dynamicTest(r.id() + " matches the reference", () -> {
        r.assertOk();
        assertFalse(r.outputs().isEmpty(), "no output was compared");
      }));
    }
    return tests.stream();
  }

  /** The model file and, for split models, the topology JSON next to the weights. */
  static ConversionResult convert(CorpusCase c, Path target) throws ConversionException, IOException {
    Path main = c.mainPath();
    Path source = main;
    Path weights = null;
    if (c.mainFile().contains("weight")) {
      for (String topology : List.of("topology.json", "model.json", "config.json")) {
        if (c.hasFile(topology)) {
          source = c.file(topology);
          weights = main;
          break;
        }
      }
    }
    return new Converter().convert(new ConversionRequest(
        source, weights, target, List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
  }

  private static void assertRefused(CorpusCase c) throws IOException {
    CorpusCase.ExpectError expected = c.expectError().orElseThrow();
    try {
      convert(c, OUT.resolve(c.id()));
      fail(c.id() + " converted, but must be refused: " + expected.reason());
    } catch (ConversionException e) {
      String message = e.getMessage();
      assertNotNull(message);
      assertTrue(message.contains("'" + expected.layer() + "'"), "names the layer: " + message);
      assertTrue(message.contains(expected.className()), "names the class: " + message);
      assertTrue(message.contains(c.mainFile()), "names the file: " + message);
      assertFalse(Files.exists(OUT.resolve(c.id()).resolve("model.json")), "wrote nothing");
    }
  }

  private static void writeReport(List<TfjsResult> results) throws IOException {
    StringBuilder tsv = new StringBuilder("job\tok\tmax_abs_diff\toutputs\terror\n");
    for (TfjsResult r : results) {
      tsv.append(r.id()).append('\t').append(r.ok()).append('\t').append(r.maxAbsDiff())
          .append('\t').append(r.outputs().size()).append('\t')
          .append(r.error() == null ? "" : r.error().replace('\n', ' ').replace('\t', ' '))
          .append('\n');
    }
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("layers-report.tsv"), tsv);
  }
}
