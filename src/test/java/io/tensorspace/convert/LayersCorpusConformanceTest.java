package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.testing.Conformance;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.IOException;
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
        Path target = OUT.resolve(c.id());
        if (c.expectsError()) {
          tests.add(DynamicTest.dynamicTest(c.id() + " is refused clearly", () ->
              Conformance.assertRefused(c, target, () -> convert(c, target))));
          continue;
        }
        ConversionResult result;
        try {
          result = convert(c, target);
        } catch (ConversionException | RuntimeException e) {
          tests.add(DynamicTest.dynamicTest(c.id() + " converts", () -> fail(e.toString(), e)));
          continue;
        }
        for (TfjsJob job : TfjsJob.layersInEveryVersion(c.id(), target.resolve("model.json"),
            c.referencePath(), result.outputs())) {
          jobs.put(job.id(), job);
          if (job.tfjs().equals(TfjsJob.TFJS_1) && !result.loadsInTfjs1()) {
            needsNewerTfjs.put(job.id(), result);
          }
        }
      }
    }
    List<TfjsResult> results = TfjsClient.check(new ArrayList<>(jobs.values()));
    Conformance.writeReport(results, OUT.resolve("layers-report.tsv"));
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
      tests.add(Conformance.matchesReference(r));
    }
    return tests.stream();
  }

  /** The case's model file, or its topology JSON and weights when it is split in two. */
  static ConversionResult convert(CorpusCase c, Path target) throws ConversionException, IOException {
    CorpusCase.SourceFiles files = c.sourceFiles();
    return new Converter().convert(new ConversionRequest(files.source(), files.weights(), target,
        List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
  }
}
