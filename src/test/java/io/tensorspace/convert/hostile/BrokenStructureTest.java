package io.tensorspace.convert.hostile;

import static io.tensorspace.convert.hostile.Hostile.Kind.LAYERS;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Well-formed files that say the wrong thing: a model config that is invalid JSON or of the wrong
 * shape, cyclic or dangling {@code inbound_nodes}, duplicate layer names, weights that disagree
 * with the config, missing attributes and datasets, empty files, folders where files belong, an
 * HDF5 file that is no model, a zip that is no {@code .keras} archive. The same config edits are
 * made in a Keras HDF5 file, a tfjs model.json and a Keras 3 archive; all must be refused.
 */
class BrokenStructureTest {
  @TempDir Path temp;

  /** Where a model config lives and how to rewrite it there. */
  private enum Carrier {
    KERAS_H5(Hostile.KERAS2, "lstm_functional_tf_keras_2.h5"),
    KERAS_H5_SEQUENTIAL(Hostile.KERAS1, "simple_rnn_tensorflow_1.h5"),
    TFJS_JSON(Hostile.TFJS, "model.json"),
    KERAS3_ZIP(Hostile.KERAS3, "model.keras");

    final String caseId;
    final String file;

    Carrier(String caseId, String file) {
      this.caseId = caseId;
      this.file = file;
    }

    void editRaw(Path model, java.util.function.UnaryOperator<String> edit) throws IOException {
      switch (this) {
        case KERAS_H5, KERAS_H5_SEQUENTIAL -> Edits.h5Config(model, edit);
        case TFJS_JSON -> {
          ObjectNode root = Edits.readJson(model);
          String topology = edit.apply(Edits.JSON.writeValueAsString(root.get("modelTopology")));
          String rest = Edits.JSON.writeValueAsString(root.without("modelTopology"));
          Files.writeString(model, "{\"modelTopology\":" + topology + "," + rest.substring(1));
        }
        case KERAS3_ZIP -> {
          String config = new String(Edits.zipEntry(model, "config.json"), StandardCharsets.UTF_8);
          Edits.rewriteZip(model, Map.of("config.json",
              edit.apply(config).getBytes(StandardCharsets.UTF_8)));
        }
      }
    }

