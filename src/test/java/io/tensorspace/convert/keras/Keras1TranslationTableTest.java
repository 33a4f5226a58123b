package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.KerasH5Writer;
import io.tensorspace.testing.NodeScripts;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Keras 1 translation, class by class, against the Keras 2 config the same layer has
 * ({@code src/test/resources/keras1/translation-table.json}: Keras 1.2.2's get_config output and
 * Keras 2.2.4's, read from the keras-team/keras sources at those tags). Every setting that changes
 * what the layer computes must arrive with the Keras 2 value; a setting Keras 2 does not have must
 * not be left over. Initializers, regularizers and constraints act only in training: they may be
 * written in another form or be absent.
 */
class Keras1TranslationTableTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TABLE = Path.of("src", "test", "resources", "keras1",
      "translation-table.json");
  private static final Pattern TRAINING_ONLY =
      Pattern.compile(".*_(initializer|regularizer|constraint)|noise_shape|seed");
  /** Keras 2 settings whose absence means this value (tfjs and Keras 2 defaults alike). */
  private static final Map<String, String> DEFAULTS = Map.of(
      "data_format", "\"channels_last\"", "return_state", "false", "output_padding", "null",
      "shared_axes", "null");

  @TestFactory
  List<DynamicTest> everyKeras1ClassTranslatesToItsKeras2Config() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    JsonNode table = JSON.readTree(TABLE.toFile());
    for (JsonNode row : table.path("rows")) {
      JsonNode keras1 = row.path("keras1");
      String label = keras1.path("class_name").asText() + " '"
          + keras1.path("config").path("name").asText() + "'";
      tests.add(dynamicTest(label, () -> {
        ObjectNode translated = Keras1Config.translateLayer(Path.of("keras1.h5"),
            keras1.deepCopy(), true);
        assertSameLayer(label, row.path("keras2"), translated);
      }));
    }
    for (JsonNode merge : table.path("merges")) {
      String mode = merge.path("mode").asText();
      tests.add(dynamicTest("Merge mode " + mode, () -> {
        ObjectNode config = JSON.createObjectNode().put("name", "m").put("mode", mode)
            .put("mode_type", "raw");
        config.set("concat_axis", merge.has("concat_axis") ? merge.get("concat_axis")
            : JSON.getNodeFactory().numberNode(-1));
        config.set("dot_axes", merge.has("dot_axes") ? merge.get("dot_axes")
            : JSON.getNodeFactory().numberNode(-1));
        config.putNull("output_shape").put("output_shape_type", "raw").putNull("output_mask")
            .put("output_mask_type", "raw").putObject("arguments");
        ObjectNode keras1 = JSON.createObjectNode().put("class_name", "Merge");
        keras1.set("config", config);
        ObjectNode translated = Keras1Config.translateLayer(Path.of("keras1.h5"), keras1, true);
        assertSameLayer("Merge " + mode, merge.path("keras2"), translated);
      }));
    }
    assertTrue(tests.size() >= 60, "the table has " + tests.size() + " rows");
    return tests;
  }

  /**
   * A Keras 1 config without the setting that sizes a layer's weights is refused as incomplete,
   * naming the layer, and not as a damaged file.
   */
  @TestFactory
  List<DynamicTest> aKeras1ConfigWithoutItsSizeIsIncompleteNotDamaged() throws Exception {
    Map<String, String> sizing = Map.of("Dense", "output_dim", "Embedding", "input_dim",
        "LSTM", "output_dim", "GRU", "output_dim", "SimpleRNN", "output_dim",
        "Convolution1D", "nb_filter", "Convolution2D", "nb_filter", "Convolution3D", "nb_filter");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode row : JSON.readTree(TABLE.toFile()).path("rows")) {
      String cls = row.path("keras1").path("class_name").asText();
      if (!sizing.containsKey(cls)) {
        continue;
      }
      ObjectNode keras1 = row.path("keras1").deepCopy();
      ((ObjectNode) keras1.get("config")).remove(sizing.get(cls));
      String name = keras1.path("config").path("name").asText();
      tests.add(dynamicTest(cls + " '" + name + "' without " + sizing.get(cls), () -> {
        ConversionException e = assertThrows(ConversionException.class,
            () -> Keras1Config.translateLayer(Path.of("keras1.h5"), keras1, true));
        assertTrue(e.getMessage().contains("'" + name + "'")
            && e.getMessage().contains(sizing.get(cls)) && e.getMessage().contains("incomplete")
            && !e.getMessage().contains("damaged"), e.getMessage());
      }));
    }
    assertEquals(sizing.size() + 3, tests.size(), "rows with a sizing setting");
    return tests;
  }

  private static final Set<String> WITH_WEIGHTS = Set.of("Dense", "Embedding", "Convolution1D",
      "AtrousConvolution1D", "Convolution2D", "AtrousConvolution2D", "Deconvolution2D",
      "SeparableConvolution2D", "Convolution3D", "LocallyConnected1D", "LocallyConnected2D",
      "BatchNormalization", "SimpleRNN", "GRU", "LSTM", "PReLU", "TimeDistributedDense",
      "TimeDistributed", "Bidirectional");

  /** Keras 1 classes whose weights are the Keras 2 weights, same arrays, order and layout. */
  private static final Map<String, List<String>> SAME_WEIGHTS = Map.of(
      "Dense", List.of("W", "b"), "Embedding", List.of("W"), "Convolution2D", List.of("W", "b"),
      "AtrousConvolution2D", List.of("W", "b"), "Convolution3D", List.of("W", "b"),
      "BatchNormalization", List.of("gamma", "beta", "running_mean", "running_std"),
      "PReLU", List.of("alphas"));

  /**
   * Each translated layer that can be the one layer of a model (the rows with an input shape) is
   * converted from a Keras 1 HDF5 file and runs in tfjs 1.7.4 and 4.22.0 as tfjs 4.22 runs the
   * Keras 2 config of the table with the same weights ({@code make-layer-models.js} builds it and
   * seeds the weights). Layers whose Keras 1 weights differ in layout from Keras 2 (convolutions
   * 1D, recurrent, wrappers) are left to Keras1Test.
   */
  @Test
  void translatedLayersRunInTfjsAsTheirKeras2Config() throws Exception {
    Path out = Path.of("target", "keras1-table").toAbsolutePath();
    ArrayNode members = JSON.createArrayNode();
    Map<String, JsonNode> rows = new LinkedHashMap<>();
    for (JsonNode row : JSON.readTree(TABLE.toFile()).path("rows")) {
      String cls = row.path("keras1").path("class_name").asText();
      if (!row.has("input") || !(!WITH_WEIGHTS.contains(cls) || SAME_WEIGHTS.containsKey(cls))) {
        continue;
      }
      String id = row.path("keras1").path("config").path("name").asText();
      ObjectNode member = members.addObject().put("id", id);
      member.set("topology", oneLayerModel(row.path("input"), "dtype",
          expand(row.path("keras2")), id, true));
      ObjectNode input = member.putArray("inputs").addObject().put("name", "in");
      input.set("shape", row.get("input"));
      if (cls.equals("Embedding")) {
        // an Embedding reads indices (as floats, the dtype of its Keras 2 input)
        input.put("max", row.path("keras2").path("config").path("input_dim").asInt());
      }
      member.putArray("outputs").add(id);
      rows.put(id, row);
    }
    Files.createDirectories(out);
    Path membersFile = out.resolve("members.json");
    JSON.writeValue(membersFile.toFile(), members);
    NodeScripts.run("make-layer-models.js", 300, membersFile.toString(), out.toString());
    JsonNode failures = JSON.readTree(out.resolve("failures.json").toFile());

    List<TfjsJob> checks = new ArrayList<>();
    List<String> unbuildable = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entry : rows.entrySet()) {
      String id = entry.getKey();
      Path h5 = keras1File(out.resolve(id), entry.getValue());
      Path target = out.resolve(id).resolve("converted");
      ConversionRequest request = new ConversionRequest(h5, null, target, List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE);
      if (failures.has(id)) {
        // tfjs cannot build the Keras 2 layer: the converter must refuse it by name (or rewrite it)
        unbuildable.add(row(entry.getValue()) + " (" + refusalOrRewrite(request, id) + ")");
        continue;
      }
      ConversionResult result = new Converter().convert(request);
      assertEquals(List.of(id), result.outputs());
      checks.addAll(TfjsJob.layersInEveryVersion(id, target.resolve("model.json"),
          out.resolve(id).resolve("reference.json"), List.of(id)));
    }
    Map<String, Double> worst = new TreeMap<>();
    for (TfjsResult result : TfjsClient.check(checks)) {
      result.assertOk();
      worst.merge(result.tfjsVersion(), result.maxAbsDiff(), Math::max);
    }
    assertTrue(checks.size() >= 70, "too few layers run: " + checks.size());
    System.out.println("Keras 1 table: " + (rows.size() - unbuildable.size())
        + " translated layers run, " + checks.size() + " tfjs checks, worst |diff| per tfjs "
        + worst + "; no tfjs class for " + unbuildable);
  }

  private static String row(JsonNode row) {
    return row.path("keras1").path("class_name").asText();
  }

  /** How the converter treats a layer tfjs has no class for: refused by name, or rewritten. */
  private static String refusalOrRewrite(ConversionRequest request, String layer) {
    try {
      new Converter().convert(request);
      return "rewritten";
    } catch (ConversionException e) {
      assertTrue(e.getMessage().contains("'" + layer + "'"), e.getMessage());
      return "refused";
    } catch (Exception e) {
      throw new AssertionError(layer + ": " + e, e);
    }
  }

  /**
   * A functional model of a float32 input {@code in} and one layer, in Keras 2 form (node entries
   * with kwargs) or Keras 1 form ({@code input_dtype}, entries of three).
   */
  private static ObjectNode oneLayerModel(JsonNode inputShape, String dtypeKey, JsonNode layer,
      String name, boolean keras2) {
    ObjectNode model = JSON.createObjectNode().put("class_name", "Model");
    ObjectNode config = model.putObject("config").put("name", "probe");
    ArrayNode layers = config.putArray("layers");
    ObjectNode input = layers.addObject().put("name", "in").put("class_name", "InputLayer");
    ArrayNode shape = input.putObject("config").putArray("batch_input_shape").addNull();
    inputShape.forEach(d -> shape.add(d.asInt()));
    ((ObjectNode) input.get("config")).put(dtypeKey, "float32").put("sparse", false)
        .put("name", "in");
    input.putArray("inbound_nodes");
    ObjectNode copy = layers.addObject().put("name", name)
        .put("class_name", layer.path("class_name").asText());
    copy.set("config", layer.path("config"));
    ArrayNode entry = copy.putArray("inbound_nodes").addArray().addArray().add("in").add(0).add(0);
    if (keras2) {
      entry.addObject();
    }
    config.putArray("input_layers").addArray().add("in").add(0).add(0);
    config.putArray("output_layers").addArray().add(name).add(0).add(0);
    return model;
  }

  /**
   * A Keras 1.2.2 HDF5 file of an input and the row's Keras 1 layer with the weights tfjs gave its
   * Keras 2 twin ({@code <dir>/model.json}), named {@code <layer>_<W|b|...>:0} as Keras 1 with
   * TensorFlow names them. Layers without weights are not listed (jHDF writes no empty attribute;
   * Keras 1 lists them with empty weight_names).
   */
  private static Path keras1File(Path dir, JsonNode row) throws Exception {
    JsonNode keras1 = row.path("keras1");
    String name = keras1.path("config").path("name").asText();
    ObjectNode model = oneLayerModel(row.path("input"), "input_dtype", keras1, name, false);
    Files.createDirectories(dir);
    Path file = dir.resolve("keras1.h5");
    Files.deleteIfExists(file);
    List<String> suffixes = SAME_WEIGHTS.getOrDefault(keras1.path("class_name").asText(), List.of());
    Path tfjs = dir.resolve("model.json");
    JsonNode specs = Files.exists(tfjs)
        ? JSON.readTree(tfjs.toFile()).path("weightsManifest").path(0).path("weights")
        : JSON.createArrayNode();
    try (WritableHdfFile h5 = HdfFile.write(file);
        DataInputStream in = new DataInputStream(specs.isEmpty()
            ? InputStream.nullInputStream() : Files.newInputStream(dir.resolve("weights.bin")))) {
      h5.putAttribute("keras_version", "1.2.2");
      h5.putAttribute("model_config", JSON.writeValueAsString(model));
      WritableGroup weights = h5.putGroup("model_weights");
      if (!specs.isEmpty()) {
        WritableGroup group = weights.putGroup(name);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
          String stored = name + "_" + suffixes.get(i) + ":0";
          names.add(stored);
          group.putDataset(stored, KerasH5Writer.floats(in, specs.get(i).path("shape")));
        }
        group.putAttribute("weight_names", names.toArray(new String[0]));
        weights.putAttribute("layer_names", new String[] {name});
      }
    }
    return file;
  }

  /** Keras 2.2.4's serialized initializers for the table's {@code $name} values. */
  private static final Map<String, String> INITIALIZERS = Map.of(
      "$glorot_uniform", "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 1.0,"
          + " \"mode\": \"fan_avg\", \"distribution\": \"uniform\", \"seed\": null}}",
      "$he_normal", "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2.0,"
          + " \"mode\": \"fan_in\", \"distribution\": \"normal\", \"seed\": null}}",
      "$he_uniform", "{\"class_name\": \"VarianceScaling\", \"config\": {\"scale\": 2.0,"
          + " \"mode\": \"fan_in\", \"distribution\": \"uniform\", \"seed\": null}}",
      "$uniform", "{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": -0.05,"
          + " \"maxval\": 0.05, \"seed\": null}}",
      "$orthogonal", "{\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0,"
          + " \"seed\": null}}",
      "$zeros", "{\"class_name\": \"Zeros\", \"config\": {}}",
      "$ones", "{\"class_name\": \"Ones\", \"config\": {}}");

  private static JsonNode expand(JsonNode node) throws Exception {
    if (node.isTextual() && node.asText().startsWith("$")) {
      return JSON.readTree(INITIALIZERS.get(node.asText()));
    }
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        copy.set(e.getKey(), expand(e.getValue()));
      }
      return copy;
    }
    return node;
  }

  private static void assertSameLayer(String label, JsonNode expected, JsonNode actual) {
    assertEquals(expected.path("class_name").asText(), actual.path("class_name").asText(),
        label + ": class");
    JsonNode want = expected.path("config");
    JsonNode got = actual.path("config");
    List<String> problems = new ArrayList<>();
    for (Iterator<String> keys = got.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!want.has(key)) {
        problems.add("'" + key + "' is not a Keras 2 setting of the class (" + got.get(key) + ")");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (TRAINING_ONLY.matcher(key).matches()) {
        continue;
      }
      if (key.equals("layer")) {
        assertSameLayer(label + " > layer", value, got.path("layer"));
        continue;
      }
      if (!got.has(key)) {
        if (!String.valueOf(value).equals(DEFAULTS.get(key)) && !allOnes(key, value)) {
          problems.add("'" + key + "' is missing (Keras 2: " + value + ")");
        }
      } else if (!same(value, got.get(key)) && !ranAlike(key, value, got.get(key))) {
        problems.add("'" + key + "' is " + got.get(key) + ", Keras 2 has " + value);
      }
    }
    assertTrue(problems.isEmpty(), label + ": " + String.join("; ", problems)
        + "\n  translated: " + actual);
  }

  /**
   * Keras 2.2.4 keeps {@code implementation 0} (consume_less 'cpu') in the config but runs it as
   * 1, as tfjs does (with a warning); the translation writes 1.
   */
  private static boolean ranAlike(String key, JsonNode keras2, JsonNode translated) {
    return key.equals("implementation") && keras2.asInt() == 0 && translated.asInt() == 1;
  }

  private static boolean allOnes(String key, JsonNode value) {
    if (!key.equals("dilation_rate") || !value.isArray()) {
      return false;
    }
    for (JsonNode v : value) {
      if (v.asInt() != 1) {
        return false;
      }
    }
    return true;
  }

  /** Equal JSON, numbers compared by value (Keras writes 2 and 2.0 alike). */
  private static boolean same(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.asDouble() == b.asDouble();
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        if (!same(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject() && a.size() == b.size()) {
      for (Iterator<String> keys = a.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!b.has(key) || !same(a.get(key), b.get(key))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

}
