package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Translates a Keras 1.x {@code model_config} (Keras 1.1–1.2, {@code tf} and {@code th} dim
 * ordering) into the Keras 2 form the rest of the converter and TensorFlow.js understand: old
 * classes ({@code Convolution2D}, {@code TimeDistributedDense}, {@code Merge}) and parameter names
 * ({@code output_dim}, {@code nb_filter}, {@code init}, {@code border_mode}, {@code subsample},
 * {@code dim_ordering}, {@code W_regularizer}, …). The weights follow in {@link Keras1Weights}.
 */
final class Keras1Config {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private static final Set<String> RECURRENT = Set.of("LSTM", "GRU", "SimpleRNN");

  /** Keras 1 initializer names → Keras 2 class names (Keras 1 wrote the functions' names). */
  private static final Map<String, String> INITIALIZERS = Map.ofEntries(
      Map.entry("glorot_uniform", "GlorotUniform"),
      Map.entry("glorot_normal", "GlorotNormal"),
      Map.entry("he_uniform", "HeUniform"),
      Map.entry("he_normal", "HeNormal"),
      Map.entry("lecun_uniform", "LecunUniform"),
      Map.entry("orthogonal", "Orthogonal"),
      Map.entry("identity", "Identity"),
      Map.entry("zero", "Zeros"),
      Map.entry("one", "Ones"),
      Map.entry("uniform", "RandomUniform"),
      Map.entry("normal", "RandomNormal"));

  private Keras1Config() {}

  /** A translated deep copy of a whole {@code model_config} (Sequential or functional Model). */
  static JsonNode translateModel(Path file, JsonNode modelConfig) throws ConversionException {
    ObjectNode model = modelConfig.deepCopy();
    JsonNode config = model.path("config");
    ArrayNode layers = (ArrayNode) (config.isArray() ? config : config.path("layers"));
    if (layers == null || layers.isMissingNode()) {
      return model;
    }
    for (int i = 0; i < layers.size(); i++) {
      layers.set(i, translateLayer(file, (ObjectNode) layers.get(i), true));
    }
    // Keras 1 input_layers / output_layers are [name, node, tensor] triples already
    return model;
  }

  /** Translates one layer entry {@code {class_name, config, [name, inbound_nodes]}}. */
  static ObjectNode translateLayer(Path file, ObjectNode layer, boolean topLevel)
      throws ConversionException {
    String className = layer.path("class_name").asText();
    ObjectNode source = layer.path("config") instanceof ObjectNode c ? c : JSON.objectNode();
    String name = source.path("name").asText(layer.path("name").asText());
    ObjectNode out = JSON.objectNode();
    if (layer.has("name")) {
      out.set("name", layer.get("name"));
    }
    ObjectNode config;
    switch (className) {
      case "Merge" -> {
        ObjectNode merged = merge(file, name, source);
        className = merged.path("class_name").asText();
        config = (ObjectNode) merged.get("config");
      }
      case "TimeDistributedDense" -> {
        ObjectNode inner = JSON.objectNode();
        inner.put("class_name", "Dense");
        ObjectNode innerConfig = source.deepCopy();
        innerConfig.put("name", name + "_dense");
        innerConfig.remove("batch_input_shape");
        innerConfig.remove("input_dtype");
        innerConfig.remove("input_length");
        inner.set("config", translateConfig(file, name, "Dense", innerConfig));
        config = JSON.objectNode();
        config.put("name", name);
        config.put("trainable", source.path("trainable").asBoolean(true));
        copy(source, config, "batch_input_shape");
        if (source.has("input_dtype")) {
          config.set("dtype", source.get("input_dtype"));
        }
        config.set("layer", inner);
        className = "TimeDistributed";
      }
      case "Bidirectional", "TimeDistributed" -> {
        config = translateConfig(file, name, className, source.deepCopy());
        if (config.path("layer") instanceof ObjectNode inner) {
          config.set("layer", translateLayer(file, inner, false));
        }
      }
      default -> {
        config = translateConfig(file, name, className, source.deepCopy());
        className = renamedClass(className);
      }
    }
    checkKept(file, name, layer.path("class_name").asText(), source, className, config);
    out.put("class_name", className);
    out.set("config", config);
    if (layer.has("inbound_nodes")) {
      out.set("inbound_nodes", inboundNodes(layer.get("inbound_nodes")));
    }
    return out;
  }