    void edit(Path model, Consumer<ObjectNode> edit) throws IOException {
      editRaw(model, json -> {
        try {
          ObjectNode tree = (ObjectNode) Edits.JSON.readTree(json);
          edit.accept(tree);
          return Edits.JSON.writeValueAsString(tree);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
  }

  /** The second layer, or the only one. */
  private static int second(ObjectNode model) {
    return Math.min(1, Edits.layers(model).size() - 1);
  }

  private static boolean functional(ObjectNode model) {
    return model.path("config").isObject() && model.path("config").has("input_layers");
  }

  private static String name(JsonNode layer) {
    return layer.has("name") ? layer.get("name").asText() : layer.path("config").path("name").asText();
  }

  private static void rename(ObjectNode layer, String name) {
    if (layer.has("name")) {
      layer.put("name", name);
    }
    ((ObjectNode) layer.path("config")).put("name", name);
  }

  /** The config edits, by name; each must make the model unconvertible. */
  private static Map<String, Consumer<ObjectNode>> configEdits() {
    Map<String, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
    edits.put("model class_name is a number", m -> m.put("class_name", 5));
    edits.put("model config is null", m -> m.putNull("config"));
    edits.put("model config is a string", m -> m.put("config", "layers"));
    edits.put("layers is an object", m -> {
      if (m.path("config").isArray()) {
        m.putObject("config").putObject("layers");
      } else {
        ((ObjectNode) m.get("config")).putObject("layers");
      }
    });
    edits.put("layers is empty", m -> Edits.layers(m).removeAll());
    edits.put("a layer is a number", m -> Edits.layers(m).set(second(m), m.numberNode(42)));
    edits.put("a layer has no class_name", m -> ((ObjectNode) Edits.layers(m).get(second(m))).remove("class_name"));
    edits.put("a layer's class is unknown",
        m -> ((ObjectNode) Edits.layers(m).get(second(m))).put("class_name", "NoSuchLayerAnywhere"));
    edits.put("a layer's config is a string",
        m -> ((ObjectNode) Edits.layers(m).get(second(m))).put("config", "units=4"));
    edits.put("a layer's name is an object", m -> {
      ObjectNode layer = (ObjectNode) Edits.layers(m).get(second(m));
      if (layer.has("name")) {
        layer.putObject("name");
      }
      ((ObjectNode) layer.get("config")).putObject("name");
    });
    edits.put("duplicate layer names", m -> {
      // a short second layer under the last layer's name (the HDF5 config must not grow)
      ArrayNode layers = Edits.layers(m);
      JsonNode last = layers.get(layers.size() - 1);
      ObjectNode copy = layers.addObject();
      copy.put("class_name", "Dropout");
      copy.putObject("config").put("name", name(last)).put("rate", 0.5);
      if (last.has("name")) {
        copy.put("name", name(last));
        copy.set("inbound_nodes", last.get("inbound_nodes"));
      }
      // and drop verbose settings so the config stays as short as the stored one
      for (JsonNode layer : layers) {
        if (layer.path("config").isObject()) {
          ObjectNode config = (ObjectNode) layer.get("config");
          config.remove(List.of("kernel_initializer", "recurrent_initializer", "bias_initializer",
              "embeddings_initializer", "init", "inner_init"));
          List<String> nulls = new ArrayList<>();
          config.fields().forEachRemaining(f -> {
            if (f.getValue().isNull()) {
              nulls.add(f.getKey());
            }
          });
          config.remove(nulls);
        }
      }
    });
    edits.put("units disagree with the stored weights", m -> {
      for (JsonNode layer : Edits.layers(m)) {
        JsonNode config = layer.path("config");
        for (String key : List.of("units", "filters", "output_dim")) {
          if (config.path(key).isInt()) {
            ((ObjectNode) config).put(key, config.get(key).asInt() + 3);
            return;
          }
        }
      }
      throw new AssertionError("no layer with units/filters in " + m);
    });
    return edits;
  }

  /** Edits of functional configs only: the layer graph itself. */
  private static Map<String, Consumer<ObjectNode>> graphEdits() {
    Map<String, Consumer<ObjectNode>> edits = new LinkedHashMap<>();
    edits.put("inbound_nodes name a missing layer", m -> {
      ArrayNode layers = Edits.layers(m);
      ObjectNode last = (ObjectNode) layers.get(layers.size() - 1);
      last.set("inbound_nodes", array(m, "[[[\"no_such_layer\", 0, 0, {}]]]"));
    });
    edits.put("inbound_nodes form a cycle", m -> {
      ArrayNode layers = Edits.layers(m);
      String a = name(layers.get(1));
      String b = name(layers.get(2));
      ((ObjectNode) layers.get(1)).set("inbound_nodes", array(m, "[[[\"" + b + "\", 0, 0, {}]]]"));
      ((ObjectNode) layers.get(2)).set("inbound_nodes", array(m, "[[[\"" + a + "\", 0, 0, {}]]]"));
    });
    edits.put("a call of a layer reads a later call of that layer (a cycle through calls)", m -> {
      ArrayNode layers = Edits.layers(m);
      String in = name(layers.get(0));
      String a = name(layers.get(1));
      String b = name(layers.get(2));
      ((ObjectNode) layers.get(1)).set("inbound_nodes", array(m, "[[[\"" + in + "\", 0, 0, {}]],"
          + " [[\"" + b + "\", 0, 0, {}]]]"));
      ((ObjectNode) layers.get(2)).set("inbound_nodes", array(m, "[[[\"" + a + "\", 1, 0, {}]]]"));
    });
    edits.put("inbound node index past the calls of its layer", m -> {
      ArrayNode layers = Edits.layers(m);
      String a = name(layers.get(1));
      ((ObjectNode) layers.get(2)).set("inbound_nodes", array(m, "[[[\"" + a + "\", 3, 0, {}]]]"));
    });
    edits.put("a layer is its own input", m -> {
      ArrayNode layers = Edits.layers(m);
      String a = name(layers.get(1));
      ((ObjectNode) layers.get(1)).set("inbound_nodes", array(m, "[[[\"" + a + "\", 0, 0, {}]]]"));
    });
    edits.put("inbound_nodes is a string", m ->
        ((ObjectNode) Edits.layers(m).get(second(m))).put("inbound_nodes", "input_1"));
    edits.put("inbound node index negative", m -> {
      ArrayNode layers = Edits.layers(m);
      String a = name(layers.get(0));
      ((ObjectNode) layers.get(1)).set("inbound_nodes", array(m, "[[[\"" + a + "\", -1, 0, {}]]]"));
    });
    edits.put("output_layers name a missing layer", m ->
        ((ObjectNode) m.get("config")).set("output_layers", array(m, "[[\"nowhere\", 0, 0]]")));
    edits.put("input_layers is a number", m -> ((ObjectNode) m.get("config")).put("input_layers", 3));
    return edits;
  }

  private static ArrayNode array(ObjectNode owner, String json) {
    try {
      return (ArrayNode) Edits.JSON.readTree(json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path model(Carrier carrier, String tag) {
    return Hostile.copy(carrier.caseId, temp.resolve(carrier + "-" + tag)).resolve(carrier.file);
  }

  @TestFactory
  List<DynamicTest> configEditsAreRefused() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (Carrier carrier : Carrier.values()) {
      for (var edit : configEdits().entrySet()) {
        String tag = "c" + n++;
        tests.add(dynamicTest(carrier + ": " + edit.getKey(), () -> {
          Path model = model(carrier, tag);
          carrier.edit(model, edit.getValue());
          Hostile.assertRefused(LAYERS, model, temp.resolve(tag + "-out"));
        }));
      }
      for (var edit : graphEdits().entrySet()) {
        if (carrier != Carrier.KERAS_H5) {
          continue;
        }
        String tag = "g" + n++;
        tests.add(dynamicTest(carrier + ": " + edit.getKey(), () -> {
          Path model = model(carrier, tag);
          carrier.edit(model, edit.getValue());
          Hostile.assertRefused(LAYERS, model, temp.resolve(tag + "-out"));
        }));
      }
      Map<String, java.util.function.UnaryOperator<String>> raw = new LinkedHashMap<>();
      raw.put("config is invalid JSON", json -> json.substring(0, json.length() / 2));
      raw.put("config is a JSON array", json -> "[" + json.substring(0, json.length() - 2) + "]");
      raw.put("config is a JSON string", json -> "\"model\"");
      raw.put("config nests deeper than any model", json ->
          "[".repeat(json.length() / 2 - 1) + "]".repeat(json.length() / 2 - 1));
      for (var edit : raw.entrySet()) {
        String tag = "r" + n++;
        tests.add(dynamicTest(carrier + ": " + edit.getKey(), () -> {
          Path model = model(carrier, tag);
          carrier.editRaw(model, edit.getValue());
          Hostile.assertRefused(LAYERS, model, temp.resolve(tag + "-out"));
        }));
      }
    }
    return tests;
  }

  @Test
  void modelConfigAttributeMissing() {
    Path model = model(Carrier.KERAS_H5, "a1");
    Edits.replaceBytes(model, "model_config", "model_confiX", '\uffff');
    Hostile.assertRefused(LAYERS, model, temp.resolve("a1-out"));
  }

  @Test
  void weightNamesAttributeMissing() {
    // the layers then list no weights: the LSTM and Dense would load random weights in tfjs
    Path model = model(Carrier.KERAS_H5, "a2");
    Edits.replaceBytes(model, "weight_names", "weight_nameX", '\uffff');
    Hostile.assertRefused(LAYERS, model, temp.resolve("a2-out"));
  }

  @Test
  void weightDatasetMissing() {
    Path model = model(Carrier.KERAS_H5, "d1");
    // the dataset's link name, not the weight_names entries that refer to it ("lstm/kernel:0")
    int renamed = Edits.replaceBytes(model, "kernel:0", "kernXl:0", '/');
    org.junit.jupiter.api.Assertions.assertTrue(renamed > 0);
    Hostile.assertRefused(LAYERS, model, temp.resolve("d1-out"));
  }

  @Test
  void weightShapeDisagreesWithTheConfig() {
    // the LSTM kernel [in, 4 * units] stored transposed: the same bytes, a shape its config denies
    Path model = model(Carrier.KERAS_H5, "d2");
    String kernel = "/model_weights/lstm/lstm/kernel:0";
    long[] dims;
    try (io.jhdf.HdfFile hdf = new io.jhdf.HdfFile(model)) {
      dims = ((io.jhdf.api.Dataset) hdf.getByPath(kernel)).getDimensionsAsLong();
    }
    org.junit.jupiter.api.Assertions.assertTrue(Edits.h5Dims(model, kernel, dims[1], dims[0]) > 0);
    Hostile.assertRefused(LAYERS, model, temp.resolve("d2-out"));
  }

  @Test
  void tfjsWeightShapeDisagreesWithTheConfig() {
    Path model = model(Carrier.TFJS_JSON, "d3");
    ObjectNode root = Edits.readJson(model);
    // same byte count, other shape: only a check against the layer's config notices
    ArrayNode shape = (ArrayNode) root.at("/weightsManifest/0/weights/1/shape");
    shape.removeAll();
    shape.add(12).add(20);
    Edits.writeJson(model, root);
    Hostile.assertRefused(LAYERS, model, temp.resolve("d3-out"));
  }

  @Test
  void emptyFiles() throws IOException {
    for (String name : List.of("model.h5", "model.json", "model.keras", "frozen_model.pb")) {
      Path file = Files.write(temp.resolve("empty-" + name), new byte[0]);
      Hostile.assertRefused(LAYERS, file, temp.resolve("e-out"));
      Hostile.assertRefused(Hostile.Kind.GRAPH, file, temp.resolve("e-out"));
    }
    Path topology = Files.writeString(temp.resolve("topology.json"), "{\"class_name\": \"Model\"}");
    Path weights = Files.write(temp.resolve("empty-weights.h5"), new byte[0]);
    Hostile.assertRefused(LAYERS, topology, weights, temp.resolve("e-out"), weights);
  }

  @Test
  void foldersWhereFilesBelong() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("model.h5"));
    Hostile.assertRefused(LAYERS, folder, temp.resolve("f-out"));
    Hostile.assertRefused(Hostile.Kind.GRAPH, folder, temp.resolve("f-out"));
    Path separated = Hostile.copy(Hostile.SEPARATED, temp.resolve("sep"));
    Path topology = separated.resolve("ELU_0_model.h5");
    Path weightsFolder = Files.createDirectories(temp.resolve("weights.h5"));
    Hostile.assertRefused(LAYERS, topology, weightsFolder, temp.resolve("f-out"), weightsFolder);
    // a tfjs manifest whose weight file is a folder
    Path json = model(Carrier.TFJS_JSON, "fd");
    Files.delete(json.resolveSibling("weights.bin"));
    Files.createDirectories(json.resolveSibling("weights.bin"));
    Hostile.assertRefused(LAYERS, json, temp.resolve("f-out"));
  }

  @Test
  void hdf5FileThatIsNoModel() {
    Path data = Hostile.corpus(Hostile.SEPARATED).dir().resolve("inputs_and_outputs.h5");
    Hostile.assertRefused(LAYERS, data, temp.resolve("n-out"));
    // and as the weights of a real topology
    Path separated = Hostile.copy(Hostile.SEPARATED, temp.resolve("sep2"));
    Path json = temp.resolve("topology.json");
    Path model = separated.resolve("ELU_0_model.h5");
    try (io.jhdf.HdfFile hdf = new io.jhdf.HdfFile(model)) {
      Files.writeString(json, hdf.getAttribute("model_config").getData().toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Hostile.assertRefused(LAYERS, json, data, temp.resolve("n-out"), data);
  }

  @Test
  void zipThatIsNoKerasArchive() throws IOException {
    Path zip = temp.resolve("model.keras");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
      out.write("hello".getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Hostile.assertRefused(LAYERS, zip, temp.resolve("z-out"));
    Path keras = model(Carrier.KERAS3_ZIP, "z2");
    Edits.rewriteZip(keras, Map.of("model.weights.h5", "not hdf5".getBytes(StandardCharsets.UTF_8)));
    Hostile.assertRefused(LAYERS, keras, temp.resolve("z-out"));
    Path noWeights = model(Carrier.KERAS3_ZIP, "z3");
    Map<String, byte[]> drop = new java.util.HashMap<>();
    drop.put("model.weights.h5", null);
    Edits.rewriteZip(noWeights, drop);
    Hostile.assertRefused(LAYERS, noWeights, temp.resolve("z-out"));
  }
}
