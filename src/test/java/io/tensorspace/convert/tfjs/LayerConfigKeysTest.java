package io.tensorspace.convert.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.keras.KerasConfigs;
import io.tensorspace.testing.NodeScripts;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every config key that Keras 1, Keras 2.2–2.3, tf.keras 2.6–2.21 and Keras 3 write for a layer
 * class of the README's table, with a value as that version writes it, through the converter and
 * into real TensorFlow.js 1.7.4 and 4.22.0.
 *
 * <p>The keys come from the Keras sources ({@code keras-config-keys.json}, which names the tag and
 * files). For each class a one-layer model is built and given seeded weights by tfjs 4.22 from the
 * settings alone ({@code src/test/node/make-layer-models.js}), which also computes its outputs.
 * Then, per Keras version, the layer's config is replaced by one with every key that version
 * writes (and the version's own form of the model: Keras 1 node lists, Keras 3 call objects and
 * dtype policies), passed through the Keras reader's config stage and the whole conversion, and
 * loaded in both tfjs versions: it must load and compute the same outputs as the model without the
 * extra keys.
 */
class LayerConfigKeysTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Path OUT = Path.of("target", "layer-config-keys");

  /**
   * The Keras versions of keras-config-keys.json (each the union of several tags), with the
   * keras_version their files carry here.
   */
  private static final Map<String, String> VERSIONS = Map.of(
      "keras1", "1.2.2", "keras2", "2.2.4", "tfkeras", "2.15.0", "keras3", "3.15.1");

  /** Corpus formats and the Keras version that wrote them. */
  private static final Map<String, String> FORMAT_VERSIONS = Map.of(
      "keras1-h5", "keras1", "keras2-h5", "keras2", "tfkeras-h5", "tfkeras",
      "keras3-zip", "keras3");

  static JsonNode keys() throws IOException {
    try (InputStream in = LayerConfigKeysTest.class.getResourceAsStream("keras-config-keys.json")) {
      return JSON.readTree(in);
    }
  }

  /** The keys one Keras version writes for a class (empty if the class is not in that version). */
  static List<String> keys(JsonNode keys, String version, String className) {
    List<String> list = new ArrayList<>();
    keys.path("versions").path(version).path("classes").path(className).path("keys")
        .forEach(k -> list.add(k.asText()));
    return list;
  }

  // ------------------------------------------------------------------ the members

  /** One input of a member: its shape without the batch, and {@code max} for index inputs. */
  record Input(List<Integer> shape, int max) {}

  /**
   * A layer of a class made with {@code args} (Keras 2 keys, also what tfjs is given), on
   * {@code inputs}; {@code keras1Class} and {@code keras1Args} say how Keras 1 writes it (null when
   * Keras 1 lacks the class).
   */
  record Member(String className, ObjectNode args, List<Input> inputs, String keras1Class,
                ObjectNode keras1Args) {}

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError(text, e);
    }
  }

  private static Input in(Integer... shape) {
    return new Input(List.of(shape), 0);
  }

  private static final Map<String, Member> MEMBERS = new TreeMap<>();

  private static void member(String className, String args, List<Input> inputs) {
    member(className, args, inputs, null, null);
  }

  private static void member(String className, String args, List<Input> inputs,
      String keras1Class, String keras1Args) {
    MEMBERS.put(className, new Member(className, json(args), inputs, keras1Class,
        keras1Args == null ? null : json(keras1Args)));
  }

  private static final String LSTM_ARGS = "{\"name\": \"inner\", \"units\": 3,"
      + " \"activation\": \"tanh\", \"recurrent_activation\": \"sigmoid\","
      + " \"unit_forget_bias\": true, \"return_sequences\": true}";
  private static final String LSTM_KERAS1 = "{\"name\": \"inner\", \"output_dim\": 3,"
      + " \"activation\": \"tanh\", \"inner_activation\": \"sigmoid\", \"return_sequences\": true,"
      + " \"input_dim\": 2, \"input_length\": 4}";

  static {
    member("Activation", "{\"activation\": \"tanh\"}", List.of(in(5)), "Activation",
        "{\"activation\": \"tanh\"}");
    for (String merge : List.of("Add", "Average", "Maximum", "Minimum", "Multiply")) {
      member(merge, "{}", List.of(in(4), in(4)));
    }
    member("Concatenate", "{\"axis\": -1}", List.of(in(4), in(3)));
    member("Dot", "{\"axes\": 1, \"normalize\": false}", List.of(in(4), in(4)));
    member("AlphaDropout", "{\"rate\": 0.1}", List.of(in(5)));
    member("Dropout", "{\"rate\": 0.3}", List.of(in(5)), "Dropout", "{\"p\": 0.3}");
    member("GaussianDropout", "{\"rate\": 0.1}", List.of(in(5)), "GaussianDropout",
        "{\"p\": 0.1}");
    member("GaussianNoise", "{\"stddev\": 0.1}", List.of(in(5)), "GaussianNoise",
        "{\"sigma\": 0.1}");
    member("SpatialDropout1D", "{\"rate\": 0.2}", List.of(in(3, 4)), "SpatialDropout1D",
        "{\"p\": 0.2}");
    for (String pool : List.of("AveragePooling", "MaxPooling")) {
      member(pool + "1D", "{\"pool_size\": [2], \"strides\": [2], \"padding\": \"valid\"}",
          List.of(in(6, 3)), pool + "1D",
          "{\"pool_length\": 2, \"stride\": 2, \"border_mode\": \"valid\"}");
      member(pool + "2D", "{\"pool_size\": [2, 2], \"strides\": [2, 2], \"padding\": \"valid\"}",
          List.of(in(6, 6, 2)), pool + "2D", "{\"pool_size\": [2, 2], \"strides\": [2, 2],"
              + " \"border_mode\": \"valid\", \"dim_ordering\": \"tf\"}");
      member(pool + "3D", "{\"pool_size\": [2, 2, 2], \"strides\": [2, 2, 2],"
              + " \"padding\": \"valid\"}", List.of(in(4, 4, 4, 2)), pool + "3D",
          "{\"pool_size\": [2, 2, 2], \"strides\": [2, 2, 2], \"border_mode\": \"valid\","
              + " \"dim_ordering\": \"tf\"}");
    }
    for (String pool : List.of("GlobalAveragePooling", "GlobalMaxPooling")) {
      member(pool + "1D", "{}", List.of(in(5, 3)), pool + "1D", "{}");
      member(pool + "2D", "{}", List.of(in(4, 4, 3)), pool + "2D", "{\"dim_ordering\": \"tf\"}");
    }
    member("BatchNormalization", "{\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001,"
        + " \"center\": true, \"scale\": true}", List.of(in(3, 3, 4)), "BatchNormalization",
        "{\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, \"mode\": 0}");
    member("LayerNormalization", "{\"axis\": -1, \"epsilon\": 0.001, \"center\": true,"
        + " \"scale\": true}", List.of(in(3, 4)));
    member("Bidirectional", "{\"layer\": {\"class_name\": \"LSTM\", \"config\": " + LSTM_ARGS
        + "}, \"merge_mode\": \"concat\"}", List.of(in(4, 2)), "Bidirectional",
        "{\"layer\": {\"class_name\": \"LSTM\", \"config\": " + LSTM_KERAS1 + "},"
            + " \"merge_mode\": \"concat\"}");
    member("TimeDistributed", "{\"layer\": {\"class_name\": \"Dense\", \"config\":"
        + " {\"name\": \"inner\", \"units\": 3, \"activation\": \"relu\"}}}", List.of(in(4, 5)),
        "TimeDistributed", "{\"layer\": {\"class_name\": \"Dense\", \"config\":"
            + " {\"name\": \"inner\", \"output_dim\": 3, \"activation\": \"relu\"}}}");
    member("LSTM", LSTM_ARGS.replace("\"inner\"", "\"probe\""), List.of(in(4, 2)), "LSTM",
        LSTM_KERAS1.replace("\"inner\"", "\"probe\""));
    member("GRU", "{\"units\": 3, \"activation\": \"tanh\", \"recurrent_activation\": \"sigmoid\","
        + " \"reset_after\": false}", List.of(in(4, 2)), "GRU", "{\"output_dim\": 3,"
        + " \"activation\": \"tanh\", \"inner_activation\": \"sigmoid\", \"input_dim\": 2}");
    member("SimpleRNN", "{\"units\": 3, \"activation\": \"tanh\"}", List.of(in(4, 2)),
        "SimpleRNN", "{\"output_dim\": 3, \"activation\": \"tanh\", \"input_dim\": 2}");
    member("ConvLSTM2D", "{\"filters\": 2, \"kernel_size\": [2, 2], \"strides\": [1, 1],"
        + " \"padding\": \"valid\", \"dilation_rate\": [1, 1], \"activation\": \"tanh\","
        + " \"recurrent_activation\": \"sigmoid\"}", List.of(in(2, 4, 4, 1)));
    member("Dense", "{\"units\": 3, \"activation\": \"relu\"}", List.of(in(4)), "Dense",
        "{\"output_dim\": 3, \"activation\": \"relu\", \"input_dim\": 4}");
    member("Conv1D", "{\"filters\": 3, \"kernel_size\": [2], \"strides\": [1],"
        + " \"padding\": \"valid\", \"dilation_rate\": [1], \"activation\": \"relu\"}",
        List.of(in(6, 2)), "Convolution1D", "{\"nb_filter\": 3, \"filter_length\": 2,"
            + " \"subsample_length\": 1, \"border_mode\": \"valid\", \"activation\": \"relu\","
            + " \"input_dim\": 2, \"input_length\": 6}");
    member("Conv2D", "{\"filters\": 3, \"kernel_size\": [2, 2], \"strides\": [1, 1],"
        + " \"padding\": \"valid\", \"dilation_rate\": [1, 1], \"activation\": \"relu\"}",
        List.of(in(5, 5, 2)), "Convolution2D", "{\"nb_filter\": 3, \"nb_row\": 2, \"nb_col\": 2,"
            + " \"subsample\": [1, 1], \"border_mode\": \"valid\", \"dim_ordering\": \"tf\","
            + " \"activation\": \"relu\"}");
    member("Conv2DTranspose", "{\"filters\": 2, \"kernel_size\": [2, 2], \"strides\": [2, 2],"
        + " \"padding\": \"valid\", \"dilation_rate\": [1, 1], \"activation\": \"linear\"}",
        List.of(in(3, 3, 2)), "Deconvolution2D", "{\"nb_filter\": 2, \"nb_row\": 2,"
            + " \"nb_col\": 2, \"subsample\": [2, 2], \"border_mode\": \"valid\","
            + " \"dim_ordering\": \"tf\", \"output_shape\": [null, 6, 6, 2]}");
    member("Conv3D", "{\"filters\": 2, \"kernel_size\": [2, 2, 2], \"strides\": [1, 1, 1],"
        + " \"padding\": \"valid\", \"dilation_rate\": [1, 1, 1], \"activation\": \"linear\"}",
        List.of(in(4, 4, 4, 1)), "Convolution3D", "{\"nb_filter\": 2, \"kernel_dim1\": 2,"
            + " \"kernel_dim2\": 2, \"kernel_dim3\": 2, \"subsample\": [1, 1, 1],"
            + " \"border_mode\": \"valid\", \"dim_ordering\": \"tf\"}");
    member("Conv3DTranspose", "{\"filters\": 2, \"kernel_size\": [2, 2, 2],"
        + " \"strides\": [1, 1, 1], \"padding\": \"valid\", \"dilation_rate\": [1, 1, 1],"
        + " \"activation\": \"linear\"}", List.of(in(3, 3, 3, 1)));
    member("DepthwiseConv2D", "{\"kernel_size\": [2, 2], \"strides\": [1, 1],"
        + " \"padding\": \"same\", \"depth_multiplier\": 2, \"dilation_rate\": [1, 1],"
        + " \"activation\": \"relu\"}", List.of(in(4, 4, 2)));
    member("SeparableConv2D", "{\"filters\": 3, \"kernel_size\": [2, 2], \"strides\": [1, 1],"
        + " \"padding\": \"valid\", \"depth_multiplier\": 1, \"dilation_rate\": [1, 1],"
        + " \"activation\": \"relu\"}", List.of(in(5, 5, 2)), "SeparableConvolution2D",
        "{\"nb_filter\": 3, \"nb_row\": 2, \"nb_col\": 2, \"subsample\": [1, 1],"
            + " \"border_mode\": \"valid\", \"dim_ordering\": \"tf\", \"depth_multiplier\": 1,"
            + " \"activation\": \"relu\"}");
    member("Cropping2D", "{\"cropping\": [[1, 0], [0, 1]]}", List.of(in(4, 4, 2)), "Cropping2D",
        "{\"cropping\": [[1, 0], [0, 1]]}");
    member("UpSampling2D", "{\"size\": [2, 2]}", List.of(in(3, 3, 2)), "UpSampling2D",
        "{\"size\": [2, 2]}");
    member("ZeroPadding2D", "{\"padding\": [[1, 1], [1, 1]]}", List.of(in(3, 3, 2)),
        "ZeroPadding2D", "{\"padding\": [1, 1]}");
    member("ELU", "{\"alpha\": 1.0}", List.of(in(5)), "ELU", "{\"alpha\": 1.0}");
    member("LeakyReLU", "{\"alpha\": 0.2, \"negative_slope\": 0.2}", List.of(in(5)),
        "LeakyReLU", "{\"alpha\": 0.2}");
    member("PReLU", "{}", List.of(in(5)), "PReLU", "{}");
    member("ReLU", "{\"max_value\": 6.0, \"negative_slope\": 0.0, \"threshold\": 0.0}",
        List.of(in(5)));
    member("Softmax", "{\"axis\": -1}", List.of(in(5)));
    member("ThresholdedReLU", "{\"theta\": 0.5}", List.of(in(5)), "ThresholdedReLU",
        "{\"theta\": 0.5}");
    member("Embedding", "{\"input_dim\": 7, \"output_dim\": 3}",
        List.of(new Input(List.of(4), 7)), "Embedding",
        "{\"input_dim\": 7, \"output_dim\": 3, \"input_length\": 4}");
    member("Flatten", "{}", List.of(in(2, 3, 2)), "Flatten", "{}");
    member("Masking", "{\"mask_value\": 0.0}", List.of(in(4, 3)), "Masking",
        "{\"mask_value\": 0.0}");
    member("Permute", "{\"dims\": [2, 1]}", List.of(in(3, 4)), "Permute", "{\"dims\": [2, 1]}");
    member("RepeatVector", "{\"n\": 3}", List.of(in(4)), "RepeatVector", "{\"n\": 3}");
    member("Reshape", "{\"target_shape\": [2, 3]}", List.of(in(6)), "Reshape",
        "{\"target_shape\": [2, 3]}");
    member("Rescaling", "{\"scale\": 0.5, \"offset\": 0.1}", List.of(in(4)));
    member("Resizing", "{\"height\": 3, \"width\": 3, \"interpolation\": \"bilinear\"}",
        List.of(in(4, 4, 2)));
    member("CenterCrop", "{\"height\": 2, \"width\": 2}", List.of(in(4, 4, 2)));
    member("CategoryEncoding", "{\"num_tokens\": 6, \"output_mode\": \"multi_hot\"}",
        List.of(new Input(List.of(3), 6)));
  }

  // ------------------------------------------------------------------ values as Keras writes them

  /** A key a version writes only in a form that no layers model holds; left out. */
  private static final JsonNode ABSENT = NODES.missingNode();

  private static JsonNode regularizer(String version, boolean activity) {
    return switch (version) {
      case "keras1" -> json("{\"name\": \""
          + (activity ? "ActivityRegularizer" : "WeightRegularizer")
          + "\", \"l1\": 0.0, \"l2\": 0.01}");
      case "keras2" -> json("{\"class_name\": \"L1L2\", \"config\": {\"l1\": 0.0, \"l2\": 0.01}}");
      case "tfkeras" -> json("{\"class_name\": \"L2\", \"config\": {\"l2\": 0.01}}");
      default -> json("{\"module\": \"keras.regularizers\", \"class_name\": \"L2\","
          + " \"config\": {\"l2\": 0.01}, \"registered_name\": null}");
    };
  }

  private static JsonNode constraint(String version) {
    return switch (version) {
      case "keras1" -> json("{\"name\": \"MaxNorm\", \"m\": 2, \"axis\": 0}");
      case "keras2", "tfkeras" ->
          json("{\"class_name\": \"MaxNorm\", \"config\": {\"max_value\": 2, \"axis\": 0}}");
      default -> json("{\"module\": \"keras.constraints\", \"class_name\": \"MaxNorm\","
          + " \"config\": {\"max_value\": 2.0, \"axis\": 0}, \"registered_name\": null}");
    };
  }

  /**
   * An initializer for the weight a key names, as the version writes it. Each version gets a
   * different kind for kernels (VarianceScaling, an untruncated VarianceScaling, Orthogonal): the
   * values users pick, some of which tfjs cannot build.
   */
  private static JsonNode initializer(String version, String key) {
    String weight = key.substring(0, key.length() - "_initializer".length());
    String className;
    String config = "{\"seed\": null}";
    if (Set.of("bias", "beta", "moving_mean", "alpha").contains(weight)) {
      className = "Zeros";
      config = "{}";
    } else if (Set.of("gamma", "moving_variance").contains(weight)) {
      className = "Ones";
      config = "{}";
    } else if (weight.equals("embeddings")) {
      className = "RandomUniform";
      config = "{\"minval\": -0.05, \"maxval\": 0.05, \"seed\": null}";
    } else if (weight.equals("recurrent") || version.equals("keras3")) {
      className = version.equals("keras3") ? "OrthogonalInitializer" : "Orthogonal";
      config = "{\"gain\": 1.0, \"seed\": null}";
    } else if (version.equals("tfkeras")) {
      className = "VarianceScaling";
      config = "{\"scale\": 2.0, \"mode\": \"fan_in\", \"distribution\": \"untruncated_normal\","
          + " \"seed\": null}";
    } else {
      className = "VarianceScaling";
      config = "{\"scale\": 1.0, \"mode\": \"fan_avg\", \"distribution\": \"uniform\","
          + " \"seed\": null}";
    }
    String object = "{\"class_name\": \"" + className + "\", \"config\": " + config + "}";
    return version.equals("keras3")
        ? json("{\"module\": \"keras.initializers\", \"class_name\": \"" + className
            + "\", \"config\": " + config + ", \"registered_name\": null}")
        : json(object);
  }

  /** Keras's default for a key the member's settings leave out. */
  private static final Map<String, Object> DEFAULTS = Map.ofEntries(
      Map.entry("trainable", true), Map.entry("activation", "linear"),
      Map.entry("recurrent_activation", "sigmoid"), Map.entry("use_bias", true),
      Map.entry("bias", true), Map.entry("data_format", "channels_last"),
      Map.entry("dim_ordering", "tf"), Map.entry("padding", "valid"),
      Map.entry("border_mode", "valid"), Map.entry("groups", 1), Map.entry("lora_rank", 4),
      Map.entry("lora_alpha", 4.0), Map.entry("noise_shape", NODES.nullNode()),
      Map.entry("seed", NODES.nullNode()), Map.entry("time_major", false),
      Map.entry("zero_output_for_mask", false), Map.entry("unroll", false),
      Map.entry("stateful", false), Map.entry("go_backwards", false),
      Map.entry("return_state", false), Map.entry("return_sequences", false),
      Map.entry("num_constants", NODES.nullNode()), Map.entry("implementation", 1),
      Map.entry("unit_forget_bias", true), Map.entry("reset_after", false),
      Map.entry("dropout", 0.0), Map.entry("recurrent_dropout", 0.0), Map.entry("dropout_W", 0.0),
      Map.entry("dropout_U", 0.0), Map.entry("consume_less", "cpu"), Map.entry("renorm", false),
      Map.entry("renorm_clipping", NODES.nullNode()), Map.entry("renorm_momentum", 0.99),
      Map.entry("virtual_batch_size", NODES.nullNode()), Map.entry("synchronized", false),
      Map.entry("rms_scaling", false), Map.entry("keepdims", false),
      Map.entry("output_padding", NODES.nullNode()), Map.entry("interpolation", "nearest"),
      Map.entry("crop_to_aspect_ratio", false), Map.entry("antialias", false),
      Map.entry("bounding_box_format", NODES.nullNode()), Map.entry("fill_mode", "constant"),
      Map.entry("fill_value", 0.0), Map.entry("pad_to_aspect_ratio", false),
      Map.entry("merge_mode", "concat"), Map.entry("mask_zero", false),
      Map.entry("input_length", NODES.nullNode()), Map.entry("input_dim", NODES.nullNode()),
      Map.entry("mode", 0), Map.entry("quantization_config", NODES.nullNode()),
      Map.entry("sparse", false), Map.entry("ragged", false), Map.entry("optional", false),
      Map.entry("center", true), Map.entry("scale", true), Map.entry("momentum", 0.99),
      Map.entry("epsilon", 0.001), Map.entry("max_value", NODES.nullNode()),
      Map.entry("negative_slope", 0.0), Map.entry("threshold", 0.0),
      Map.entry("shared_axes", NODES.nullNode()), Map.entry("init", "glorot_uniform"),
      Map.entry("inner_init", "orthogonal"), Map.entry("forget_bias_init", "one"),
      Map.entry("input_dtype", "float32"), Map.entry("normalize", false),
      Map.entry("type_spec", ABSENT), Map.entry("dynamic", true),
      Map.entry("rng_type", NODES.nullNode()), Map.entry("robust_masking", true));

  /** The value a version writes for a key of a layer made with {@code args}. */
  private static JsonNode value(String version, String className, String key, ObjectNode args,
      List<Integer> inputShape) {
    if (args.has(key)) {
      return args.get(key).deepCopy();
    }
    if (key.equals("dtype")) {
      return version.equals("keras3") ? json("{\"module\": \"keras\", \"class_name\":"
          + " \"DTypePolicy\", \"config\": {\"name\": \"float32\"}, \"registered_name\": null}")
          : NODES.textNode("float32");
    }
    if (key.equals("batch_input_shape") || key.equals("batch_shape")) {
      ArrayNode shape = NODES.arrayNode().addNull();
      inputShape.forEach(shape::add);
      return shape;
    }
    if (key.equals("activity_regularizer")) {
      return regularizer(version, true);
    }
    if (key.endsWith("_regularizer") || key.equals("W_regularizer") || key.equals("b_regularizer")
        || key.equals("U_regularizer")) {
      return regularizer(version, false);
    }
    if (key.endsWith("_constraint") || key.equals("W_constraint") || key.equals("b_constraint")) {
      return constraint(version);
    }
    if (key.endsWith("_initializer")) {
      return initializer(version, key);
    }
    if (key.equals("backward_layer")) {
      ObjectNode backward = layerEntry(version, args.path("layer").path("class_name").asText(),
          (ObjectNode) args.path("layer").path("config"), inputShape);
      ObjectNode config = (ObjectNode) backward.get("config");
      config.put("name", "backward_" + config.path("name").asText());
      config.put("go_backwards", true);
      backward.remove("inbound_nodes");
      backward.remove("name");
      return backward;
    }
    Object fallback = DEFAULTS.get(key);
    if (fallback == null) {
      throw new AssertionError(version + " " + className + "." + key + ": no value given (set it in"
          + " the member's settings or in DEFAULTS)");
    }
    return fallback instanceof JsonNode node ? node : JSON.valueToTree(fallback);
  }

  /** A layer's config with every key the version writes for its class. */
  private static ObjectNode config(String version, String className, ObjectNode args,
      List<Integer> inputShape) {
    List<String> keys = keys(KEYS, version, className);
    assertFalse(keys.isEmpty(), version + " has no keys for " + className);
    ObjectNode config = JSON.createObjectNode();
    for (String key : keys) {
      JsonNode value;
      if (key.equals("layer")) {
        JsonNode inner = args.path("layer");
        ObjectNode wrapped = layerEntry(version, inner.path("class_name").asText(),
            (ObjectNode) inner.path("config"), inputShape);
        wrapped.remove("inbound_nodes");
        wrapped.remove("name");
        if (version.equals("keras3") && className.equals("Bidirectional")) {
          ObjectNode innerConfig = (ObjectNode) wrapped.get("config");
          innerConfig.put("name", "forward_" + innerConfig.path("name").asText());
        }
        value = wrapped;
      } else {
        value = value(version, className, key, args, inputShape);
      }
      if (!value.isMissingNode()) {
        config.set(key, value);
      }
    }
    return config;
  }

  /** A layer entry (class, config, and for Keras 3 its module and build config) of a version. */
  private static ObjectNode layerEntry(String version, String className, ObjectNode args,
      List<Integer> inputShape) {
    ObjectNode entry = JSON.createObjectNode();
    if (version.equals("keras3")) {
      entry.put("module", "keras.layers");
    }
    entry.put("class_name", className);
    entry.set("config", config(version, className, args, inputShape));
    if (version.equals("keras3")) {
      entry.putNull("registered_name");
      ArrayNode shape = entry.putObject("build_config").putArray("input_shape").addNull();
      inputShape.forEach(shape::add);
    }
    entry.put("name", args.path("name").asText());
    return entry;
  }

  // ------------------------------------------------------------------ whole models

  private static String inputName(int i) {
    return "probe_input_" + i;
  }

  /** The model config a version writes for a member: its inputs and the layer {@code probe}. */
  static ObjectNode kerasModel(String version, Member member) {
    boolean keras1 = version.equals("keras1");
    String className = keras1 ? member.keras1Class() : member.className();
    ObjectNode args = (keras1 ? member.keras1Args() : member.args()).deepCopy();
    args.put("name", "probe");
    ObjectNode model = JSON.createObjectNode();
    if (version.equals("keras3")) {
      model.put("module", "keras.src.models.functional");
    }
    model.put("class_name", Set.of("keras1", "keras2").contains(version) ? "Model" : "Functional");
    ObjectNode config = model.putObject("config");
    config.put("name", "probe_model");
    ArrayNode layers = config.putArray("layers");
    ArrayNode inputLayers = config.putArray("input_layers");
    ArrayNode tensors = NODES.arrayNode();
    ArrayNode legacyCall = NODES.arrayNode();
    for (int i = 0; i < member.inputs().size(); i++) {
      List<Integer> shape = member.inputs().get(i).shape();
      ObjectNode inputArgs = JSON.createObjectNode().put("name", inputName(i));
      ObjectNode input = layerEntry(version, "InputLayer", inputArgs, shape);
      input.remove("build_config");
      input.putArray("inbound_nodes");
      layers.add(input);
      inputLayers.addArray().add(inputName(i)).add(0).add(0);
      ArrayNode history = NODES.arrayNode().add(inputName(i)).add(0).add(0);
      ObjectNode tensor = tensors.addObject();
      tensor.put("class_name", "__keras_tensor__");
      ObjectNode tensorConfig = tensor.putObject("config");
      ArrayNode tensorShape = tensorConfig.putArray("shape").addNull();
      shape.forEach(tensorShape::add);
      tensorConfig.put("dtype", "float32");
      tensorConfig.set("keras_history", history.deepCopy());
      if (!keras1) {
        history.addObject();
      }
      legacyCall.add(history);
    }
    ObjectNode probe = layerEntry(version, className, args, member.inputs().get(0).shape());
    ArrayNode inbound = probe.putArray("inbound_nodes");
    if (version.equals("keras3")) {
      ObjectNode call = inbound.addObject();
      call.putArray("args").add(tensors.size() == 1 ? tensors.get(0) : tensors);
      call.putObject("kwargs");
    } else {
      inbound.add(legacyCall);
    }
    layers.add(probe);
    config.putArray("output_layers").addArray().add("probe").add(0).add(0);
    return model;
  }

  /** The topology tfjs builds the member from: its settings only, in Keras 2 form. */
  static ObjectNode tfjsModel(Member member) {
    ObjectNode model = JSON.createObjectNode();
    model.put("class_name", "Model");
    ObjectNode config = model.putObject("config");
    config.put("name", "probe_model");
    ArrayNode layers = config.putArray("layers");
    ArrayNode inputLayers = config.putArray("input_layers");
    ArrayNode call = NODES.arrayNode();
    for (int i = 0; i < member.inputs().size(); i++) {
      ObjectNode input = layers.addObject();
      input.put("class_name", "InputLayer");
      input.put("name", inputName(i));
      ObjectNode inputConfig = input.putObject("config").put("name", inputName(i));
      ArrayNode shape = inputConfig.putArray("batch_input_shape").addNull();
      member.inputs().get(i).shape().forEach(shape::add);
      inputConfig.put("dtype", "float32");
      input.putArray("inbound_nodes");
      inputLayers.addArray().add(inputName(i)).add(0).add(0);
      call.addArray().add(inputName(i)).add(0).add(0).addObject();
    }
    ObjectNode probe = layers.addObject();
    probe.put("class_name", member.className());
    probe.put("name", "probe");
    ObjectNode args = member.args().deepCopy();
    args.put("name", "probe");
    probe.set("config", args);
    probe.putArray("inbound_nodes").add(call);
    config.putArray("output_layers").addArray().add("probe").add(0).add(0);
    return model;
  }

  private static final JsonNode KEYS;

  static {
    try {
      KEYS = keys();
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The versions that write a member's class. */
  private static List<String> versionsOf(Member member) {
    List<String> versions = new ArrayList<>();
    for (String version : List.of("keras1", "keras2", "tfkeras", "keras3")) {
      String className = version.equals("keras1") ? member.keras1Class() : member.className();
      if (className != null && !keys(KEYS, version, className).isEmpty()) {
        versions.add(version);
      }
    }
    return versions;
  }

  // ------------------------------------------------------------------ tests

  @Test
  void everyClassTheTableWritesHasAMemberAndKeys() throws IOException {
    List<String> problems = new ArrayList<>();
    for (LayerCoverageTest.Row row : LayerCoverageTest.rows()) {
      if (row.conditional() || row.keras1()
          || !List.of("as is", "needs").contains(row.status())) {
        continue;
      }
      Member member = MEMBERS.get(row.className());
      if (row.className().equals("InputLayer")) {
        continue; // every member starts with InputLayers written by each version
      }
      if (member == null) {
        problems.add(row.className() + ": no member in LayerConfigKeysTest");
      } else if (versionsOf(member).isEmpty()) {
        problems.add(row.className() + ": no Keras version's keys in keras-config-keys.json");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /**
   * Every key of every layer in the corpus's Keras files is one the key lists know for its class
   * (in any version: the corpus's files come from more versions than the tags read), so the
   * members exercise it.
   */
  @Test
  void everyCorpusKeyIsInTheKeyLists() {
    Map<String, Set<String>> unknown = new TreeMap<>();
    int checked = 0;
    for (Map.Entry<String, List<JsonNode>> entry : CorpusLayerClasses.layersByCase().entrySet()) {
      String format = ModelCorpus.byId(entry.getKey()).format();
      if (!FORMAT_VERSIONS.containsKey(format)) {
        continue;
      }
      for (JsonNode layer : entry.getValue()) {
        String className = layer.path("class_name").asText();
        if (!(layer.path("config") instanceof ObjectNode config)
            || Set.of("Model", "Sequential", "Functional").contains(className)) {
          continue;
        }
        Set<String> known = new TreeSet<>();
        for (String version : VERSIONS.keySet()) {
          known.addAll(keys(KEYS, version, className));
        }
        if (known.isEmpty()) {
          continue; // a class no table row writes out (refused or rewritten before tfjs)
        }
        for (String key : (Iterable<String>) config::fieldNames) {
          checked++;
          if (!known.contains(key)) {
            unknown.computeIfAbsent(className + "." + key, k -> new TreeSet<>())
                .add(entry.getKey());
          }
        }
      }
    }
    assertTrue(checked > 1000, "only " + checked + " corpus keys found: is the corpus there?");
    assertTrue(unknown.isEmpty(), "corpus keys missing from keras-config-keys.json: " + unknown);
  }

  /**
   * Classes that tfjs 4.22 cannot run in a model at all, whatever their config: their
   * computeOutputShape is wrong (Resizing drops the batch axis) or overwrites the input's shape
   * (CategoryEncoding, CenterCrop), so predict() refuses the input. Their members are built
   * and must still fail that way; when tfjs fixes them, this test says so.
   */
  private static final Map<String, String> TFJS_CANNOT_RUN = Map.of(
      "CategoryEncoding", "expected probe_input_0 to have shape",
      "CenterCrop", "expected probe_input_0 to have shape",
      "Resizing", "x must be rank 3 or 4");

  @TestFactory
  Stream<DynamicTest> everyKeyEveryVersionWritesLoadsInTfjs() throws Exception {
    Path models = OUT.resolve("tfjs-made");
    JsonNode failures = writeModelsWithTfjs(models);
    List<DynamicTest> tests = new ArrayList<>();
    List<TfjsJob> jobs = new ArrayList<>();
    Set<String> needsNewer = TfjsVersions.SINCE.keySet();
    for (Member member : MEMBERS.values()) {
      String broken = TFJS_CANNOT_RUN.get(member.className());
      String failure = failures.path(member.className()).asText(null);
      if (broken != null || failure != null) {
        tests.add(DynamicTest.dynamicTest(member.className() + " in tfjs 4.22 (a known tfjs bug)",
            () -> assertTrue(broken != null && failure != null && failure.contains(broken),
                member.className() + ": tfjs 4.22 " + (failure == null
                    ? "now runs it: take it out of TFJS_CANNOT_RUN" : "fails: " + failure))));
        continue;
      }
      Path made = models.resolve(member.className());
      for (String version : versionsOf(member)) {
        String id = member.className() + "@" + version;
        Path target = OUT.resolve("converted").resolve(id);
        try {
          Path source = withKerasConfig(made, version, member, OUT.resolve("source").resolve(id));
          ConversionResult result = new Converter().convert(new ConversionRequest(
              source, null, target, List.of("probe"), List.of(),
              ConversionRequest.DEFAULT_SHARD_SIZE));
          assertEquals(List.of("probe"), result.outputs(), id);
        } catch (Exception | AssertionError e) {
          tests.add(DynamicTest.dynamicTest(id + " converts", () -> fail(id + ": " + e, e)));
          continue;
        }
        for (String tfjs : TfjsJob.VERSIONS) {
          if (tfjs.equals(TfjsJob.TFJS_1) && needsNewer.contains(member.className())) {
            continue; // tfjs 1.x lacks the class itself (LayerCoverageTest checks the warning)
          }
          jobs.add(TfjsJob.layers(id, tfjs, target.resolve("model.json"),
              made.resolve("reference.json"), List.of("probe")).withTfjs(tfjs));
        }
      }
    }
    List<TfjsResult> results = TfjsClient.check(jobs);
    for (String tfjs : TfjsJob.VERSIONS) {
      System.out.printf("LayerConfigKeysTest: tfjs %s: %d models, worst |diff| %.3e%n", tfjs,
          results.stream().filter(r -> r.id().endsWith("@" + tfjs)).count(),
          results.stream().filter(r -> r.id().endsWith("@" + tfjs) && r.ok())
              .mapToDouble(TfjsResult::maxAbsDiff).max().orElse(Double.NaN));
    }
    for (TfjsResult result : results) {
      tests.add(DynamicTest.dynamicTest(result.id() + " loads and matches", () -> {
        result.assertOk();
        assertFalse(result.outputs().isEmpty(), "no output was compared");
      }));
    }
    return tests.stream();
  }

  /**
   * Runs make-layer-models.js on every member's settings-only topology; returns the members tfjs
   * could not build or run, with its message.
   */
  private static JsonNode writeModelsWithTfjs(Path out) throws Exception {
    Files.createDirectories(out);
    ArrayNode specs = JSON.createArrayNode();
    for (Member member : MEMBERS.values()) {
      ObjectNode spec = specs.addObject();
      spec.put("id", member.className());
      spec.set("topology", tfjsModel(member));
      ArrayNode inputs = spec.putArray("inputs");
      for (int i = 0; i < member.inputs().size(); i++) {
        Input input = member.inputs().get(i);
        ObjectNode node = inputs.addObject().put("name", inputName(i)).put("max", input.max());
        input.shape().forEach(node.putArray("shape")::add);
      }
      spec.putArray("outputs").add("probe");
    }
    Path file = out.resolve("members.json").toAbsolutePath();
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), specs);
    NodeScripts.run("make-layer-models.js", 300, file.toString(), out.toAbsolutePath().toString());
    return JSON.readTree(out.resolve("failures.json").toFile());
  }

  /**
   * The tfjs-made model with its topology replaced by the one the Keras version writes, as the
   * Keras reader's config stage hands it on; weights and their names are tfjs's.
   */
  private static Path withKerasConfig(Path made, String version, Member member, Path dir)
      throws Exception {
    Files.createDirectories(dir);
    ObjectNode modelJson = (ObjectNode) JSON.readTree(made.resolve("model.json").toFile());
    ObjectNode written = kerasModel(version, member);
    JSON.writerWithDefaultPrettyPrinter().writeValue(
        dir.resolve("keras-model-config.json").toFile(), written);
    JsonNode read = KerasConfigs.asRead(dir.resolve("keras-model-config.json"),
        VERSIONS.get(version), written);
    ObjectNode topology = modelJson.putObject("modelTopology");
    topology.put("keras_version", VERSIONS.get(version));
    topology.put("backend", "tensorflow");
    topology.set("model_config", read);
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.json").toFile(), modelJson);
    Files.copy(made.resolve("weights.bin"), dir.resolve("weights.bin"),
        StandardCopyOption.REPLACE_EXISTING);
    return dir.resolve("model.json");
  }

  /** For a look at what a member becomes: prints one version's model config. */
  public static void main(String[] args) throws Exception {
    System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
        kerasModel(args[1], MEMBERS.get(args[0]))));
  }
}