  /**
   * The settings that size a layer's weights, by Keras 2 class, with the Keras 1 setting each
   * comes from: without them tfjs cannot build the layer and its weights seem not to fit.
   */
  private static final Map<String, Map<String, String>> SIZING = Map.of(
      "Dense", Map.of("units", "output_dim"),
      "LSTM", Map.of("units", "output_dim"),
      "GRU", Map.of("units", "output_dim"),
      "SimpleRNN", Map.of("units", "output_dim"),
      "Embedding", Map.of("input_dim", "input_dim", "output_dim", "output_dim"),
      "Conv1D", Map.of("filters", "nb_filter"),
      "Conv2D", Map.of("filters", "nb_filter"),
      "Conv3D", Map.of("filters", "nb_filter"));

  /**
   * A Keras 1 config without a sizing setting is incomplete; a translation that loses one is a
   * converter bug, and said to be one rather than a damaged file.
   */
  private static void checkKept(Path file, String name, String keras1Class, ObjectNode source,
      String className, ObjectNode translated) throws ConversionException {
    for (Map.Entry<String, String> setting : SIZING.getOrDefault(className, Map.of()).entrySet()) {
      if (translated.hasNonNull(setting.getKey())) {
        continue;
      }
      if (!source.hasNonNull(setting.getValue())) {
        throw new ConversionException(file + ": layer '" + name + "' (Keras 1 " + keras1Class
            + ") has no " + setting.getValue() + " in its config, so its size is unknown. The"
            + " model config is incomplete; save the model again.");
      }
      // a ConversionException: the reader reports any other exception as a damaged file
      throw new ConversionException(file + ": the converter's translation of Keras 1 layer '"
          + name + "' (" + keras1Class + ") lost its " + setting.getValue() + " (Keras 2 "
          + setting.getKey() + "). The file is fine; this is a bug of the converter: please"
          + " report it with the model.");
    }
  }

  private static String renamedClass(String className) {
    return switch (className) {
      case "Convolution1D", "AtrousConvolution1D" -> "Conv1D";
      case "Convolution2D", "AtrousConvolution2D" -> "Conv2D";
      case "Convolution3D" -> "Conv3D";
      case "Deconvolution2D" -> "Conv2DTranspose";
      case "SeparableConvolution2D" -> "SeparableConv2D";
      default -> className;
    };
  }

  /** Keras 1 node entries are {@code [layer, node, tensor]}; tfjs wants a kwargs dict as well. */
  private static JsonNode inboundNodes(JsonNode nodes) {
    ArrayNode calls = JSON.arrayNode();
    for (JsonNode call : nodes) {
      ArrayNode entries = JSON.arrayNode();
      for (JsonNode entry : call) {
        ArrayNode copy = entry.deepCopy();
        while (copy.size() < 3) {
          copy.add(0);
        }
        if (copy.size() == 3) {
          copy.add(JSON.objectNode());
        }
        entries.add(copy);
      }
      calls.add(entries);
    }
    return calls;
  }

