package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.testing.OnnxCorpus;
import io.tensorspace.testing.OnnxFamilies;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import io.tensorspace.testing.onnx.Onnx;
import io.tensorspace.testing.onnx.OnnxMember;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated ONNX op families (testing/onnx, written with the test-scope ONNX classes, their
 * references computed by ONNX Runtime): every member is a model ONNX Runtime runs, reads back
 * with the plugin's reader, converts with every node output selected, and matches ONNX Runtime in
 * TensorFlow.js 1.7.4 and 4.22.0 — or is listed as not yet supported and refused naming the op.
 * A listed member never counts as passed.
 */
class GeneratedOnnxFamiliesTest {
  /**
   * THE members whose ops (or op settings) are not translated yet: member id prefix -> the op the
   * refusal names (the longest matching prefix applies). Remove an entry when its op lands; the
   * test then requires its members to match.
   */
  static final Map<String, String> NOT_YET_SUPPORTED = new TreeMap<>(Map.ofEntries(
      Map.entry("max-pool/dilation2", "MaxPool")));

  /**
   * Members that convert but whose tfjs result differs from ONNX Runtime: converter bugs to fix.
   * The test requires that they still fail, so a fix means removing them here.
   */
  static final Map<String, String> KNOWN_MISMATCHES = new TreeMap<>();

  /** The op a listed member's refusal names, or null when the member must convert. */
  static String notYetSupported(String id) {
    String op = null;
    int longest = -1;
    for (Map.Entry<String, String> e : NOT_YET_SUPPORTED.entrySet()) {
      if (id.startsWith(e.getKey()) && e.getKey().length() > longest) {
        op = e.getValue();
        longest = e.getKey().length();
      }
    }
    return op;
  }

  @TempDir static Path tmp;

  private static List<OnnxFamilies.Case> cases;
  /** Per member (in generation order): its conversion with every node output selected. */
  private static final Map<OnnxFamilies.Case, OnnxConversion> CONVERSIONS = new LinkedHashMap<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

  @BeforeAll
  static void generateConvertAndRun() throws Exception {
    cases = OnnxFamilies.generate(OnnxFamilies.ROOT);
    Map<String, Integer> counts = new TreeMap<>();
    cases.forEach(c -> counts.merge(c.member().family(), 1, Integer::sum));
    System.out.println("[onnx-families] " + cases.size() + " members " + counts);
    List<TfjsJob> jobs = new ArrayList<>();
    for (OnnxFamilies.Case c : cases) {
      OnnxCorpus.Case asCorpusCase = new OnnxCorpus.Case(c.member().id(), c.dir());
      OnnxConversion conversion = OnnxConversion.convert(asCorpusCase,
          tmp.resolve(c.member().id()), asCorpusCase.referenceOutputs(),
          tmp.resolve("references").resolve(c.member().id() + ".json"));
      CONVERSIONS.put(c, conversion);
      conversion.addJobs(jobs, c.member().id());
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      RESULTS.put(r.id(), r);
    }
    report();
  }

  @TestFactory
  Stream<DynamicTest> everyMemberRunsInOnnxRuntimeAndReadsBack() {
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.member().id(), () -> {
      byte[] bytes = Files.readAllBytes(c.model());
      assertTrue(bytes.length < 50_000, () -> c.model() + " is " + bytes.length + " bytes");
      Onnx.ModelProto read = Onnx.ModelProto.parseFrom(bytes);
      assertEquals(c.member().model().getGraph().getNodeList(), read.getGraph().getNodeList());
      OnnxModel model = new OnnxReader().read(c.model());
      assertEquals(read.getGraph().getNodeCount(), model.graph().nodes().size());
      JsonNode reference = OnnxCorpus.read(c.reference());
      long nodeOutputs = read.getGraph().getNodeList().stream()
          .flatMap(n -> n.getOutputList().stream()).filter(o -> !o.isEmpty()).count();
      assertEquals(nodeOutputs, reference.get("outputs").size());
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyMemberMatchesInBothTfjsVersionsOrIsRefusedClearly() {
    return CONVERSIONS.values().stream().map(conv -> DynamicTest.dynamicTest(conv.c().id(), () -> {
      String id = conv.c().id();
      String op = notYetSupported(id);
      if (op != null) {
        assertNotNull(conv.error(), id + " converted, but is listed as not yet supported (" + op
            + "); remove it from NOT_YET_SUPPORTED");
        String message = conv.error().getMessage();
        assertTrue(message.contains(OnnxMember.FILE), message);
        assertTrue(message.contains("(" + op + ", opset"), message);
        assertFalse(Files.exists(conv.output().resolve("model.json")), "wrote nothing");
        return;
      }
      if (conv.error() != null) {
        fail(id + " did not convert: " + conv.error().getMessage(), conv.error());
      }
      boolean matches = true;
      StringBuilder why = new StringBuilder();
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(id + "@" + v);
        assertNotNull(r, "no tfjs result for " + id + "@" + v);
        if (!r.ok() || r.outputs().size() != conv.nodes().size()) {
          matches = false;
          why.append(v).append(": ").append(r.describe()).append('\n');
        }
      }
      if (KNOWN_MISMATCHES.containsKey(id)) {
        assertFalse(matches, id + " matches now: remove it from KNOWN_MISMATCHES");
      } else {
        assertTrue(matches, () -> id + " differs from ONNX Runtime:\n" + why);
      }
    }));
  }

  /** Per family: matched, refused as listed, failing; the worst difference per tfjs version. */
  private static void report() {
    Map<String, int[]> perFamily = new TreeMap<>();
    Map<String, Double> worst = new TreeMap<>();
    for (Map.Entry<OnnxFamilies.Case, OnnxConversion> e : CONVERSIONS.entrySet()) {
      OnnxConversion conv = e.getValue();
      String id = conv.c().id();
      int[] n = perFamily.computeIfAbsent(e.getKey().member().family(), k -> new int[3]);
      if (conv.error() != null) {
        n[1]++;
        System.out.println("[onnx-families] refused " + id + ": " + conv.error().getMessage()
            .replace(conv.c().model().toString(), "model.onnx"));
        continue;
      }
      boolean ok = true;
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(id + "@" + v);
        ok &= r.ok() && r.outputs().size() == conv.nodes().size();
        if (r.ok()) {
          worst.merge(v, r.maxAbsDiff(), Math::max);
        } else {
          System.out.println("[onnx-families] mismatch " + id + "@" + v + ": "
              + r.describe().replace('\n', ' '));
        }
      }
      n[ok ? 0 : 2]++;
    }
    perFamily.forEach((family, n) -> System.out.println("[onnx-families] " + family
        + ": matched " + n[0] + ", refused " + n[1] + ", mismatched " + n[2]));
    System.out.println("[onnx-families] worst |diff| of matched members per tfjs: " + worst);
  }
}
