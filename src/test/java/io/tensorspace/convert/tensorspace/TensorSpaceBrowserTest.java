package io.tensorspace.convert.tensorspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorspace.TensorSpaceDescription.Output;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.NodeScripts;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.KerasGraphWriter;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.OnnxCorpus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The generated TensorSpace files in a real browser: converts corpus models with the preview page,
 * serves them and TensorSpace 0.6.1 (from {@code src/test/browser/node_modules}) on 127.0.0.1, and
 * opens each preview in Debian's headless Chromium driven by playwright-core
 * ({@code src/test/browser/check-pages.js}). Each page must load without page or console errors,
 * the TensorSpace model must load, a prediction must fill every TensorSpace layer and the canvas
 * must not be blank.
 *
 * <p>Always for LeNet (Keras Sequential), the 12-net (functional, two outputs, open input size),
 * the tfjs functional model with merges and TensorSpace's LeNet as a frozen TensorFlow graph (a
 * graph-model: {@code type: "tensorflow"}, {@code outputsName}, its Conv2D/MaxPool/MatMul/Softmax
 * ops drawn as Conv2d/Pooling2d/Dense/Output1d), with TensorFlow.js on WebGL. With
 * {@code -Dtensorspace.browser.all=true} also for every other Keras and TensorFlow.js layers case
 * of the corpus that converts and that TensorSpace can draw (TensorFlow.js on the CPU; about two
 * minutes on two cores). A table goes to
 * {@code target/browser/tensorspace-report.tsv}, LeNet's screenshot to
 * {@code target/browser/lenet.png}.
 */
class TensorSpaceBrowserTest {
  static final List<String> FORMATS = List.of("keras1-h5", "keras2-h5", "tfkeras-h5",
      "keras3-zip", "tfjs-layers", "frozen-pb", "savedmodel", "tfjs-graph");
  static final List<String> DETAILED = List.of(
      "keras2-h5/tensorspace-keras-mnist",
      "keras2-h5/dl4j-12net-prelu-2outputs",
      "tfjs-layers/tfjs2keras-functional-merge",
      "frozen-pb/tsc-test-lenet-frozen");
  /** Deep real architectures, written with tfjs-initialised weights by make-deep-models.js. */
  static final List<String> DEEP = List.of("deep/mobilenet", "deep/resnet50", "deep/inceptionv3",
      "deep-graph/mobilenet", "deep-graph/resnet50", "deep-graph/inceptionv3");
  /** PyTorch exports from the ONNX corpus (MNIST and CIFAR-10 CNNs). */
  static final List<String> ONNX = List.of("onnx/pt-mnist-burn", "onnx/pt-mnist-onnxmlir",
      "onnx/pt-cifar10-winml");
  static final String LENET = "keras2-h5/tensorspace-keras-mnist";
  /** A wrong input length is refused by the generated predict, naming the expected length. */
  private static final String WRONG_LENGTH_PROBE = "(() => { try {"
      + " window.tensorspacePreview.model.predict(new Float32Array(3)); return 'accepted'; }"
      + " catch (e) { return String(e.message); } })()";

  private static final Path OUT = Path.of("target", "browser").toAbsolutePath();
  private static final Path BROWSER = Path.of("src", "test", "browser").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LIBRARY = Pattern.compile("/lib/((?:@[^/@]+/)?[^/@]+)@[^/]+/(.+)");

  /** One corpus case and what happened to it before the browser. */
  private record Case(String id, String folder, String conversionError, TensorSpaceDescription d) {}