  private static ObjectNode translateConfig(
      Path file, String name, String className, ObjectNode c) throws ConversionException {
    if (c.has("input_dtype")) {
      // Keras 1 input_dtype is the dtype of the model input; a Keras 2 dtype is the layer's own,
      // that of its weights too: an Embedding's int32 input must not make its table int32
      JsonNode dtype = c.remove("input_dtype");
      boolean own = className.equals("InputLayer") || dtype.asText().startsWith("float");
      if (!c.has("dtype")) {
        c.set("dtype", own ? dtype : JSON.textNode("float32"));
      }
    }
    rename(c, "bias", "use_bias");
    regularizer(c, "W_regularizer", "kernel_regularizer");
    regularizer(c, "b_regularizer", "bias_regularizer");
    regularizer(c, "U_regularizer", "recurrent_regularizer");
    if (c.hasNonNull("activity_regularizer")) {
      c.set("activity_regularizer", regularizer(c.get("activity_regularizer")));
    }
    constraint(c, "W_constraint", "kernel_constraint");
    constraint(c, "b_constraint", "bias_constraint");
    constraint(c, "U_constraint", "recurrent_constraint");
    switch (className) {
      case "InputLayer" -> { }
      case "Dense" -> {
        rename(c, "output_dim", "units");
        initializer(c, "init", "kernel_initializer");
        c.remove("input_dim");
        defaultInitializer(c, "bias_initializer", "Zeros");
      }
      case "Convolution1D", "AtrousConvolution1D", "LocallyConnected1D" -> {
        rename(c, "nb_filter", "filters");
        c.set("kernel_size", JSON.arrayNode().add(c.path("filter_length").asInt()));
        c.remove("filter_length");
        c.set("strides", JSON.arrayNode().add(c.path("subsample_length").asInt(1)));
        c.remove("subsample_length");
        int rate = c.path("atrous_rate").asInt(1);
        c.remove("atrous_rate");
        padding(file, name, className, c);
        initializer(c, "init", "kernel_initializer");
        defaultInitializer(c, "bias_initializer", "Zeros");
        c.remove("input_length");
        if (!className.equals("LocallyConnected1D")) {
          // Keras 2's LocallyConnected1D has neither setting
          c.set("dilation_rate", JSON.arrayNode().add(rate));
          c.put("data_format", "channels_last");
        }
      }
      case "LocallyConnected2D" -> {
        rename(c, "nb_filter", "filters");
        c.set("kernel_size", JSON.arrayNode().add(c.path("nb_row").asInt()).add(c.path("nb_col").asInt()));
        c.remove("nb_row");
        c.remove("nb_col");
        rename(c, "subsample", "strides");
        padding(file, name, className, c);
        dataFormat(c);
        initializer(c, "init", "kernel_initializer");
        defaultInitializer(c, "bias_initializer", "Zeros");
      }
      case "Convolution2D", "AtrousConvolution2D", "Deconvolution2D", "SeparableConvolution2D" -> {
        rename(c, "nb_filter", "filters");
        c.set("kernel_size", JSON.arrayNode().add(c.path("nb_row").asInt()).add(c.path("nb_col").asInt()));
        c.remove("nb_row");
        c.remove("nb_col");
        rename(c, "subsample", "strides");
        if (c.has("atrous_rate")) {
          c.set("dilation_rate", c.remove("atrous_rate"));
        }
        padding(file, name, className, c);
        dataFormat(c);
        initializer(c, "init", "kernel_initializer");
        defaultInitializer(c, "bias_initializer", "Zeros");
        if (className.equals("Deconvolution2D")) {
          c.remove("output_shape");
        }
        if (className.equals("SeparableConvolution2D")) {
          initializer(c, "kernel_initializer", "depthwise_initializer");
          c.set("pointwise_initializer", c.get("depthwise_initializer").deepCopy());
          regularizer(c, "depthwise_regularizer", "depthwise_regularizer");
          regularizer(c, "pointwise_regularizer", "pointwise_regularizer");
          constraint(c, "depthwise_constraint", "depthwise_constraint");
          constraint(c, "pointwise_constraint", "pointwise_constraint");
        }
      }
      case "Convolution3D" -> {
        rename(c, "nb_filter", "filters");
        c.set("kernel_size", JSON.arrayNode().add(c.path("kernel_dim1").asInt())
            .add(c.path("kernel_dim2").asInt()).add(c.path("kernel_dim3").asInt()));
        c.remove("kernel_dim1");
        c.remove("kernel_dim2");
        c.remove("kernel_dim3");
        rename(c, "subsample", "strides");
        padding(file, name, className, c);
        dataFormat(c);
        initializer(c, "init", "kernel_initializer");
        defaultInitializer(c, "bias_initializer", "Zeros");
      }
      case "MaxPooling1D", "AveragePooling1D" -> {
        int pool = c.path("pool_length").asInt(2);
        c.remove("pool_length");
        c.set("pool_size", JSON.arrayNode().add(pool));
        JsonNode stride = c.remove("stride");
        c.set("strides", JSON.arrayNode().add(stride == null || stride.isNull() ? pool : stride.asInt()));
        padding(file, name, className, c);
      }
      case "MaxPooling2D", "AveragePooling2D", "MaxPooling3D", "AveragePooling3D" -> {
        if (!c.hasNonNull("strides")) {
          c.set("strides", c.path("pool_size").deepCopy());
        }
        padding(file, name, className, c);
        dataFormat(c);
      }
      case "GlobalMaxPooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling3D",
          "GlobalAveragePooling3D", "UpSampling2D", "UpSampling3D", "Cropping2D", "Cropping3D" ->
          dataFormat(c);
      case "UpSampling1D" -> rename(c, "length", "size");
      case "ZeroPadding1D" -> {
        if (c.path("padding").isInt()) {
          int p = c.get("padding").asInt();
          c.set("padding", JSON.arrayNode().add(p).add(p));
        }
      }
      case "ZeroPadding3D" -> {
        dataFormat(c);
        JsonNode padding = c.path("padding");
        if (padding.isArray() && padding.size() == 3 && padding.get(0).isInt()) {
          ArrayNode pairs = JSON.arrayNode();
          padding.forEach(p -> pairs.addArray().add(p.asInt()).add(p.asInt()));
          c.set("padding", pairs);
        }
      }
      case "ZeroPadding2D" -> {
        dataFormat(c);
        c.set("padding", zeroPadding2D(file, name, c.get("padding")));
      }
      case "Dropout", "GaussianDropout" -> rename(c, "p", "rate");
      case "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D" -> {
        rename(c, "p", "rate");
        if (c.has("dim_ordering")) {
          dataFormat(c);
        }
      }
      case "GaussianNoise" -> rename(c, "sigma", "stddev");
      case "BatchNormalization" -> {
        int mode = c.path("mode").asInt(0);
        if (mode != 0) {
          throw new ConversionException(
              file + ": layer '" + name + "' (Keras 1 BatchNormalization) uses mode " + mode
                  + ", which normalizes with the statistics of each batch even at inference;"
                  + " TensorFlow.js BatchNormalization only supports mode 0 (stored moving"
                  + " statistics). Retrain with mode=0, or leave this layer out of the model you"
                  + " convert.");
        }
        c.remove("mode");
        initializer(c, "gamma_init", "gamma_initializer");
        initializer(c, "beta_init", "beta_initializer");
        defaultInitializer(c, "gamma_initializer", "Ones");
        defaultInitializer(c, "beta_initializer", "Zeros");
        defaultInitializer(c, "moving_mean_initializer", "Zeros");
        defaultInitializer(c, "moving_variance_initializer", "Ones");
        regularizer(c, "gamma_regularizer", "gamma_regularizer");
        regularizer(c, "beta_regularizer", "beta_regularizer");
        c.put("center", true);
        c.put("scale", true);
        if (!c.has("axis")) {
          c.put("axis", -1);
        }
      }
      case "Embedding" -> {
        initializer(c, "init", "embeddings_initializer");
        rename(c, "kernel_regularizer", "embeddings_regularizer");
        rename(c, "kernel_constraint", "embeddings_constraint");
        c.remove("dropout");
      }
      case "LSTM", "GRU", "SimpleRNN" -> {
        rename(c, "output_dim", "units");
        initializer(c, "init", "kernel_initializer");
        initializer(c, "inner_init", "recurrent_initializer");
        rename(c, "inner_activation", "recurrent_activation");
        rename(c, "dropout_W", "dropout");
        rename(c, "dropout_U", "recurrent_dropout");
        defaultInitializer(c, "bias_initializer", "Zeros");
        c.put("use_bias", true);
        if (className.equals("LSTM")) {
          JsonNode forget = c.remove("forget_bias_init");
          c.put("unit_forget_bias", forget == null || "one".equals(forget.asText("one")));
        }
        if (className.equals("GRU")) {
          c.put("reset_after", false);
        }
        // Keras 2 converts consume_less cpu/mem/gpu to implementation 0/1/2 and runs 0 as 1;
        // tfjs warns on 0, so cpu becomes 1 here. Keras 2's SimpleRNN has no implementation.
        JsonNode consume = c.remove("consume_less");
        if (!className.equals("SimpleRNN")) {
          c.put("implementation", consume != null && "gpu".equals(consume.asText()) ? 2 : 1);
        }
        c.remove("input_length");
      }
      case "PReLU" -> {
        initializer(c, "init", "alpha_initializer");
        defaultInitializer(c, "alpha_initializer", "Zeros");
      }
      case "Bidirectional", "TimeDistributed", "Activation", "Flatten", "Reshape", "Permute",
          "RepeatVector", "Masking", "LeakyReLU", "ELU", "ThresholdedReLU" -> { }
      default -> {
        // unknown or Keras-1-only classes (Highway, MaxoutDense, …) are left for the tfjs check,
        // which refuses them with a message naming the layer
      }
    }
    if (!className.equals("Embedding")) {
      // Keras 1 writes the input width of many layers; only Embedding keeps it in Keras 2, where
      // it is the size of the table
      c.remove("input_dim");
    }
    return c;
  }

