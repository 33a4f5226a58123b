package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.testing.OnnxCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the ONNX corpus converted with all its reference outputs selected and run in real
 * TensorFlow.js 1.7.4 and 4.22.0: every output must match ONNX Runtime's activation (brought to
 * the model's layout) within the case's tolerance. A case whose {@code expect-error.json} says so
 * must be refused, and a case in {@link #NOT_YET_SUPPORTED} must be refused naming its op — it
 * never counts as passed.
 */
class OnnxCorpusTest {
  /**
   * THE list of corpus cases whose ops are not translated yet, with the op the refusal names.
   * Remove a case from here when its op family lands; the test then requires it to match.
   */
  static final Map<String, String> NOT_YET_SUPPORTED = new TreeMap<>(Map.ofEntries());

  @TempDir
  static Path tmp;

  private static final List<OnnxConversion> CONVERSIONS = new ArrayList<>();
  /** The translatable outputs of the not-yet-supported cases. */
  private static final List<OnnxConversion> PARTS = new ArrayList<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

  static List<OnnxCorpus.Case> cases() {
    List<OnnxCorpus.Case> cases = new ArrayList<>(OnnxCorpus.cases());
    String only = System.getProperty("onnx.cases");
    if (only != null && !only.isBlank()) {
      Set<String> wanted = Set.of(only.split(","));
      cases.removeIf(c -> !wanted.contains(c.id()));
    }
    return cases;
  }

  @BeforeAll
  static void convertAndRun() throws Exception {
    System.out.println("[onnx] not yet supported (" + NOT_YET_SUPPORTED.size() + "): "
        + NOT_YET_SUPPORTED);
    List<TfjsJob> jobs = new ArrayList<>();
    for (OnnxCorpus.Case c : cases()) {
      OnnxConversion conversion = convert(c, tmp.resolve(c.id()), c.expectsError() ? List.of()
          : c.referenceOutputs());
      CONVERSIONS.add(conversion);
      conversion.addJobs(jobs, c.id());
      if (NOT_YET_SUPPORTED.containsKey(c.id())) {
        // the way out the refusal names: the outputs before the untranslated op still convert
        OnnxConversion part = convert(c, tmp.resolve(c.id() + "-translatable"),
            translatable(c));
        PARTS.add(part);
        part.addJobs(jobs, c.id() + "#translatable");
      }
    }
    // the 224x224 super-resolution and face-detector convolutions take minutes in tfjs 1.7.4's
    // pure-JS CPU backend on a busy 2-core machine
    Map<String, String> limits = Map.of("tensorspace.tfjs.jobTimeoutSeconds", "480",
        "tensorspace.tfjs.timeoutSeconds", "2400");
    Map<String, String> before = new LinkedHashMap<>();
    limits.forEach((key, value) -> {
      before.put(key, System.getProperty(key));
      System.setProperty(key, System.getProperty(key, value));
    });
    List<TfjsResult> results;
    try {
      results = TfjsClient.check(jobs);
    } finally {
      before.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        }
      });
    }
    for (TfjsResult r : results) {
      RESULTS.put(r.id(), r);
      System.out.println("[onnx] " + r.id() + " ok=" + r.ok() + " outputs=" + r.outputs().size()
          + " maxAbsDiff=" + r.maxAbsDiff() + (r.ok() ? "" : " " + r.describe()));
    }
  }

  /** The reference outputs that do not depend on an untranslated node. */
  private static List<String> translatable(OnnxCorpus.Case c) throws Exception {
    OnnxTranslation t = new OnnxTranslator(new OnnxReader().read(c.model()),
        OnnxConversion.inputShapes(c))
        .translate();
    return c.referenceOutputs().stream().filter(n -> !t.blocked.containsKey(n)).toList();
  }

  /** Converts with {@code names} selected; writes the reference in the model's layout. */
  static OnnxConversion convert(OnnxCorpus.Case c, Path output, List<String> names)
      throws Exception {
    return OnnxConversion.convert(c, output, names,
        tmp.resolve("references").resolve(output.getFileName() + ".json"));
  }

  @TestFactory
  Stream<DynamicTest> everyCaseMatchesInBothTfjsVersionsOrIsRefusedClearly() {
    return CONVERSIONS.stream().map(conv -> DynamicTest.dynamicTest(conv.c().id(), () -> {
      OnnxCorpus.Case c = conv.c();
      String op = NOT_YET_SUPPORTED.get(c.id());
      if (c.expectsError() || op != null) {
        assertNotNull(conv.error(), c.id() + " converted, but must be refused"
            + (op == null ? "" : " until op " + op + " is translated; remove it from"
            + " NOT_YET_SUPPORTED if it now converts"));
        String message = conv.error().getMessage();
        assertTrue(message.contains(c.model().getFileName().toString()), message);
        assertTrue(message.contains(op == null ? "operator set" : "(" + op + ", opset"), message);
        assertFalse(Files.exists(conv.output().resolve("model.json")), "wrote nothing");
        System.out.println("[onnx] " + c.id() + " refused: " + message);
        return;
      }
      if (conv.error() != null) {
        fail(c.id() + " did not convert: " + conv.error().getMessage(), conv.error());
      }
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(c.id() + "@" + v);
        assertNotNull(r, "no tfjs result for " + c.id() + "@" + v);
        r.assertOk();
        assertEquals(conv.nodes().size(), r.outputs().size(), r.describe());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> outputsBeforeAnUntranslatedOpMatchInBothTfjsVersions() {
    return PARTS.stream().map(conv -> DynamicTest.dynamicTest(conv.c().id(), () -> {
      String id = conv.c().id() + "#translatable";
      System.out.println("[onnx] " + id + ": " + conv.names().size() + " of "
          + conv.c().referenceOutputs().size() + " reference outputs translatable");
      if (conv.names().isEmpty()) {
        return;
      }
      if (conv.error() != null) {
        fail(id + " did not convert: " + conv.error().getMessage(), conv.error());
      }
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(id + "@" + v);
        assertNotNull(r, "no tfjs result for " + id + "@" + v);
        r.assertOk();
        assertEquals(conv.nodes().size(), r.outputs().size(), r.describe());
      }
    }));
  }
}
