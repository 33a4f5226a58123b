package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.model.Quantization;
import io.tensorspace.convert.tensorflow.GraphConformanceTest.Conversion;
import io.tensorspace.convert.write.Quantize;
import io.tensorspace.convert.write.Quantizer;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every graph case of {@link GraphConformanceTest} converted with quantize uint8, uint16 and
 * float16 and run in real TensorFlow.js (uint8/uint16 in 1.7.4 and 4.22.0, float16 in 4.22.0 only:
 * tfjs 1.x cannot decode it) against the case's reference, with the reference's tolerance widened
 * by a bound derived from the weights' own quantization error; plus the manifest must record the
 * quantization of every float32 constant (and of nothing else) and the shards must shrink.
 *
 * <p>The bound. Every op of these graphs is, on the absolute values of its inputs, monotone and
 * no steeper than a bounding op (matmul, convolution, sums and products: multilinear with
 * |W'h' - Wh| <= |W'||h' - h| + |W' - W||h|; Relu, Tanh and max-pooling 1-Lipschitz; Sigmoid
 * and Softmax at most 1/4 and 1/2). So by induction over the nodes, each node moves by at most
 * {@code upper - lower}, where lower is the graph run with |W| and |x| and upper with
 * {@code |W| + e} ({@link MagnitudeNetwork}, run in tfjs), e the rounding guarantee of each
 * element (half a step for uint8/uint16, none for a tensor of one repeated value, which is stored
 * exactly; 2^-11 relative for float16). The shards, decoded here,
 * must keep that guarantee too. The reference's {@code atol} grows by the
 * largest such bound over the compared nodes; nothing else is loosened. For a recurrent graph
 * (an LSTM unrolled over 28 steps) that strict bound overflows, since nothing in it saturates;
 * there Tanh and Sigmoid are kept, which makes it a first-order estimate, and the log says so.
 */
class GraphQuantizationConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<Quantize> KINDS = List.of(Quantize.UINT8, Quantize.UINT16,
      Quantize.FLOAT16);

  @TempDir
  static Path tmp;

  /**
   * One quantized conversion, its unquantized twin, the error bound of each float32 weight's
   * elements and, once the bound network ran, the bound and the widened reference.
   */
  private record Checked(Quantize kind, Conversion conversion, Conversion plain,
      Map<String, float[]> errors, double bound, Path reference, String problem) {
    String id() {
      return kind.jsonName() + ":" + conversion.id();
    }

    Checked withBound(double b) throws Exception {
      return new Checked(kind, conversion, plain, null, b, widened(conversion, kind, b), null);
    }
  }

  private static final List<Checked> CHECKED = new ArrayList<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

  @BeforeAll
  static void convertAndRun() throws Exception {
    List<Checked> planned = new ArrayList<>();
    List<TfjsJob> boundJobs = new ArrayList<>();
    for (CorpusCase c : GraphConformanceTest.cases()) {
      List<Conversion> plain = GraphConformanceTest.convert(c, Quantize.NONE, tmp.resolve("none"));
      for (Quantize kind : KINDS) {
        List<Conversion> quantized =
            GraphConformanceTest.convert(c, kind, tmp.resolve(kind.jsonName()));
        for (int i = 0; i < quantized.size(); i++) {
          Checked checked = check(kind, quantized.get(i), plain.get(i));
          planned.add(checked);
          if (checked.errors() != null) {
            boundJobs.add(boundJob(checked, false));
          }
        }
      }
    }
    Map<String, Double> bounds = new LinkedHashMap<>();
    List<TfjsJob> overflowed = new ArrayList<>();
    for (TfjsResult r : TfjsClient.check(boundJobs)) {
      // the bound network's reference is zeros, so the difference is the largest bound
      if (r.ok()) {
        bounds.put(r.id(), r.maxAbsDiff());
      } else {
        assertTrue(r.error().contains("non-finite"), r.describe());
        Checked checked = planned.stream().filter(p -> p.id().equals(r.id())).findFirst().get();
        overflowed.add(boundJob(checked, true));
      }
    }
    for (TfjsResult r : TfjsClient.check(overflowed)) {
      r.assertOk();
      System.out.println("[graph-quantize] " + r.id() + ": the strict bound overflows (a recurrent"
          + " graph); first-order estimate with saturating Tanh/Sigmoid used");
      bounds.put(r.id(), r.maxAbsDiff());
    }
    List<TfjsJob> jobs = new ArrayList<>();
    for (Checked checked : planned) {
      Checked done = checked;
      if (checked.errors() != null) {
        done = checked.withBound(bounds.get(checked.id()));
        jobs.addAll(jobs(done));
      }
      CHECKED.add(done);
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      RESULTS.put(r.id(), r);
    }
    report();
  }

  private static TfjsJob boundJob(Checked checked, boolean saturating) throws Exception {
    return MagnitudeNetwork.job(checked.id(), checked.plain(), checked.errors(),
        tmp.resolve(saturating ? "saturating" : "bound")
            .resolve(checked.id().replaceAll("[^\\w.-]", "_")), saturating);
  }

  /** Both tfjs versions, but float16 only in the one that decodes it. */
  private static List<TfjsJob> jobs(Checked checked) {
    List<TfjsJob> jobs = new ArrayList<>();
    Conversion conv = checked.conversion();
    for (String v : TfjsJob.VERSIONS) {
      if (checked.kind() == Quantize.FLOAT16 && v.equals(TfjsJob.TFJS_1)) {
        continue;
      }
      jobs.add(new TfjsJob(checked.id() + "@" + v, v, conv.output(), "model.json", TfjsJob.GRAPH,
          checked.reference(), conv.nodes(), conv.referenceNames()));
    }
    return jobs;
  }

  /**
   * Checks the manifest and shard sizes against the unquantized twin, measures each constant's
   * quantization error and writes the reference with the widened tolerance.
   */
  private static Checked check(Quantize kind, Conversion conv, Conversion plain) throws Exception {
    if (conv.error() != null || plain.error() != null) {
      return new Checked(kind, conv, plain, null, 0, null, null);
    }
    Map<String, float[]> errors = new LinkedHashMap<>();
    JsonNode quantizedWeights = weights(conv.output());
    JsonNode plainWeights = weights(plain.output());
    ByteBuffer q = shards(conv.output());
    ByteBuffer p = shards(plain.output());
    long expectedBytes = 0;
    boolean anyFloat = false;
    for (int i = 0; i < plainWeights.size(); i++) {
      JsonNode pw = plainWeights.get(i);
      JsonNode qw = quantizedWeights.get(i);
      if (!pw.path("name").equals(qw.path("name")) || !pw.path("shape").equals(qw.path("shape"))) {
        return problem(kind, conv, plain, "weight " + i + " differs: " + pw + " vs " + qw);
      }
      long n = elements(pw);
      boolean float32 = pw.path("dtype").asText().equals("float32");
      String stored = qw.path("quantization").path("dtype").asText();
      if (!stored.equals(float32 ? kind.jsonName() : "")) {
        return problem(kind, conv, plain, "weight " + qw + " is not stored as expected");
      }
      if (!float32) {
        expectedBytes += n * 4;
        q.position(q.position() + (int) n * 4);
        p.position(p.position() + (int) n * 4);
        continue;
      }
      anyFloat |= n > 0;
      expectedBytes += n * kind.bytesPerElement();
      Quantization quantization = new Quantization(stored,
          qw.path("quantization").has("min") ? qw.path("quantization").path("min").asDouble() : null,
          qw.path("quantization").has("scale") ? qw.path("quantization").path("scale").asDouble()
              : null, "float32");
      float[] originals = new float[(int) n];
      p.asFloatBuffer().get(originals);
      p.position(p.position() + (int) n * 4);
      // a tensor of one value is stored as 0 with min = that value: decoded exactly
      boolean constant = originals.length > 0
          && java.util.stream.IntStream.range(0, originals.length)
              .allMatch(k -> originals[k] == originals[0]);
      float[] guaranteed = new float[(int) n];
      errors.put(pw.path("name").asText(), guaranteed);
      for (int k = 0; k < n; k++) {
        float original = originals[k];
        int bits = kind == Quantize.UINT8 ? q.get() & 0xff : q.getShort() & 0xffff;
        float decoded = Quantizer.dequantize(bits, quantization);
        double error = Math.abs((double) decoded - original);
        double allowed = kind == Quantize.FLOAT16
            ? Math.max(Math.abs(original) * 0x1p-11, 0x1p-25)
            : (constant ? 0 : quantization.scale() / 2) + 2 * Math.ulp(original); // float32
        if (!(error <= allowed)) {
          return problem(kind, conv, plain, qw.path("name").asText() + "[" + k + "] = " + original
              + " decodes to " + decoded + ", beyond the rounding guarantee " + allowed);
        }
        // the bound uses the guarantee, not the measured error: it must not trust this decoding
        guaranteed[k] = Math.nextUp((float) allowed);
      }
    }
    long plainBytes = p.capacity();
    if (q.capacity() != expectedBytes || (anyFloat && q.capacity() >= plainBytes)) {
      return problem(kind, conv, plain, "shards hold " + q.capacity() + " bytes; expected "
          + expectedBytes + " (unquantized " + plainBytes + ")");
    }
    return new Checked(kind, conv, plain, errors, 0, null, null);
  }

  private static Checked problem(Quantize kind, Conversion conv, Conversion plain, String what) {
    return new Checked(kind, conv, plain, null, 0, null, what);
  }

  /** The reference with {@code atol} grown by {@code bound} (check-model uses 10 x tolerance). */
  private static Path widened(Conversion conv, Quantize kind, double bound) throws Exception {
    Path source = conv.corpusCase().referencePath();
    ObjectNode ref = (ObjectNode) JSON.readTree(source.toFile());
    double atol = Math.max(10 * ref.path("tolerance").asDouble(0), 1e-5);
    ref.put("tolerance", (atol + bound) / 10);
    Path out = tmp.resolve("ref-" + kind.jsonName() + "-" + conv.output().getFileName() + ".json");
    JSON.writeValue(out.toFile(), ref);
    return out;
  }

  static JsonNode weights(Path output) throws Exception {
    JsonNode manifest = JSON.readTree(output.resolve("model.json").toFile()).path("weightsManifest");
    assertEquals(1, manifest.size(), output + ": one weight group");
    return manifest.get(0).path("weights");
  }

  /** The weight group's shards, concatenated. */
  static ByteBuffer shards(Path output) throws Exception {
    JsonNode group = JSON.readTree(output.resolve("model.json").toFile())
        .path("weightsManifest").get(0);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (JsonNode path : group.path("paths")) {
      all.write(Files.readAllBytes(output.resolve(path.asText())));
    }
    return ByteBuffer.wrap(all.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
  }

  static long elements(JsonNode weight) {
    long n = 1;
    for (JsonNode d : weight.path("shape")) {
      n *= d.asLong();
    }
    return n;
  }

  private static void report() {
    Map<String, Double> worst = new LinkedHashMap<>();
    Map<String, Double> worstRatio = new LinkedHashMap<>();
    for (Checked checked : CHECKED) {
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(checked.id() + "@" + v);
        if (r == null) {
          continue;
        }
        String key = checked.kind().jsonName() + "@" + v;
        worst.merge(key, r.maxAbsDiff(), Math::max);
        if (checked.bound() > 0) {
          worstRatio.merge(key, r.maxAbsDiff() / checked.bound(), Math::max);
        }
        System.out.printf("[graph-quantize] %s ok=%s maxAbsDiff=%.3g bound=%.3g%n", r.id(), r.ok(),
            r.maxAbsDiff(), checked.bound());
      }
    }
    System.out.println("[graph-quantize] worst maxAbsDiff " + worst
        + "; worst diff/bound " + worstRatio);
  }

  @TestFactory
  Stream<DynamicTest> everyGraphCaseMatchesWhenQuantized() {
    return CHECKED.stream().map(checked -> DynamicTest.dynamicTest(checked.id(), () -> {
      Conversion conv = checked.conversion();
      if (GraphConformanceTest.EXPECTED_FAILURES.containsKey(conv.corpusCase().id())) {
        assertNotNull(conv.error(), conv.id() + " must fail conversion");
        return;
      }
      if (conv.error() != null) {
        fail(checked.id() + " did not convert: " + conv.error().getMessage(), conv.error());
      }
      if (checked.problem() != null) {
        fail(checked.id() + ": " + checked.problem());
      }
      int runs = 0;
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(checked.id() + "@" + v);
        if (r != null) {
          r.assertOk();
          assertEquals(conv.nodes().size(), r.outputs().size(), r.describe());
          runs++;
        }
      }
      assertEquals(checked.kind() == Quantize.FLOAT16 ? 1 : 2, runs, checked.id());
    }));
  }
}