  /** A Keras 1 {@code Merge} layer of a functional model → the Keras 2 merge layer class. */
  private static ObjectNode merge(Path file, String name, ObjectNode source)
      throws ConversionException {
    if (source.path("layers").isArray() && !source.path("layers").isEmpty()) {
      throw new ConversionException(
          file + ": layer '" + name + "' is a Keras 1 Merge of whole Sequential branches inside a"
              + " Sequential model, which has no Keras 2 / TensorFlow.js equivalent. Rebuild the"
              + " model with the functional API (merge layers on tensors) and save it again.");
    }
    String mode = source.path("mode").asText("sum");
    if (!"raw".equals(source.path("mode_type").asText("raw"))) {
      throw new ConversionException(
          file + ": layer '" + name + "' (Merge) merges with a Python function (mode_type "
              + source.path("mode_type").asText() + "), which no JavaScript runtime can execute."
              + " Replace it with a built-in merge mode and save the model again.");
    }
    ObjectNode config = JSON.objectNode();
    config.put("name", name);
    config.put("trainable", source.path("trainable").asBoolean(true));
    String className;
    switch (mode) {
      case "sum" -> className = "Add";
      case "mul" -> className = "Multiply";
      case "ave" -> className = "Average";
      case "max" -> className = "Maximum";
      case "concat" -> {
        className = "Concatenate";
        config.put("axis", source.path("concat_axis").asInt(-1));
      }
      case "dot", "cos" -> {
        className = "Dot";
        JsonNode axes = source.path("dot_axes");
        config.set("axes", axes.isMissingNode() || axes.isNull() ? JSON.numberNode(-1) : axes.deepCopy());
        config.put("normalize", mode.equals("cos"));
      }
      default -> throw new ConversionException(
          file + ": layer '" + name + "' is a Keras 1 Merge with mode '" + mode
              + "', which TensorFlow.js has no layer for.");
    }
    ObjectNode result = JSON.objectNode();
    result.put("class_name", className);
    result.set("config", config);
    return result;
  }

