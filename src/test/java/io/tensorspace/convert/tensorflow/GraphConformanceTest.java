package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.write.Quantize;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every TensorFlow graph case of the corpus (savedmodel, frozen-pb, tfjs-graph and the graph
 * goldens) converted and run in real TensorFlow.js 1.7.4 and 4.22.0 with
 * {@code execute(inputs, nodes)}: the nodes must match the case's reference, or the conversion
 * must fail with a message naming the node and op. All conversions run first, then one
 * {@link TfjsClient#check} call runs every model in both versions.
 */
class GraphConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Cases that must fail conversion, with the words the message must contain. */
  static final Map<String, List<String>> EXPECTED_FAILURES = Map.of(
      "frozen-pb/dl4j-primitive-gru-dynamic", List.of("executeAsync", "op '"));

  @TempDir
  static Path tmp;

  /** One conversion: a case, one signature of it, the tfjs jobs it gives. */
  record Conversion(String id, CorpusCase corpusCase, Path output, List<String> nodes,
      List<String> referenceNames, Exception error) {}

  private static final List<Conversion> CONVERSIONS = new ArrayList<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

  static List<CorpusCase> cases() {
    List<CorpusCase> cases = new ArrayList<>();
    for (String format : List.of("frozen-pb", "tfjs-graph", "savedmodel")) {
      cases.addAll(ModelCorpus.cases(format));
    }
    cases.add(ModelCorpus.byId("golden/tsc-tf-graph-lenet"));
    cases.add(ModelCorpus.byId("golden/tsp-preprocess-tensorflow"));
    String only = System.getProperty("graph.cases");
    if (only != null && !only.isBlank()) {
      Set<String> wanted = Set.of(only.split(","));
      cases.removeIf(c -> !wanted.contains(c.id()));
    }
    return cases;
  }

  @BeforeAll
  static void convertAndRun() throws Exception {
    long start = System.nanoTime();
    List<TfjsJob> jobs = new ArrayList<>();
    for (CorpusCase c : cases()) {
      for (Conversion conversion : convert(c, Quantize.NONE, tmp)) {
        CONVERSIONS.add(conversion);
        if (conversion.error() == null) {
          for (String v : TfjsJob.VERSIONS) {
            jobs.add(new TfjsJob(conversion.id() + "@" + v, v, conversion.output(), "model.json",
                TfjsJob.GRAPH, c.referencePath(), conversion.nodes(),
                conversion.referenceNames()));
          }
        }
      }
    }
    long converted = System.nanoTime();
    for (TfjsResult r : TfjsClient.check(jobs)) {
      RESULTS.put(r.id(), r);
      System.out.println("[graph-check] " + r.id() + " ok=" + r.ok() + " maxAbsDiff="
          + r.maxAbsDiff() + (r.ok() ? "" : " " + r.describe()));
    }
    System.out.printf("[graph-check] conversions %.1f s, tfjs %.1f s%n",
        (converted - start) / 1e9, (System.nanoTime() - converted) / 1e9);
  }

  /**
   * Converts a case into {@code root} once per signature its reference names ("sig:key"), else
   * once, storing weights as {@code quantize} says.
   */
  static List<Conversion> convert(CorpusCase c, Quantize quantize, Path root) throws Exception {
    List<String> refNames = c.hasReference() ? c.referenceOutputNames() : List.of();
    Map<String, List<String>> bySignature = new LinkedHashMap<>();
    boolean signatureKeys = c.format().equals("savedmodel") && !refNames.isEmpty()
        && refNames.stream().allMatch(n -> n.contains(":"));
    if (signatureKeys) {
      for (String n : refNames) {
        bySignature.computeIfAbsent(n.substring(0, n.indexOf(':')), k -> new ArrayList<>()).add(n);
      }
    } else {
      bySignature.put(GraphConverter.DEFAULT_SIGNATURE, refNames);
    }
    List<Conversion> out = new ArrayList<>();
    if (DEFAULT_SELECTION_CASES.contains(c.id())) {
      out.add(convertDefault(c, quantize, root));
    }
    for (Map.Entry<String, List<String>> e : bySignature.entrySet()) {
      String id = c.id() + (signatureKeys ? "#" + e.getKey() : "");
      Path output = root.resolve(id.replace('/', '_').replace('#', '_'));
      List<String> requested = signatureKeys ? List.of() : e.getValue();
      Path source = c.format().equals("savedmodel") ? c.dir() : c.mainPath();
      ConversionRequest request = new ConversionRequest(source, null, output, requested, List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE).withWeightOptions(quantize, List.of(), false);
      try {
        new GraphConverter(e.getKey(), GraphConverter.DEFAULT_TAGS).convert(request);
      } catch (ConversionException ex) {
        out.add(new Conversion(id, c, output, List.of(), e.getValue(), ex));
        continue;
      }
      List<String> nodes = e.getValue();
      if (signatureKeys) {
        // reference "sig:key" -> the node the written signature names for that key
        JsonNode sig = JSON.readTree(output.resolve("model.json").toFile()).path("signature");
        nodes = new ArrayList<>();
        for (String n : e.getValue()) {
          String tensor = sig.path("outputs").path(n.substring(n.indexOf(':') + 1)).path("name")
              .asText();
          nodes.add(tensor.endsWith(":0") ? tensor.substring(0, tensor.length() - 2) : tensor);
        }
      }
      out.add(new Conversion(id, c, output, nodes, e.getValue(), null));
    }
    return out;
  }

  /** Cases whose default selection is a subset of the reference: run as converted by default. */
  private static final Set<String> DEFAULT_SELECTION_CASES = Set.of(
      "frozen-pb/tensorspace-lenet-frozen", "savedmodel/tsc-test-tf1-lenet-saved",
      "frozen-pb/dl4j-ae-00", "tfjs-graph/tfjs-examples-predictive-prefetching");

  /** The default selection, read back from userDefinedMetadata.outputNodes of the output. */
  private static Conversion convertDefault(CorpusCase c, Quantize quantize, Path root)
      throws Exception {
    String id = c.id() + "#default-selection";
    Path output = root.resolve(id.replace('/', '_').replace('#', '_'));
    Path source = c.format().equals("savedmodel") ? c.dir() : c.mainPath();
    new GraphConverter().convert(new ConversionRequest(source, null, output, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE).withWeightOptions(quantize, List.of(), false));
    List<String> nodes = new ArrayList<>();
    JSON.readTree(output.resolve("model.json").toFile()).path("userDefinedMetadata")
        .path("outputNodes").forEach(n -> nodes.add(n.asText()));
    assertTrue(c.referenceOutputNames().containsAll(nodes), id + ": " + nodes);
    return new Conversion(id, c, output, nodes, nodes, null);
  }

  @TestFactory
  Stream<DynamicTest> everyGraphCaseMatchesInBothTfjsVersionsOrFailsClearly() {
    return CONVERSIONS.stream().map(conv -> DynamicTest.dynamicTest(conv.id(), () -> {
      List<String> expectedWords = EXPECTED_FAILURES.get(conv.corpusCase().id());
      if (expectedWords != null) {
        assertNotNull(conv.error(), conv.id() + " must fail conversion");
        for (String word : expectedWords) {
          assertTrue(conv.error().getMessage().contains(word), conv.error().getMessage());
        }
        System.out.println("[graph-check] " + conv.id() + " refused: " + conv.error().getMessage());
        return;
      }
      if (conv.error() != null) {
        fail(conv.id() + " did not convert: " + conv.error().getMessage(), conv.error());
      }
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(conv.id() + "@" + v);
        assertNotNull(r, "no tfjs result for " + conv.id() + "@" + v);
        r.assertOk();
        assertEquals(conv.nodes().size(), r.outputs().size(), r.describe());
      }
    }));
  }
}