  @TestFactory
  Stream<DynamicTest> generatedModelsWorkInTensorSpace() throws Exception {
    Path chromium = Path.of(System.getProperty("tensorspace.chromium", "/usr/bin/chromium"));
    assertTrue(Files.isExecutable(chromium),
        chromium + " is missing: apt-get install chromium (.ci/run does)");
    assertTrue(Files.isDirectory(BROWSER.resolve("node_modules/playwright-core")),
        "npm ci --prefix src/test/browser has not run (.ci/run does)");

    List<Case> cases = convertAll();
    HttpServer server = serve();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      ObjectNode job = JSON.createObjectNode();
      job.put("chromium", chromium.toString());
      job.put("concurrency", Math.max(2, Runtime.getRuntime().availableProcessors()));
      job.put("timeoutMs", 30000);
      ArrayNode pages = job.putArray("pages");
      for (Case c : cases) {
        if (c.d() != null && c.d().drawable()) {
          ObjectNode page = pages.addObject();
          page.put("id", c.id());
          if (shownInDetail(c.id())) {
            // as a user sees it: TensorFlow.js on WebGL
            page.put("url", base + "/models/" + c.folder() + "/index.html");
            page.put("screenshot", OUT.resolve(c.folder() + ".png").toString());
            page.put("frames", true);
            if (DEEP.contains(c.id())) {
              page.put("timeoutMs", 180000); // 100 MB of weights and a WebGL predict on 2 cores
            } else if (ONNX.contains(c.id())) {
              // CIFAR's 32x32x3 WebGL predict beside the deep models took over 30 s on 2 cores
              page.put("timeoutMs", 120000);
            }
            if (LENET.equals(c.id())) {
              page.put("probe", WRONG_LENGTH_PROBE);
            }
          } else {
            // the long list: TensorFlow.js on the CPU starts much faster in a GPU-less Chromium
            page.put("url", base + "/models/" + c.folder() + "/index.html?tfBackend=cpu");
            page.put("settleMs", 100);
          }
        }
      }
      Map<String, JsonNode> results = run(job);
      return report(cases, results).stream();
    } finally {
      server.stop(0);
    }
  }

  private List<DynamicTest> report(List<Case> cases, Map<String, JsonNode> results)
      throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    StringBuilder tsv = new StringBuilder("case\tresult\ttsp_model\tdrawn\toutputs\tlayers\tcolours"
        + "\tcoverage\tready_ms\tframe_ms\tms\tdetail\n");
    JsonNode lenet = results.get(LENET);
    for (Case c : cases) {
      JsonNode r = results.get(c.id());
      String outcome;
      String detail = "";
      if (c.conversionError() != null) {
        outcome = "does-not-convert";
        detail = c.conversionError();
      } else if (!c.d().drawable()) {
        outcome = "not-drawable";
        detail = String.join(" ", c.d().notes());
      } else if (r == null) {
        outcome = "no-result";
      } else {
        outcome = passed(r) ? "pass" : "FAIL";
        detail = r.path("error").isNull() ? "" : r.path("error").asText();
        if (r.path("errors").size() > 0) {
          detail += " " + r.path("errors");
        }
        if (r.path("unfilled").size() > 0) {
          detail += " unfilled " + r.path("unfilled");
        }
      }
      long drawn = c.d() == null ? 0 : c.d().outputs().stream().filter(o -> o.drawn()).count();
      tsv.append(c.id()).append('\t').append(outcome).append('\t')
          .append(c.d() == null ? "" : c.d().modelClass()).append('\t').append(drawn).append('\t')
          .append(c.d() == null ? 0 : c.d().outputs().size()).append('\t')
          .append(r == null ? "" : r.path("layers").asText()).append('\t')
          .append(r == null ? "" : r.path("colours").asText()).append('\t')
          .append(r == null ? "" : String.format("%.4f", r.path("coverage").asDouble())).append('\t')
          .append(r == null ? "" : r.path("readyMs").asText()).append('\t')
          .append(r == null ? "" : r.path("frameMs").asText()).append('\t')
          .append(r == null ? "" : r.path("ms").asText()).append('\t')
          .append(detail.replace('\t', ' ').replace('\n', ' ')).append('\n');
      if (shownInDetail(c.id())) {
        tests.add(DynamicTest.dynamicTest(c.id() + " is shown and predicts in Chromium", () -> {
          if (c.conversionError() != null) {
            fail(c.id() + " does not convert: " + c.conversionError());
          }
          assertTrue(c.d().drawable(), "drawable: " + c.d().notes());
          assertDetailed(c, r);
          assertInView(c, r, lenet);
        }));
      } else if (r != null) {
        tests.add(DynamicTest.dynamicTest(c.id() + " loads and predicts in TensorSpace",
            () -> assertDetailed(c, r)));
      }
    }
    Files.createDirectories(OUT);
    Files.writeString(OUT.resolve("tensorspace-report.tsv"), tsv);
    return tests;
  }

  /**
   * The framed view is not empty: at least as large a share of its pixels differs from the
   * background as in LeNet's, the smallest of the examples.
   */
  private static void assertInView(Case c, JsonNode r, JsonNode lenet) {
    assertTrue(lenet != null, "no browser result for " + LENET + " to compare the view with");
    double share = r.path("coverage").asDouble();
    assertTrue(share >= lenet.path("coverage").asDouble(), c.id() + ": only " + share
        + " of the view is drawn, LeNet's view has " + lenet.path("coverage").asDouble());
    if (DEEP.contains(c.id())) {
      List<Output> drawn = c.d().outputs().stream().filter(Output::drawn).toList();
      assertTrue(drawn.size() <= View.AUTO_LIMIT, c.id() + ": a deep model's default view draws"
          + " at most " + View.AUTO_LIMIT + " outputs, drew " + drawn.size());
      List<Output> unknown = c.d().outputs().stream()
          .filter(o -> String.valueOf(o.reason()).contains("unknown")).toList();
      assertEquals(List.of(), unknown, c.id() + ": outputs without a known shape");
      boolean blocks = c.d().outputs().stream()
          .anyMatch(o -> String.valueOf(o.reason()).contains("block-level"));
      assertEquals(c.d().outputs().size() > View.AUTO_LIMIT, blocks,
          c.id() + ": the block-level view is the default exactly above " + View.AUTO_LIMIT);
      assertTrue(!blocks || drawn.stream().allMatch(o -> o.shownBecause() != null),
          c.id() + ": every drawn output says why the block-level view shows it");
    }
    if (LENET.equals(c.id())) {
      assertTrue(r.path("probe").asText().contains("takes 784 values"),
          "a wrong input length must be refused naming the length: " + r.path("probe"));
    }
  }

  private static boolean passed(JsonNode r) {
    return r.path("errors").isEmpty() && r.path("error").isNull() && r.path("loaded").asBoolean()
        && r.path("filled").asBoolean() && r.path("colours").asInt() > 1;
  }

  private static void assertDetailed(Case c, JsonNode r) {
    assertTrue(r != null, "no browser result for " + c.id());
    assertEquals(List.of(), JSON.convertValue(r.path("errors"), List.class),
        c.id() + ": page or console errors");
    assertTrue(r.path("error").isNull(), c.id() + ": " + r.path("error").asText());
    assertEquals("ready", r.path("state").asText(), c.id() + " state");
    assertTrue(r.path("loaded").asBoolean(), c.id() + ": the TensorSpace model did not load");
    long drawn = c.d().outputs().stream().filter(o -> o.drawn()).count();
    assertEquals(drawn + c.d().inputs().size(), r.path("layers").asLong(),
        c.id() + ": TensorSpace layers = inputs + drawn outputs");
    assertTrue(r.path("filled").asBoolean(),
        c.id() + ": layers without a value after predict: " + r.path("unfilled"));
    assertTrue(r.path("colours").asInt() > 1, c.id() + ": the canvas is blank");
  }

  // ------------------------------------------------------------------ conversion

  private static List<Case> convertAll() throws Exception {
    List<Case> cases = new ArrayList<>();
    boolean all = Boolean.getBoolean("tensorspace.browser.all");
    for (String format : FORMATS) {
      for (CorpusCase c : ModelCorpus.cases(format)) {
        if (!c.expectsError() && (all || DETAILED.contains(c.id()))) {
          cases.add(convert(c.id(), target -> convert(c, target)));
        }
      }
    }
    Path deep = writeDeepModels();
    for (String id : DEEP) {
      String name = id.substring(id.indexOf('/') + 1);
      Path modelJson = deep.resolve(name).resolve("model.json");
      cases.add(convert(id, target -> {
        // the graph: the same layers and weights as a frozen GraphDef written by TF Java
        Path source = id.startsWith("deep-graph/")
            ? KerasGraphWriter.write(modelJson, deep.resolve(name + ".pb")).pb() : modelJson;
        new Converter().convert(new ConversionRequest(source, null, target, List.of(), List.of(),
            ConversionRequest.DEFAULT_SHARD_SIZE)
            .withTensorSpace(new TensorSpaceOptions(null, true, "/lib/", Map.of())));
      }));
    }
    for (String id : ONNX) {
      Path model = OnnxCorpus.byId(id.substring(id.indexOf('/') + 1)).model();
      cases.add(convert(id, target -> new Converter().convert(new ConversionRequest(model, null,
          target, List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE)
          .withTensorSpace(new TensorSpaceOptions(null, true, "/lib/", Map.of())))));
    }
    return cases;
  }

  /** The cases shown as a user sees them (WebGL), screenshotted and checked in detail. */
  private static boolean shownInDetail(String id) {
    return DETAILED.contains(id) || DEEP.contains(id) || ONNX.contains(id);
  }

  private interface Conversion {
    void into(Path target) throws Exception;
  }

  private static Case convert(String id, Conversion conversion) {
    String folder = id.replace('/', '_');
    Path target = OUT.resolve("models").resolve(folder);
    try {
      conversion.into(target);
      return new Case(id, folder, null, description(target, folder));
    } catch (Exception e) {
      return new Case(id, folder, String.valueOf(e.getMessage()).lines().findFirst()
          .orElse(e.toString()), null);
    }
  }

  /** InceptionV3, ResNet50 and MobileNet from the corpus topologies, weights from tfjs 4.22. */
  private static Path writeDeepModels() throws Exception {
    Path deep = OUT.resolve("deep");
    NodeScripts.run("make-deep-models.js", 120, ModelCorpus.root().toString(), deep.toString());
    return deep;
  }

  /** Reads back what matters of tensorspace.json (the test judges the written file). */
  static TensorSpaceDescription description(Path target, String name) throws IOException {
    JsonNode json = JSON.readTree(target.resolve(TensorSpaceFiles.JSON_FILE).toFile());
    List<TensorSpaceDescription.Input> inputs = new ArrayList<>();
    for (JsonNode i : json.path("inputs")) {
      JsonNode cls = i.path("tensorspace").path("class");
      inputs.add(new TensorSpaceDescription.Input(i.path("name").asText(), null,
          i.path("dtype").asText(), cls.isNull() ? null : cls.asText(), null));
    }
    List<TensorSpaceDescription.Output> outputs = new ArrayList<>();
    for (JsonNode o : json.path("outputs")) {
      JsonNode cls = o.path("tensorspace").path("class");
      outputs.add(new TensorSpaceDescription.Output(o.path("index").asInt(), o.path("name").asText(),
          o.path("class").asText(), null, cls.isNull() ? null : cls.asText(), null, List.of(),
          o.path("tensorspace").path("reason").asText(null),
          o.path("tensorspace").path("shownBecause").asText(null)));
    }
    List<String> notes = new ArrayList<>();
    json.path("notes").forEach(n -> notes.add(n.asText()));
    return new TensorSpaceDescription(name, json.path("model").asText(), null, inputs, outputs,
        List.of(), null, View.parse(json.path("view").path("setting").asText(null)), notes);
  }

  static void convert(CorpusCase c, Path target) throws Exception {
    new Converter().convert(request(c, target)
        .withTensorSpace(new TensorSpaceOptions(null, true, "/lib/", Map.of())));
  }

  /** Converting the case into {@code target}: a weights-only file goes with its topology. */
  static ConversionRequest request(CorpusCase c, Path target) {
    CorpusCase.SourceFiles files = c.sourceFiles();
    return new ConversionRequest(files.source(), files.weights(), target, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE);
  }

  // ------------------------------------------------------------------ server and browser

  /** Serves target/browser/models as /models and node_modules as /lib/<package>@<version>/. */
  private static HttpServer serve() throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Path modules = BROWSER.resolve("node_modules");
    Path models = OUT.resolve("models");
    server.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        Path file = null;
        Matcher lib = LIBRARY.matcher(path);
        if (lib.matches()) {
          file = modules.resolve(lib.group(1)).resolve(lib.group(2)).normalize();
          file = file.startsWith(modules) ? file : null;
        } else if (path.startsWith("/models/")) {
          file = models.resolve(path.substring("/models/".length())).normalize();
          file = file.startsWith(models) ? file : null;
        }
        if (file == null || !Files.isRegularFile(file)) {
          send(exchange, 404, "text/plain", ("not found: " + path).getBytes(StandardCharsets.UTF_8));
        } else {
          send(exchange, 200, type(file), Files.readAllBytes(file));
        }
      }
    });
    server.start();
    return server;
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static String type(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".json")) {
      return "application/json";
    }
    return "application/octet-stream";
  }

  static Map<String, JsonNode> run(ObjectNode job) throws Exception {
    String node = System.getProperty("tensorspace.node", "node");
    Files.createDirectories(OUT);
    Path stdout = OUT.resolve("check-pages.out.json");
    Path stderr = OUT.resolve("check-pages.err.txt");
    Process process = new ProcessBuilder(node, BROWSER.resolve("check-pages.js").toString())
        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(JSON.writeValueAsBytes(job));
    }
    if (!process.waitFor(10, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("check-pages.js did not finish in 10 minutes");
    }
    if (process.exitValue() != 0) {
      fail("check-pages.js failed: " + Files.readString(stderr));
    }
    Map<String, JsonNode> results = new LinkedHashMap<>();
    for (JsonNode r : JSON.readTree(stdout.toFile()).path("results")) {
      results.put(r.path("id").asText(), r);
    }
    return results;
  }
}