  private static void padding(Path file, String name, String className, ObjectNode c)
      throws ConversionException {
    JsonNode mode = c.remove("border_mode");
    if (mode == null) {
      return;
    }
    String padding = mode.asText("valid");
    if (!padding.equals("valid") && !padding.equals("same")) {
      throw new ConversionException(
          file + ": layer '" + name + "' (" + className + ") uses border_mode '" + padding
              + "', which TensorFlow.js does not support (only 'valid' and 'same'). Add a"
              + " ZeroPadding layer and use 'valid' instead, then save the model again.");
    }
    c.put("padding", padding);
  }

  private static void dataFormat(ObjectNode c) {
    JsonNode ordering = c.remove("dim_ordering");
    if (ordering == null) {
      return;
    }
    c.put("data_format", "th".equals(ordering.asText()) ? "channels_first" : "channels_last");
  }

  private static JsonNode zeroPadding2D(Path file, String name, JsonNode padding)
      throws ConversionException {
    if (padding == null || padding.isNull()) {
      return JSON.arrayNode().add(JSON.arrayNode().add(1).add(1)).add(JSON.arrayNode().add(1).add(1));
    }
    if (padding.isInt()) {
      int p = padding.asInt();
      return JSON.arrayNode().add(JSON.arrayNode().add(p).add(p)).add(JSON.arrayNode().add(p).add(p));
    }
    if (padding.isObject()) {
      return JSON.arrayNode()
          .add(JSON.arrayNode().add(padding.path("top_pad").asInt()).add(padding.path("bottom_pad").asInt()))
          .add(JSON.arrayNode().add(padding.path("left_pad").asInt()).add(padding.path("right_pad").asInt()));
    }
    if (padding.isArray() && padding.size() == 2 && padding.get(0).isNumber()) {
      int rows = padding.get(0).asInt();
      int cols = padding.get(1).asInt();
      return JSON.arrayNode().add(JSON.arrayNode().add(rows).add(rows)).add(JSON.arrayNode().add(cols).add(cols));
    }
    if (padding.isArray() && padding.size() == 4) {
      return JSON.arrayNode()
          .add(JSON.arrayNode().add(padding.get(0).asInt()).add(padding.get(1).asInt()))
          .add(JSON.arrayNode().add(padding.get(2).asInt()).add(padding.get(3).asInt()));
    }
    if (padding.isArray() && padding.size() == 2 && padding.get(0).isArray()) {
      return padding.deepCopy();
    }
    throw new ConversionException(
        file + ": layer '" + name + "' (ZeroPadding2D) has a padding the converter does not"
            + " understand: " + padding);
  }

