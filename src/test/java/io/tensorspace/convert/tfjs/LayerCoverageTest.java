package io.tensorspace.convert.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.tensorspace.convert.ModelReaders;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.select.NestedModels;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The README's layer table ("## Supported layers") against the corpus and the code:
 * <ul>
 *   <li>every layer class written in any model of the corpus (read from the files themselves, see
 *       {@link CorpusLayerClasses}) has a row, and the cases a row names do contain its class;
 *   <li>every row's status is what the converter does: "as is" classes are registered by tfjs
 *       and not rewritten (and stay in the converted corpus case), "rewritten" ones have a
 *       rewrite and are gone from the converted model, "refused" ones make the converter throw a
 *       ConversionException naming the file, the layer and its class (on the corpus's
 *       expect-error case, or on a one-layer model given to the public API), "needs tfjs ≥ X"
 *       ones are what the converter warns about;
 *   <li>every corpus class runs in real TensorFlow.js 1.7.4 and 4.22.0: in a case of a format the
 *       conformance tests run whole, as an expect-error case, or else here (a case with a reference
 *       converted and compared, or, for classes seen only in topology-only goldens, a model built
 *       from their corpus config with a reference computed here).
 * </ul>
 */
class LayerCoverageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path README = Path.of("README.md");
  private static final Path OUT = Path.of("target", "layer-coverage");
  private static final String HEADING = "## Supported layers";

  /**
   * The formats whose every case the conformance tests run in tfjs 1.7.4 and 4.22.0:
   * LayersCorpusConformanceTest (Keras 2, tf.keras), KerasVersionsConformanceTest (Keras 1,
   * Keras 3) and TfjsLayersConversionTest (tfjs layers models).
   */
  static Set<String> testedFormats() {
    Set<String> formats = new LinkedHashSet<>();
    for (String test : List.of("io.tensorspace.convert.LayersCorpusConformanceTest",
        "io.tensorspace.convert.keras.KerasVersionsConformanceTest")) {
      try {
        Field field = Class.forName(test).getDeclaredField("FORMATS");
        field.setAccessible(true);
        for (Object format : (List<?>) field.get(null)) {
          formats.add((String) format);
        }
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(test + ".FORMATS is gone: " + e, e);
      }
    }
    formats.add("tfjs-layers"); // TfjsLayersConversionTest
    return formats;
  }

  // ------------------------------------------------------------------ the README table

  /** One row: the class, the config settings it is about (may be empty), its status. */
  record Row(String label, String className, ObjectNode condition, boolean keras1, String status,
             String minimumTfjs, List<String> cases) {
    boolean conditional() {
      return !condition.isEmpty();
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private static final Pattern CLASS = Pattern.compile("`([A-Za-z_][A-Za-z0-9_]*)`");
  private static final Pattern SETTING = Pattern.compile("`([a-z_]+): ([^`]+)`");
  private static final Pattern CASE = Pattern.compile("`([a-z0-9]+(?:-[a-z0-9]+)*/[^`/ ]+)`");
  private static final Pattern NEEDS = Pattern.compile("needs tfjs ≥ ([0-9]+\\.[0-9]+\\.[0-9]+)");

  private static List<Row> rows;

  static synchronized List<Row> rows() throws IOException {
    if (rows != null) {
      return rows;
    }
    List<String> lines = Files.readAllLines(README);
    int start = lines.indexOf(HEADING);
    assertTrue(start >= 0, "README.md has no '" + HEADING + "' heading");
    List<Row> parsed = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i).trim();
      if (!line.startsWith("|") || line.startsWith("|---") || line.startsWith("| Class |")) {
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
      assertEquals(4, cells.length, "README layer row without 4 cells: " + line);
      String label = cells[0].trim();
      Matcher classMatcher = CLASS.matcher(label);
      assertTrue(classMatcher.find(), "no `Class` in row: " + line);
      ObjectNode condition = JSON.createObjectNode();
      Matcher setting = SETTING.matcher(label);
      while (setting.find()) {
        condition.set(setting.group(1), JSON.readTree(setting.group(2)));
      }
      String status = cells[1].trim();
      Matcher needs = NEEDS.matcher(status);
      String minimum = needs.matches() ? needs.group(1) : null;
      assertTrue(minimum != null || List.of("as is", "rewritten", "refused").contains(status),
          "unknown status '" + status + "' in row: " + line);
      List<String> cases = new ArrayList<>();
      Matcher caseMatcher = CASE.matcher(cells[3]);
      while (caseMatcher.find()) {
        cases.add(caseMatcher.group(1));
      }
      parsed.add(new Row(label, classMatcher.group(1), condition, label.contains("(Keras 1)"),
          minimum != null ? "needs" : status, minimum, cases));
    }
    assertFalse(parsed.isEmpty(), "README.md: no layer table under '" + HEADING + "'");
    rows = parsed;
    return rows;
  }

  // ------------------------------------------------------------------ the corpus

  private static Map<String, Set<String>> casesByClass;
  private static Map<String, List<JsonNode>> layersByCase;

  static synchronized Map<String, Set<String>> casesByClass() {
    if (casesByClass == null) {
      casesByClass = CorpusLayerClasses.casesByClass(CorpusLayerClasses.scan());
    }
    return casesByClass;
  }

  static synchronized Map<String, List<JsonNode>> layersByCase() {
    if (layersByCase == null) {
      layersByCase = CorpusLayerClasses.layersByCase();
    }
    return layersByCase;
  }

  // ------------------------------------------------------------------ the code's tables

  @SuppressWarnings("unchecked")
  private static <T> T field(String name) {
    try {
      Field field = TfjsCompatibility.class.getDeclaredField(name);
      field.setAccessible(true);
      return (T) field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("TfjsCompatibility." + name + " is gone: " + e, e);
    }
  }

  private static final Set<String> CONTAINERS = Set.of("Model", "Sequential", "Functional");

  /** Whether one of the converter's rewrites takes a layer of this class with these settings. */
  private static boolean rewriteApplies(String className, ObjectNode settings) {
    ObjectNode layer = JSON.createObjectNode();
    layer.put("class_name", className);
    layer.set("config", settings.deepCopy());
    return EluRewrite.applies(layer) || Conv1DRewrite.applies(layer)
        || AttentionRewrite.applies(layer) || LocallyConnected2DRewrite.applies(layer)
        || Cropping3DRewrite.applies(layer);
  }

  // ------------------------------------------------------------------ tests: table vs corpus

  @Test
  void rowsAreUnique() throws IOException {
    Set<String> seen = new TreeSet<>();
    for (Row row : rows()) {
      assertTrue(seen.add(row.className() + row.condition() + row.keras1()),
          "two rows for " + row.label());
    }
  }

  @Test
  void everyCorpusClassHasARow() throws IOException {
    Set<String> described = new TreeSet<>();
    for (Row row : rows()) {
      if (!row.conditional()) {
        described.add(row.className());
      }
    }
    Set<String> missing = new TreeSet<>(casesByClass().keySet());
    missing.removeAll(described);
    assertTrue(missing.isEmpty(), "corpus classes without a row (without conditions) in the"
        + " README's layer table: " + missing + "; found in " + describe(missing));
  }

  @Test
  void theCasesOfARowContainItsClass() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Row row : rows()) {
      Set<String> cases = casesByClass().getOrDefault(row.className(), Set.of());
      for (String id : row.cases()) {
        if (!cases.contains(id)) {
          problems.add(row.label() + ": " + id + " has no " + row.className());
        }
      }
      if (!row.conditional() && !cases.isEmpty() && row.cases().isEmpty()) {
        problems.add(row.label() + ": in the corpus (" + cases + ") but no case named");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static String describe(Set<String> classes) {
    StringBuilder text = new StringBuilder();
    for (String className : classes) {
      text.append("\n  ").append(className).append(": ").append(casesByClass().get(className));
    }
    return text.toString();
  }

  // ------------------------------------------------------------------ tests: table vs code

  @TestFactory
  Stream<DynamicTest> everyRowAgreesWithTheConverter() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Row row : rows()) {
      tests.add(DynamicTest.dynamicTest(row.label() + " is " + row.status()
          + (row.minimumTfjs() == null ? "" : " " + row.minimumTfjs()), () -> check(row)));
    }
    return tests.stream();
  }

  private static void check(Row row) throws Exception {
    Set<String> supported = TfjsCompatibility.SUPPORTED;
    Map<String, String> renamed = field("RENAMED");
    Set<String> identity = field("INFERENCE_IDENTITY");
    Map<String, String> refused = field("REFUSED");
    String name = row.className();
    boolean rewrites = rewriteApplies(name, row.condition());
    switch (row.status()) {
      case "as is" -> {
        assertTrue(supported.contains(name), name + " is not in TfjsCompatibility.SUPPORTED");
        assertFalse(renamed.containsKey(name) || identity.contains(name) || rewrites
            || CONTAINERS.contains(name), name + " is rewritten by the converter");
        assertFalse(refused.containsKey(name), name + " is refused by the converter");
        assertFalse(TfjsVersions.SINCE.containsKey(name),
            name + " needs tfjs " + TfjsVersions.SINCE.get(name));
        CorpusCase c = firstConvertible(row);
        if (c == null) {
          // a one-layer model of the class (and settings) converts and keeps the class
          JsonNode output = convertedMinimal(row, "as-is-minimal");
          assertTrue(classes(output).contains(name), "a one-layer " + row.label()
              + " model converts without " + name + ": " + classes(output));
        } else {
          JsonNode output = converted(c);
          boolean kept = layersByCase().get(c.id()).stream()
              .anyMatch(l -> l.path("class_name").asText().equals(name)
                  && !rewriteApplies(name, (ObjectNode) l.path("config")));
          if (kept) {
            assertTrue(classes(output).contains(name), c.id() + ": the converted model has no "
                + name + " any more: " + classes(output));
          }
        }
      }
      case "needs" -> {
        assertTrue(supported.contains(name), name + " is not in TfjsCompatibility.SUPPORTED");
        assertEquals(row.minimumTfjs(), TfjsVersions.SINCE.get(name),
            "TfjsVersions.SINCE of " + name);
        CorpusCase c = firstConvertible(row);
        {
          ConversionResult result = c != null
              ? convert(c, List.of(), OUT.resolve("needs").resolve(c.id()))
              : convert(minimalModel(row), List.of(), OUT.resolve("needs").resolve(slug(row)));
          String where = c != null ? c.id() : "a one-layer model";
          assertEquals(result.minimumTfjsVersion(),
              TfjsVersions.max(result.minimumTfjsVersion(), row.minimumTfjs()),
              where + ": minimum tfjs version");
          assertTrue(result.warnings().stream().anyMatch(w -> w.contains("(" + name + ")")
              && w.contains(row.minimumTfjs())), where + ": no warning about " + name + ": "
              + result.warnings());
        }
      }
      case "rewritten" -> {
        assertTrue(row.keras1() || renamed.containsKey(name) || identity.contains(name)
            || rewrites || CONTAINERS.contains(name), name + " " + row.condition()
            + " has no rewrite in TfjsCompatibility");
        assertFalse(refused.containsKey(name), name + " is refused by the converter");
        CorpusCase c = firstConvertible(row);
        JsonNode output = c != null ? converted(c) : convertedMinimal(row, "rewritten-minimal");
        String where = c != null ? c.id() : "a one-layer model";
        for (JsonNode layer : layers(output)) {
          if (!layer.path("class_name").asText().equals(name)) {
            continue;
          }
          assertTrue(row.conditional(), where + ": the converted model still has " + name
              + " layer '" + layer.path("config").path("name").asText() + "'");
          assertFalse(rewriteApplies(name, (ObjectNode) layer.path("config")),
              where + ": the converted model still has a layer to rewrite: " + layer);
        }
      }
      case "refused" -> {
        assertFalse(supported.contains(name) && !row.conditional(),
            name + " is in TfjsCompatibility.SUPPORTED, and refused only under a condition");
        assertFalse(renamed.containsKey(name) || identity.contains(name),
            name + " is renamed or replaced by the converter");
        CorpusCase expected = expectErrorCase(name);
        if (expected != null && !row.conditional()) {
          CorpusCase.ExpectError error = expected.expectError().orElseThrow();
          assertRefused(expected.id(), () -> convert(expected, List.of(),
              OUT.resolve("refused").resolve(expected.id())), error.layer(), name,
              expected.mainFile());
        } else {
          Path model = minimalModel(row);
          assertRefused(row.label(), () -> convert(model, List.of(),
              OUT.resolve("refused-minimal").resolve(slug(row))), "probe", name,
              model.getFileName().toString());
        }
      }
      default -> fail("status " + row.status());
    }
  }

  private interface Conversion {
    ConversionResult run() throws Exception;
  }

  private static void assertRefused(String what, Conversion conversion, String layer,
      String className, String file) throws Exception {
    try {
      conversion.run();
      fail(what + " converted, but the README says " + className + " is refused");
    } catch (ConversionException e) {
      String message = e.getMessage();
      assertNotNull(message);
      assertTrue(message.contains("'" + layer + "'"), "names the layer: " + message);
      assertTrue(message.contains(className), "names the class: " + message);
      assertTrue(message.contains(file), "names the file: " + message);
    }
  }

  /** The first case a row names that the converter takes (not an expect-error case). */
  private static CorpusCase firstConvertible(Row row) {
    for (String id : row.cases()) {
      CorpusCase c = ModelCorpus.byId(id);
      if (!c.expectsError() && !c.id().endsWith("-topology-only")) {
        return c;
      }
    }
    return null;
  }

  private static CorpusCase expectErrorCase(String className) {
    for (String id : casesByClass().getOrDefault(className, Set.of())) {
      CorpusCase c = ModelCorpus.byId(id);
      if (c.expectError().map(e -> className.equals(e.className())).orElse(false)) {
        return c;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ tests: in real tfjs

  @TestFactory
  Stream<DynamicTest> everyCorpusClassRunsInRealTfjs() throws Exception {
    Set<String> tested = testedFormats();
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, TfjsJob> jobs = new LinkedHashMap<>();
    Map<String, List<String>> classesByJobCase = new LinkedHashMap<>();
    for (Map.Entry<String, Set<String>> entry : casesByClass().entrySet()) {
      String className = entry.getKey();
      String covered = null;
      for (String id : entry.getValue()) {
        CorpusCase c = ModelCorpus.byId(id);
        if (c.expectsError()
            ? className.equals(c.expectError().orElseThrow().className())
            : tested.contains(c.format())) {
          covered = id;
          break;
        }
      }
      if (covered != null) {
        continue; // proven (or its refusal checked) by the conformance test of that case's format
      }
      CorpusCase withReference = entry.getValue().stream().map(ModelCorpus::byId)
          .filter(c -> !c.expectsError() && c.hasReference()).findFirst().orElse(null);
      if (withReference != null) {
        classesByJobCase.computeIfAbsent(withReference.id(), k -> new ArrayList<>()).add(className);
        if (!jobs.containsKey(withReference.id() + "@" + TfjsJob.TFJS_1)) {
          Path target = OUT.resolve("tfjs").resolve(withReference.id());
          ConversionResult result = convert(withReference, withReference.referenceOutputNames(),
              target);
          for (TfjsJob job : TfjsJob.layersInEveryVersion(withReference.id(),
              target.resolve("model.json"), withReference.referencePath(), result.outputs())) {
            jobs.put(job.id(), job);
          }
        }
        continue;
      }
      Synthetic synthetic = SYNTHETIC.get(className);
      if (synthetic == null) {
        tests.add(DynamicTest.dynamicTest(className + " runs in tfjs", () -> fail(className
            + " appears only in " + entry.getValue() + ", which no test runs in tfjs")));
        continue;
      }
      Path model = synthetic(className, synthetic, entry.getValue());
      ConversionResult result = convert(model.resolve("model.json"), List.of(),
          OUT.resolve("synthetic").resolve(className).resolve("converted"));
      String id = "synthetic/" + className;
      classesByJobCase.computeIfAbsent(id, k -> new ArrayList<>()).add(className);
      for (TfjsJob job : TfjsJob.layersInEveryVersion(id,
          OUT.resolve("synthetic").resolve(className).resolve("converted").resolve("model.json"),
          model.resolve("reference.json"), result.outputs())) {
        jobs.put(job.id(), job);
      }
    }
    if (!jobs.isEmpty()) {
      for (TfjsResult r : TfjsClient.check(new ArrayList<>(jobs.values()))) {
        String caseId = r.id().substring(0, r.id().lastIndexOf('@'));
        tests.add(DynamicTest.dynamicTest(classesByJobCase.get(caseId) + " run in tfjs in "
            + r.id(), () -> {
              r.assertOk();
              assertFalse(r.outputs().isEmpty(), "no output was compared");
            }));
      }
    }
    return tests.stream();
  }

  /** A class's Keras semantics on float inputs, for a one-layer model. */
  private record Synthetic(int inputs, Function<ObjectNode, Function<float[][], float[]>> of) {}

  private static final Map<String, Synthetic> SYNTHETIC = Map.of(
      "Add", new Synthetic(2, config -> in -> {
        float[] out = new float[in[0].length];
        for (int i = 0; i < out.length; i++) {
          out[i] = in[0][i] + in[1][i];
        }
        return out;
      }),
      "ReLU", new Synthetic(1, config -> in -> {
        // keras.backend.relu(x, alpha=negative_slope, max_value, threshold)
        double max = config.path("max_value").isNumber()
            ? config.path("max_value").asDouble() : Double.POSITIVE_INFINITY;
        double slope = config.path("negative_slope").asDouble(0);
        double threshold = config.path("threshold").asDouble(0);
        float[] out = new float[in[0].length];
        for (int i = 0; i < out.length; i++) {
          double x = in[0][i];
          out[i] = (float) (x >= max ? max : x >= threshold ? x : slope * (x - threshold));
        }
        return out;
      }));

  /**
   * A tfjs layers model of input layers and one layer with the first config of the class found
   * in the corpus, with a reference.json of seeded inputs and the outputs Keras computes.
   */
  private static Path synthetic(String className, Synthetic synthetic, Set<String> cases)
      throws IOException {
    ObjectNode config = null;
    for (String id : cases) {
      for (JsonNode layer : layersByCase().get(id)) {
        if (config == null && layer.path("class_name").asText().equals(className)) {
          config = (ObjectNode) layer.path("config").deepCopy();
        }
      }
    }
    assertNotNull(config, className);
    String name = config.path("name").asText("probe");
    Path dir = OUT.resolve("synthetic").resolve(className);
    Files.createDirectories(dir);
    int size = 8;
    Random random = new Random(20240605L);
    float[][] inputs = new float[synthetic.inputs()][size];
    ObjectNode model = JSON.createObjectNode();
    model.put("format", "layers-model");
    model.put("generatedBy", "LayerCoverageTest");
    ObjectNode topology = model.putObject("modelTopology");
    topology.put("class_name", "Model");
    ObjectNode modelConfig = topology.putObject("config");
    modelConfig.put("name", "probe_model");
    ArrayNode layers = modelConfig.putArray("layers");
    ArrayNode inbound = JSON.createArrayNode();
    ArrayNode inputLayers = modelConfig.putArray("input_layers");
    ObjectNode reference = JSON.createObjectNode();
    reference.put("source", "LayerCoverageTest (Keras semantics)");
    reference.put("tolerance", 1e-6);
    ArrayNode referenceInputs = reference.putArray("inputs");
    for (int i = 0; i < synthetic.inputs(); i++) {
      String input = "probe_input_" + i;
      ObjectNode layer = layers.addObject();
      layer.put("name", input);
      layer.put("class_name", "InputLayer");
      ObjectNode inputConfig = layer.putObject("config");
      inputConfig.put("name", input);
      inputConfig.putArray("batch_input_shape").addNull().add(size);
      inputConfig.put("dtype", "float32");
      layer.putArray("inbound_nodes");
      inbound.addArray().add(input).add(0).add(0).addObject();
      inputLayers.addArray().add(input).add(0).add(0);
      ObjectNode data = referenceInputs.addObject();
      data.put("name", input);
      data.putArray("shape").add(1).add(size);
      data.put("dtype", "float32");
      ArrayNode values = data.putArray("data");
      for (int k = 0; k < size; k++) {
        inputs[i][k] = (float) (random.nextDouble() * 16 - 8);
        values.add(inputs[i][k]);
      }
    }
    ObjectNode layer = layers.addObject();
    layer.put("name", name);
    layer.put("class_name", className);
    layer.set("config", config);
    layer.putArray("inbound_nodes").add(inbound);
    modelConfig.putArray("output_layers").addArray().add(name).add(0).add(0);
    model.putArray("weightsManifest");
    float[] expected = synthetic.of().apply(config).apply(inputs);
    ObjectNode output = reference.putArray("outputs").addObject();
    output.put("layer", name);
    output.putArray("shape").add(1).add(size);
    output.put("dtype", "float32");
    ArrayNode values = output.putArray("data");
    for (float v : expected) {
      values.add(v);
    }
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.json").toFile(), model);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("reference.json").toFile(),
        reference);
    return dir;
  }

  // ------------------------------------------------------------------ converting

  private static final Map<String, Object> CONVERTED = new HashMap<>();

  /** The converted topology of a corpus case (default selection), or the failure. */
  private static synchronized JsonNode converted(CorpusCase c) throws Exception {
    Object done = CONVERTED.computeIfAbsent(c.id(), id -> {
      Path target = OUT.resolve("cases").resolve(id);
      try {
        convert(c, List.of(), target);
        return JSON.readTree(target.resolve("model.json").toFile());
      } catch (Exception e) {
        return e;
      }
    });
    if (done instanceof Exception e) {
      throw new AssertionError(c.id() + " does not convert: " + e, e);
    }
    return (JsonNode) done;
  }

  private static ConversionResult convert(CorpusCase c, List<String> outputs, Path target)
      throws ConversionException, IOException {
    CorpusCase.SourceFiles files = c.sourceFiles();
    return new Converter().convert(new ConversionRequest(files.source(), files.weights(), target,
        outputs, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
  }

  private static ConversionResult convert(Path source, List<String> outputs, Path target)
      throws ConversionException, IOException {
    return new Converter().convert(new ConversionRequest(
        source, null, target, outputs, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
  }

  /** Every layer of a converted model.json, nested and wrapped ones too, not the model itself. */
  private static List<JsonNode> layers(JsonNode modelJson) {
    List<JsonNode> layers = new ArrayList<>();
    JsonNode topology = modelJson.path("modelTopology");
    JsonNode model = topology.has("model_config") ? topology.get("model_config") : topology;
    model.path("config").path("layers").forEach(l -> CorpusLayerClasses.collectLayers(l, layers));
    return layers;
  }

  private static Set<String> classes(JsonNode modelJson) {
    Set<String> classes = new TreeSet<>();
    layers(modelJson).forEach(l -> classes.add(l.path("class_name").asText()));
    return classes;
  }

  // ------------------------------------------------------------------ one-layer models

  /** Settings a one-layer model needs for a class (no weights: the layer is never run). */
  private static final Map<String, String> MINIMAL_SETTINGS = Map.ofEntries(
      Map.entry("GRU", "{\"units\": 2}"),
      Map.entry("UnifiedGRU", "{\"units\": 2}"),
      Map.entry("UnifiedLSTM", "{\"units\": 2}"),
      Map.entry("BatchNormalizationV1", "{\"axis\": -1}"),
      Map.entry("Convolution1D", "{\"filters\": 2, \"kernel_size\": [1], \"padding\": \"valid\"}"),
      Map.entry("Convolution2D",
          "{\"filters\": 2, \"kernel_size\": [1, 1], \"padding\": \"valid\"}"),
      Map.entry("LocallyConnected2D", "{\"filters\": 2, \"kernel_size\": [1, 1]}"),
      Map.entry("AtrousConvolution1D", "{\"nb_filter\": 2, \"filter_length\": 1,"
          + " \"atrous_rate\": 1, \"border_mode\": \"valid\", \"init\": \"glorot_uniform\"}"),
      Map.entry("AtrousConvolution2D", "{\"nb_filter\": 2, \"nb_row\": 1, \"nb_col\": 1,"
          + " \"atrous_rate\": [1, 1], \"border_mode\": \"valid\", \"subsample\": [1, 1],"
          + " \"dim_ordering\": \"tf\", \"init\": \"glorot_uniform\"}"),
      Map.entry("Deconvolution2D", "{\"nb_filter\": 2, \"nb_row\": 1, \"nb_col\": 1,"
          + " \"border_mode\": \"valid\", \"subsample\": [1, 1], \"dim_ordering\": \"tf\","
          + " \"init\": \"glorot_uniform\"}"),
      Map.entry("SeparableConvolution2D", "{\"nb_filter\": 2, \"nb_row\": 1, \"nb_col\": 1,"
          + " \"border_mode\": \"valid\", \"subsample\": [1, 1], \"dim_ordering\": \"tf\","
          + " \"init\": \"glorot_uniform\", \"depth_multiplier\": 1}"),
      Map.entry("Convolution3D", "{\"nb_filter\": 2, \"kernel_dim1\": 1, \"kernel_dim2\": 1,"
          + " \"kernel_dim3\": 1, \"border_mode\": \"valid\", \"subsample\": [1, 1, 1],"
          + " \"dim_ordering\": \"tf\", \"init\": \"glorot_uniform\"}"),
      Map.entry("Merge", "{\"mode\": \"sum\", \"mode_type\": \"raw\"}"),
      Map.entry("Dot", "{\"axes\": -1, \"normalize\": false}"),
      Map.entry("GaussianDropout", "{\"rate\": 0.1}"),
      Map.entry("GaussianNoise", "{\"stddev\": 0.1}"),
      Map.entry("LayerNormalization", "{\"axis\": -1, \"epsilon\": 0.001}"),
      Map.entry("AveragePooling3D", "{\"pool_size\": [1, 1, 1], \"strides\": [1, 1, 1],"
          + " \"padding\": \"valid\"}"),
      Map.entry("Conv3DTranspose", "{\"filters\": 2, \"kernel_size\": [1, 1, 1]}"),
      Map.entry("Rescaling", "{\"scale\": 1.0, \"offset\": 0.0}"),
      Map.entry("Resizing", "{\"height\": 2, \"width\": 2}"),
      Map.entry("CenterCrop", "{\"height\": 2, \"width\": 2}"),
      Map.entry("CategoryEncoding", "{\"num_tokens\": 4, \"output_mode\": \"multi_hot\"}"));

  private static final Set<String> TWO_INPUTS = Set.of("Merge", "Add", "Subtract", "Multiply",
      "Average", "Maximum", "Minimum", "Concatenate", "Dot", "Attention");

  private static List<Integer> inputShape(String className) {
    if (className.equals("ConvLSTM2D")) {
      return List.of(2, 4, 4, 2);
    }
    if (Set.of("Rescaling", "Resizing", "CenterCrop").contains(className)) {
      return List.of(4, 4, 2);
    }
    if (className.contains("3D")) {
      return List.of(4, 4, 4, 2);
    }
    if (className.contains("2D")) {
      return List.of(4, 4, 2);
    }
    if (className.contains("1D") || Set.of("GRU", "LSTM", "SimpleRNN", "UnifiedGRU",
        "UnifiedLSTM", "Attention", "TimeDistributedDense").contains(className)) {
      return List.of(4, 2);
    }
    return List.of(4);
  }

  /**
   * A Keras HDF5 model (Keras 2.2.4, or 1.2.2 for Keras 1 rows) of its inputs and one layer
   * {@code probe} of the row's class and settings, without weights.
   */
  private static Path minimalModel(Row row) throws IOException {
    String className = row.className();
    boolean keras1 = row.keras1();
    ObjectNode settings = (ObjectNode) JSON.readTree(
        MINIMAL_SETTINGS.getOrDefault(className, "{}"));
    settings.put("name", "probe");
    settings.put("trainable", true);
    settings.setAll(row.condition());
    ObjectNode model = JSON.createObjectNode();
    model.put("class_name", "Model");
    ObjectNode config = model.putObject("config");
    config.put("name", "probe_model");
    ArrayNode layers = config.putArray("layers");
    ArrayNode inbound = JSON.createArrayNode();
    ArrayNode inputs = config.putArray("input_layers");
    int count = TWO_INPUTS.contains(className) ? 2 : 1;
    for (int i = 0; i < count; i++) {
      String input = "probe_input_" + i;
      ObjectNode layer = layers.addObject();
      layer.put("name", input);
      layer.put("class_name", "InputLayer");
      ObjectNode inputConfig = layer.putObject("config");
      inputConfig.put("name", input);
      ArrayNode shape = inputConfig.putArray("batch_input_shape").addNull();
      inputShape(className).forEach(shape::add);
      inputConfig.put(keras1 ? "input_dtype" : "dtype", "float32");
      inputConfig.put("sparse", false);
      layer.putArray("inbound_nodes");
      ArrayNode entry = inbound.addArray().add(input).add(0).add(0);
      if (!keras1) {
        entry.addObject();
      }
      inputs.addArray().add(input).add(0).add(0);
    }
    ObjectNode layer = layers.addObject();
    layer.put("name", "probe");
    layer.put("class_name", className);
    layer.set("config", settings);
    layer.putArray("inbound_nodes").add(inbound);
    config.putArray("output_layers").addArray().add("probe").add(0).add(0);
    Path dir = OUT.resolve("minimal").resolve(slug(row));
    Files.createDirectories(dir);
    Path file = dir.resolve("probe_" + className + ".h5");
    Files.deleteIfExists(file);
    try (WritableHdfFile hdf = HdfFile.write(file)) {
      hdf.putAttribute("model_config", JSON.writeValueAsString(model));
      hdf.putAttribute("keras_version", keras1 ? "1.2.2" : "2.2.4");
      hdf.putAttribute("backend", "tensorflow");
      hdf.putGroup("model_weights");
    }
    return file;
  }

  /**
   * The topology a row's one-layer model gets from the reader and the tfjs stage. The model has
   * no weights (the layer is never run), so it goes through those stages rather than the whole
   * conversion, which rightly refuses a weightless convolution.
   */
  private static JsonNode convertedMinimal(Row row, String folder) throws Exception {
    Path model = minimalModel(row);
    try (LayersModel read = ModelReaders.open(model, null)) {
      LayersModel compatible = new TfjsCompatibility().apply(new NestedModels().flatten(read));
      ObjectNode json = JSON.createObjectNode();
      json.putObject("modelTopology").set("model_config", compatible.modelConfig());
      Path target = OUT.resolve(folder).resolve(slug(row));
      Files.createDirectories(target);
      JSON.writeValue(target.resolve("topology.json").toFile(), json);
      return json;
    }
  }

  private static String slug(Row row) {
    StringBuilder slug = new StringBuilder(row.className());
    for (Map.Entry<String, JsonNode> setting : row.condition().properties()) {
      slug.append('-').append(setting.getKey()).append('-')
          .append(setting.getValue().asText().replaceAll("[^A-Za-z0-9.]", ""));
    }
    return slug.append(row.keras1() ? "-keras1" : "").toString();
  }
}
