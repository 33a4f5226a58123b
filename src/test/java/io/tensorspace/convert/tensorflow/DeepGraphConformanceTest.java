package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.KerasGraphWriter;
import io.tensorspace.testing.KerasGraphWriter.FrozenGraph;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * The deep real architectures InceptionV3, ResNet50 and MobileNet as frozen TensorFlow graphs:
 * tfjs layers models ({@code src/test/node/make-deep-models.js}) written as GraphDefs by TF Java
 * ({@link KerasGraphWriter}), then (1) the graph run by TF Java matches tfjs 4.22 running the
 * original layers model ({@code reference-of.js}) at every 10th layer and the last, which proves
 * the graph, and (2) the plugin's conversion of the {@code .pb} matches the same reference in
 * tfjs 1.7.4 and 4.22.0 (InceptionV3 in 4.22.0 only unless {@code -Ddeep.full=true}: it takes
 * ~100 s per tfjs run here). {@code -Ddeep.models=mobilenet,...} runs some models only.
 *
 * <p>Besides the harness's {@code atol + rtol * |expected|}, each node's largest difference must
 * stay below {@link #SCALED} times the node's largest reference value: tfjs-initialised weights
 * shrink MobileNet's activations by ~10x per depthwise block (1e-19 at its last layer), where the
 * absolute floor of 1e-5 alone would accept anything.
 */
class DeepGraphConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path WORK = Path.of("target", "deep-graphs");
  /** -Ddeep.models=resnet50,... runs some of them only. */
  private static final List<String> MODELS = List.of(System.getProperty("deep.models",
      "inceptionv3,resnet50,mobilenet").split(","));
  /** tolerance written into each reference: harness atol = max(10 * this, 1e-5). */
  private static final String TOLERANCE = "1e-6";
  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-5;
  /** Largest difference allowed relative to the node's largest |reference value|. */
  private static final double SCALED = 1e-3;

  private record Deep(String name, FrozenGraph graph, List<String> nodes, Path reference,
      Map<String, Double> referenceScale, Map<String, double[]> tfJavaDiff, Path converted) {}

  private static final List<Deep> DEEP = new ArrayList<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

  /** A model whose graph is written and converted while tfjs computes its reference. */
  private record Pending(String name, FrozenGraph graph, List<String> nodes, Path reference,
      NodeRun referenceRun, Path converted) {}

  @BeforeAll
  static void writeConvertAndRun() throws Exception {
    long start = System.nanoTime();
    List<String> args = new ArrayList<>(List.of(ModelCorpus.root().toAbsolutePath().toString(),
        WORK.resolve("layers").toAbsolutePath().toString()));
    args.addAll(MODELS);
    node("make-deep-models.js", args.toArray(new String[0])).waitFor();
    List<Pending> pending = new ArrayList<>();
    for (String name : MODELS) {
      pending.add(writeAndConvert(name));
    }
    List<TfjsJob> jobs = new ArrayList<>();
    for (Pending p : pending) {
      Deep deep = checkInTfJava(p);
      DEEP.add(deep);
      for (String v : versions(deep.name())) {
        jobs.add(TfjsJob.graph(deep.name(), v, deep.converted().resolve("model.json"),
            deep.reference(), deep.nodes()).withTfjs(v));
      }
    }
    long prepared = System.nanoTime();
    for (TfjsResult r : TfjsClient.check(jobs)) {
      RESULTS.put(r.id(), r);
      System.out.println("[deep-graph] " + r.id() + " ok=" + r.ok() + " maxAbsDiff="
          + r.maxAbsDiff() + " millis=" + r.millis() + (r.ok() ? "" : " " + r.describe()));
    }
    System.out.printf("[deep-graph] graphs, references, TF Java, conversions %.1f s, tfjs %.1f s%n",
        (prepared - start) / 1e9, (System.nanoTime() - prepared) / 1e9);
  }

  /**
   * The tfjs versions a model's conversion runs in: InceptionV3 (5.7 GFLOPs, ~100 s per run in
   * pure-JS tfjs on this project's 2-core machine) in 4.22.0 only unless -Ddeep.full=true.
   */
  private static List<String> versions(String model) {
    return model.equals("inceptionv3") && !Boolean.getBoolean("deep.full")
        ? List.of(TfjsJob.TFJS_4) : TfjsJob.VERSIONS;
  }

  /** Writes the graph, starts tfjs on the reference of its nodes, converts the graph. */
  private static Pending writeAndConvert(String name) throws Exception {
    Path layers = WORK.resolve("layers").resolve(name).resolve("model.json");
    FrozenGraph graph = KerasGraphWriter.write(layers, WORK.resolve("pb").resolve(name + ".pb"));
    List<String> nodes = selected(graph.layers());
    Path reference = WORK.resolve("reference").resolve(name + ".json");
    List<String> args = new ArrayList<>(List.of(layers.toAbsolutePath().toString(),
        reference.toAbsolutePath().toString(), TOLERANCE));
    args.addAll(nodes);
    NodeRun referenceRun = node("reference-of.js", args.toArray(new String[0]));
    Path converted = WORK.resolve("converted").resolve(name);
    ConversionResult result = new Converter().convert(new ConversionRequest(graph.pb(), null,
        converted, nodes, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
    assertEquals(nodes, result.outputs(), name + ": converted outputs");
    return new Pending(name, graph, nodes, reference, referenceRun, converted);
  }

  /** Waits for the reference, runs the graph in TF Java on its input and compares. */
  private static Deep checkInTfJava(Pending p) throws Exception {
    p.referenceRun().waitFor();
    JsonNode ref = JSON.readTree(p.reference().toFile());
    Map<String, float[]> tfJava = runInTfJava(p.graph(), ref.path("inputs").get(0), p.nodes());
    Map<String, Double> scale = new LinkedHashMap<>();
    Map<String, double[]> diff = new LinkedHashMap<>();
    for (JsonNode out : ref.path("outputs")) {
      String layer = out.path("layer").asText();
      scale.put(layer, maxAbs(out.path("data")));
      diff.put(layer, differences(tfJava.get(layer), out.path("data")));
    }
    return new Deep(p.name(), p.graph(), p.nodes(), p.reference(), scale, diff, p.converted());
  }

  /** Every 10th layer and the last. */
  private static List<String> selected(List<String> layers) {
    List<String> nodes = new ArrayList<>();
    for (int i = 9; i < layers.size() - 1; i += 10) {
      nodes.add(layers.get(i));
    }
    nodes.add(layers.get(layers.size() - 1));
    return nodes;
  }

  private static Map<String, float[]> runInTfJava(FrozenGraph frozen, JsonNode input,
      List<String> nodes) throws Exception {
    float[] x = new float[input.path("data").size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) input.path("data").get(i).asDouble();
    }
    long[] shape = JSON.convertValue(input.path("shape"), long[].class);
    Map<String, float[]> values = new LinkedHashMap<>();
    try (Graph g = new Graph()) {
      g.importGraphDef(GraphDef.parseFrom(Files.readAllBytes(frozen.pb())));
      try (Session s = new Session(g);
          TFloat32 fed = TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(x, true, false))) {
        Session.Runner runner = s.runner().feed(frozen.input(), fed);
        nodes.forEach(runner::fetch);
        try (Result result = runner.run()) {
          for (int i = 0; i < nodes.size(); i++) {
            TFloat32 t = (TFloat32) result.get(i);
            float[] v = new float[Math.toIntExact(t.size())];
            t.copyTo(DataBuffers.of(v, false, false));
            values.put(nodes.get(i), v);
          }
        }
      }
    }
    return values;
  }

  /** {max |actual - expected|, count outside atol + rtol * |expected|}. */
  private static double[] differences(float[] actual, JsonNode expected) {
    assertEquals(expected.size(), actual.length, "element count");
    double max = 0;
    int off = 0;
    for (int i = 0; i < actual.length; i++) {
      double e = expected.get(i).asDouble();
      double d = Math.abs(actual[i] - e);
      max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
      if (!(d <= ATOL + RTOL * Math.abs(e))) {
        off++;
      }
    }
    return new double[] {max, off};
  }

  private static double maxAbs(JsonNode data) {
    double max = 0;
    for (JsonNode v : data) {
      max = Math.max(max, Math.abs(v.asDouble()));
    }
    return max;
  }

  /** Starts a script of src/test/node; the returned process's waitFor() fails unless it worked. */
  private static NodeRun node(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(System.getProperty("tensorspace.node", "node"),
        script));
    command.addAll(List.of(args));
    Path log = Files.createDirectories(WORK.resolve("logs")).resolve(script + "-"
        + System.nanoTime() + ".log");
    return new NodeRun(script, log, new ProcessBuilder(command)
        .directory(Path.of("src", "test", "node").toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
  }

  private record NodeRun(String script, Path log, Process process) {
    void waitFor() throws Exception {
      assertTrue(process.waitFor(600, TimeUnit.SECONDS), script + " took too long");
      assertEquals(0, process.exitValue(), script + ": " + Files.readString(log));
    }
  }

  @TestFactory
  Stream<DynamicTest> graphWrittenByTfJavaMatchesTheLayersModel() {
    return DEEP.stream().map(deep -> DynamicTest.dynamicTest(deep.name() + " in TF Java", () -> {
      double worst = 0;
      for (String node : deep.nodes()) {
        double[] d = deep.tfJavaDiff().get(node);
        assertNotNull(d, node);
        assertEquals(0, d[1], deep.name() + "/" + node + ": values off, max|diff| " + d[0]);
        assertTrue(d[0] <= SCALED * deep.referenceScale().get(node), deep.name() + "/" + node
            + ": max|diff| " + d[0] + " vs largest |value| " + deep.referenceScale().get(node));
        worst = Math.max(worst, d[0] / deep.referenceScale().get(node));
      }
      System.out.println("[deep-graph] " + deep.name() + " TF Java vs tfjs layers: worst max|diff|"
          + " / max|value| = " + worst + " over " + deep.nodes().size() + " nodes");
    }));
  }

  @TestFactory
  Stream<DynamicTest> convertedGraphMatchesInBothTfjsVersions() {
    return DEEP.stream().flatMap(deep -> versions(deep.name()).stream().map(v ->
        DynamicTest.dynamicTest(deep.name() + "@" + v, () -> {
          TfjsResult r = RESULTS.get(deep.name() + "@" + v);
          assertNotNull(r, "no tfjs result");
          r.assertOk();
          assertEquals(deep.nodes().size(), r.outputs().size(), r.describe());
          double worst = 0;
          for (TfjsResult.Output o : r.outputs()) {
            double scale = deep.referenceScale().get(o.name());
            assertTrue(o.maxAbsDiff() != null && o.maxAbsDiff() <= SCALED * scale,
                r.id() + "/" + o.name() + ": max|diff| " + o.maxAbsDiff() + " vs largest |value| "
                    + scale);
            worst = Math.max(worst, o.maxAbsDiff() / scale);
          }
          System.out.println("[deep-graph] " + r.id() + " converted graph vs tfjs layers: worst"
              + " max|diff| / max|value| = " + worst + ", max|diff| = " + r.maxAbsDiff());
        })));
  }
}