  private static void rename(ObjectNode c, String from, String to) {
    move(c, from, to, UnaryOperator.identity());
  }

  /** Moves the setting {@code from} to {@code to}, translating its value; absent stays absent. */
  private static void move(
      ObjectNode c, String from, String to, UnaryOperator<JsonNode> translate) {
    if (c.has(from)) {
      JsonNode value = c.remove(from);
      c.set(to, translate.apply(value));
    }
  }

  private static void copy(ObjectNode from, ObjectNode to, String key) {
    if (from.has(key)) {
      to.set(key, from.get(key).deepCopy());
    }
  }

  private static void initializer(ObjectNode c, String from, String to) {
    move(c, from, to, Keras1Config::initializer);
  }

  private static JsonNode initializer(JsonNode value) {
    if (value == null || value.isNull()) {
      return JSON.nullNode();
    }
    if (value.isObject()) {
      return value;
    }
    String name = value.asText();
    ObjectNode init = JSON.objectNode();
    ObjectNode config = JSON.objectNode();
    switch (name) {
      case "uniform" -> {
        config.put("minval", -0.05);
        config.put("maxval", 0.05);
        config.putNull("seed");
      }
      case "normal" -> {
        config.put("mean", 0.0);
        config.put("stddev", 0.05);
        config.putNull("seed");
      }
      case "orthogonal" -> {
        config.put("gain", 1.0);
        config.putNull("seed");
      }
      case "identity" -> config.put("gain", 1.0);
      case "zero", "one" -> { }
      default -> config.putNull("seed");
    }
    String className = INITIALIZERS.get(name);
    if (className == null) {
      // an initializer only matters for training; use Keras 2's default rather than fail
      className = "GlorotUniform";
    }
    init.put("class_name", className);
    init.set("config", config);
    return init;
  }

  private static void defaultInitializer(ObjectNode c, String key, String className) {
    if (!c.hasNonNull(key)) {
      ObjectNode init = JSON.objectNode();
      init.put("class_name", className);
      init.putObject("config");
      c.set(key, init);
    }
  }

  private static void regularizer(ObjectNode c, String from, String to) {
    move(c, from, to, Keras1Config::regularizer);
  }

  /** {@code {"name": "WeightRegularizer", "l1": a, "l2": b}} → {@code L1L2}. */
  private static JsonNode regularizer(JsonNode value) {
    if (value == null || value.isNull() || value.has("class_name")) {
      return value == null ? JSON.nullNode() : value;
    }
    if (!value.isObject()) {
      return JSON.nullNode();
    }
    double l1 = value.path("l1").asDouble(0);
    double l2 = value.path("l2").asDouble(0);
    if (l1 == 0 && l2 == 0) {
      return JSON.nullNode();
    }
    ObjectNode regularizer = JSON.objectNode();
    regularizer.put("class_name", "L1L2");
    regularizer.putObject("config").put("l1", l1).put("l2", l2);
    return regularizer;
  }

  private static void constraint(ObjectNode c, String from, String to) {
    move(c, from, to, Keras1Config::constraint);
  }

  /** Constraints only act during training: translate the common ones, drop the rest. */
  private static JsonNode constraint(JsonNode value) {
    if (value == null || !value.isObject()) {
      return JSON.nullNode();
    }
    if (value.has("class_name")) {
      return value;
    }
    ObjectNode constraint = JSON.objectNode();
    ObjectNode config = JSON.objectNode();
    switch (value.path("name").asText()) {
      case "MaxNorm" -> {
        constraint.put("class_name", "MaxNorm");
        config.put("max_value", value.path("m").asDouble(2));
        config.put("axis", value.path("axis").asInt(0));
      }
      case "NonNeg" -> constraint.put("class_name", "NonNeg");
      case "UnitNorm" -> {
        constraint.put("class_name", "UnitNorm");
        config.put("axis", value.path("axis").asInt(0));
      }
      default -> {
        return JSON.nullNode();
      }
    }
    constraint.set("config", config);
    return constraint;
  }
}
