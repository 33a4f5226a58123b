package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
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
