package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Keras 3 normalisation (tfjs-format.md §1.4) on configs as Keras 3 writes them — in a
 * {@code .keras} {@code config.json} and in the {@code model_config} of a Keras 3 legacy
 * {@code .h5}. Real files written by Keras 3.15.1 are converted end to end in
 * {@link KerasVersionsConformanceTest}.
 */
class Keras3ConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FILE = Path.of("model.h5");

  /** A Keras 3 legacy .h5 model_config: {args, kwargs} nodes, flat input_layers, policies. */
  private static final String LEGACY_H5_CONFIG = """
      {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
       "config": {"name": "functional", "trainable": true,
        "layers": [
         {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "in",
          "config": {"batch_shape": [null, 4], "dtype": "float32", "sparse": false, "name": "in"},
          "inbound_nodes": []},
         {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "a",
          "build_config": {"input_shape": [null, 4]},
          "config": {"name": "a", "units": 3,
            "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}, "registered_name": null},
            "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null, "shared_object_id": 123}},
          "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["in", 0, 0]}}], "kwargs": {"training": false}}]},
         {"module": "keras.layers", "class_name": "Masking", "registered_name": null, "name": "m",
          "config": {"name": "m", "mask_value": {"class_name": "__tensor__", "config": {"value": [0.0], "dtype": "float32"}}},
          "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}}], "kwargs": {}}]},
         {"module": "keras.layers", "class_name": "Add", "registered_name": null, "name": "sum",
          "config": {"name": "sum"},
          "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 0]}},
                                       {"class_name": "__keras_tensor__", "config": {"keras_history": ["m", 0, 0]}}]], "kwargs": {}}]},
         {"module": "keras.layers", "class_name": "Bidirectional", "name": "bi",
          "config": {"name": "bi", "merge_mode": "concat",
            "layer": {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "forward_lstm", "units": 2}},
            "backward_layer": {"module": "keras.layers", "class_name": "LSTM", "config": {"name": "backward_lstm", "units": 2, "go_backwards": true}}},
          "inbound_nodes": []}
        ],
        "input_layers": ["in", 0, 0],
        "output_layers": ["sum", 0, 0]},
       "compile_config": {"loss": "mse"}}
      """;

  @Test
  void normalisesAKeras3LegacyH5Config() throws Exception {
    JsonNode original = JSON.readTree(LEGACY_H5_CONFIG);
    assertTrue(KerasGeneration.isKeras3("3.4.1", original));
    assertTrue(KerasGeneration.isKeras3(null, original), "recognised by its markers alone");
    ObjectNode model = Keras3Config.normalise(FILE, original);
    String text = model.toString();
    assertEquals("Model", model.path("class_name").asText(), "Functional -> Model");
    for (String dropped : new String[] {"module", "registered_name", "build_config",
        "compile_config", "shared_object_id", "__keras_tensor__", "__tensor__", "batch_shape"}) {
      assertFalse(text.contains("\"" + dropped + "\""), dropped + " is gone: " + text);
    }
    JsonNode layers = model.path("config").path("layers");
    assertEquals("[null,4]", layers.get(0).path("config").path("batch_input_shape").toString());
    assertEquals("float32", layers.get(1).path("config").path("dtype").asText(),
        "mixed policies compute in float32 for tfjs");
    assertEquals("[[[\"in\",0,0,{\"training\":false}]]]", layers.get(1).path("inbound_nodes").toString());
    assertEquals(0.0, layers.get(2).path("config").path("mask_value").asDouble(1));
    assertTrue(layers.get(2).path("config").path("mask_value").isNumber());
    assertEquals("[[[\"a\",0,0,{}],[\"m\",0,0,{}]]]", layers.get(3).path("inbound_nodes").toString(),
        "a merge's nested argument list becomes one call with two inputs");
    JsonNode bidi = layers.get(4).path("config");
    assertEquals("lstm", bidi.path("layer").path("config").path("name").asText(),
        "tfjs adds forward_ itself");
    assertFalse(bidi.has("backward_layer"));
    assertEquals("[[\"in\",0,0]]", model.path("config").path("input_layers").toString());
    assertEquals("[[\"sum\",0,0]]", model.path("config").path("output_layers").toString());
    // the normalised config is what KerasTopology accepts
    ObjectNode functional = KerasTopology.toFunctional(FILE, model);
    assertEquals(5, functional.path("config").path("layers").size());
  }

  @Test
  void keras2ConfigsAreNotTakenForKeras3() throws Exception {
    JsonNode keras2 = JSON.readTree("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "Dense", "config": {"name": "d", "units": 1, "dtype": "float32",
            "batch_input_shape": [null, 2]}}]}}""");
    assertFalse(KerasGeneration.isKeras3("2.2.4", keras2));
    assertFalse(KerasGeneration.isKeras3(null, keras2));
  }

  @Test
  void sequentialWithoutInputLayerTakesItsBuildShape() throws Exception {
    JsonNode config = JSON.readTree("""
        {"module": "keras", "class_name": "Sequential", "config": {"name": "s",
         "layers": [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1}}],
         "build_input_shape": [null, 7]}}""");
    ObjectNode model = Keras3Config.normalise(FILE, config);
    assertEquals("[null,7]",
        model.path("config").path("layers").get(0).path("config").path("batch_input_shape").toString());
  }

  @Test
  void subclassedModelIsRefusedNamingModelAndClass() throws Exception {
    JsonNode config = JSON.readTree("""
        {"module": null, "class_name": "NestedDenseModel",
         "registered_name": "pkg>NestedDenseModel",
         "config": {"name": "nested_dense_model", "trainable": true, "num": 3}}""");
    ConversionException e =
        assertThrows(ConversionException.class, () -> Keras3Config.normalise(FILE, config));
    assertTrue(e.getMessage().contains("'nested_dense_model'"), e.getMessage());
    assertTrue(e.getMessage().contains("NestedDenseModel"), e.getMessage());
    assertTrue(e.getMessage().contains("subclassed"), e.getMessage());
  }

  @Test
  void legacyWeightNamesMatchWhatTfjsBinds() throws Exception {
    JsonNode td = JSON.readTree("""
        {"class_name": "TimeDistributed", "config": {"name": "td",
          "layer": {"class_name": "Dense", "config": {"name": "dense"}}}}""");
    assertEquals("td/kernel", Keras3Config.legacyWeightName(td, "td/dense/kernel"));
    JsonNode depthwise = JSON.readTree("""
        {"class_name": "DepthwiseConv2D", "config": {"name": "dw"}}""");
    assertEquals("dw/depthwise_kernel", Keras3Config.legacyWeightName(depthwise, "dw/kernel"));
    assertEquals("dw/bias", Keras3Config.legacyWeightName(depthwise, "dw/bias"));
    JsonNode nested = JSON.readTree("""
        {"class_name": "Sequential", "config": {"name": "block", "layers": [
          {"class_name": "DepthwiseConv2D", "config": {"name": "inner_dw"}}]}}""");
    assertEquals("inner_dw/depthwise_kernel",
        Keras3Config.legacyWeightName(nested, "inner_dw/kernel"));
    // tfjs#8321: Keras 3 prefixes the variable path with the model name
    assertEquals("conv2d/kernel", WeightNames.withoutPrefix("sequential/conv2d/kernel", "sequential/"));
  }

  @Test
  void snakeCaseFollowsKeras3Naming() {
    assertEquals("dense", Keras3ArchiveReader.snakeCase("Dense"));
    assertEquals("conv2d", Keras3ArchiveReader.snakeCase("Conv2D"));
    assertEquals("lstm", Keras3ArchiveReader.snakeCase("LSTM"));
    assertEquals("batch_normalization", Keras3ArchiveReader.snakeCase("BatchNormalization"));
    assertEquals("global_average_pooling2d", Keras3ArchiveReader.snakeCase("GlobalAveragePooling2D"));
    assertEquals("input_layer", Keras3ArchiveReader.snakeCase("InputLayer"));
    assertEquals("p_re_lu", Keras3ArchiveReader.snakeCase("PReLU"));
    assertEquals("functional", Keras3ArchiveReader.snakeCase("Functional"));
  }
}
