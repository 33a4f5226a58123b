package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes a layers model loadable by TensorFlow.js 1.x and 4.x, or refuses it with a message naming
 * the layer: renames classes tfjs knows under another name, replaces inference-time identities
 * tfjs lacks, and clears settings that only matter for training but make tfjs throw.
 */
public final class TfjsCompatibility {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Classes TensorFlow.js registers (tfjs-layers), as Keras names them. */
  static final Set<String> SUPPORTED = Set.of(
      "Activation", "Add", "AlphaDropout", "Average", "AveragePooling1D", "AveragePooling2D",
      "AveragePooling3D", "BatchNormalization", "Bidirectional", "Concatenate", "Conv1D", "Conv2D",
      "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "ConvLSTM2D", "Cropping2D", "Dense", "DepthwiseConv2D", "Dot",
      "Dropout", "ELU", "Embedding", "Flatten", "GaussianDropout", "GaussianNoise",
      "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
      "GlobalMaxPooling2D", "GRU", "InputLayer", "LayerNormalization", "LeakyReLU", "LSTM",
      "Masking", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "Maximum", "Minimum", "Multiply",
      "Permute", "PReLU", "ReLU", "RepeatVector", "Reshape", "SeparableConv2D", "SimpleRNN",
      "Softmax", "SpatialDropout1D", "ThresholdedReLU", "TimeDistributed", "UpSampling2D",
      "ZeroPadding2D", "Model", "Sequential",
      // registered only by newer tfjs, see TfjsVersions and requirements()
      "Rescaling", "Resizing", "CenterCrop", "CategoryEncoding");

  private static final Map<String, String> RENAMED = Map.of(
      "BatchNormalizationV1", "BatchNormalization",
      "UnifiedGRU", "GRU",
      "UnifiedLSTM", "LSTM",
      "Functional", "Model",
      "Convolution1D", "Conv1D",
      "Convolution2D", "Conv2D");

  /** Layers that are the identity at inference time; tfjs lacks them, so they become linear. */
  private static final Set<String> INFERENCE_IDENTITY = Set.of("SpatialDropout2D", "SpatialDropout3D");

  private static final Map<String, String> REFUSED = Map.of(
      "Lambda", "it holds Python bytecode, which no JavaScript runtime can execute",
      "TensorFlowOpLayer", "it holds raw TensorFlow ops, which TensorFlow.js layers cannot run",
      "TFOpLambda", "it wraps a raw TensorFlow function, which TensorFlow.js layers cannot run",
      "SlicingOpLambda", "it wraps raw TensorFlow slicing, which TensorFlow.js layers cannot run");

  public LayersModel apply(LayersModel model) throws ConversionException {
    ObjectNode config = model.modelConfig();
    ArrayNode layers = (ArrayNode) config.path("config").path("layers");
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode layer : layers) {
      names.add(layer.path("name").asText());
    }
    Map<String, List<Long>> shapes = Shapes.infer(model);
    Rewriting rewriting = new Rewriting(model.source(), names, shapes);
    Map<String, List<Weight>> weights = new LinkedHashMap<>(model.weightsByLayer());
    ArrayNode rewritten = config.arrayNode();
    for (JsonNode node : layers) {
      ObjectNode layer = (ObjectNode) node;
      String className = RENAMED.getOrDefault(
          layer.path("class_name").asText(), layer.path("class_name").asText());
      layer.put("class_name", className);
      String name = layer.path("name").asText();
      UnfaithfulSettings.check(model.source(), layer, shapes);
      Rewriting.Replacement replacement =
          rewrite(rewriting, layer, weights.getOrDefault(name, List.of()));
      if (replacement == null) {
        fixLayer(model.source(), layer, true);
        rewritten.add(layer);
        continue;
      }
      for (ObjectNode added : replacement.layers()) {
        fixLayer(model.source(), added, true);
        rewritten.add(added);
      }
      weights = replaceWeights(weights, name, replacement.weights());
    }
    ((ObjectNode) config.get("config")).set("layers", rewritten);
    return model.withConfig(config, weights).withHelperLayers(rewriting.helpers());
  }

  /**
   * What the converted model needs beyond TensorFlow.js 1.x, which TensorSpace 0.6.1 ships: one
   * message per layer whose class tfjs registers only from a later version (e.g. ConvLSTM2D needs
   * 2.4.0). Empty when the model loads in tfjs 1.x. Callers log these as warnings.
   */
  public static List<String> requirements(LayersModel model) {
    List<String> messages = new ArrayList<>();
    for (TfjsVersions.Requirement requirement
        : TfjsVersions.of(model.configView().path("config").path("layers"))) {
      messages.add(requirement.message());
    }
    return messages;
  }

  /**
   * The lowest TensorFlow.js version that loads the converted model: {@code "1.7.4"} (the
   * tfjs 1.x line, checked with 1.7.4) unless a layer needs a later one, see
   * {@link #requirements}.
   */
  public static String minimumTfjsVersion(LayersModel model) {
    String version = TfjsVersions.BASELINE;
    for (TfjsVersions.Requirement requirement :
        TfjsVersions.of(model.configView().path("config").path("layers"))) {
      version = TfjsVersions.max(version, requirement.version());
    }
    return version;
  }

  /** The rewrite a top-level layer needs, or null if it loads in tfjs as it is. */
  private static Rewriting.Replacement rewrite(
      Rewriting rewriting, ObjectNode layer, List<Weight> weights) throws ConversionException {
    // by class name first: a model without these layers loads none of the rewrites' classes
    return switch (layer.path("class_name").asText()) {
      case "ELU" -> EluRewrite.applies(layer) ? EluRewrite.rewrite(rewriting, layer) : null;
      case "Conv1D" -> Conv1DRewrite.applies(layer)
          ? Conv1DRewrite.rewrite(rewriting, layer, weights) : null;
      case "Attention" -> AttentionRewrite.rewrite(rewriting, layer, weights);
      case "LocallyConnected2D" -> LocallyConnected2DRewrite.rewrite(rewriting, layer, weights);
      case "Cropping3D" -> Cropping3DRewrite.rewrite(rewriting, layer);
      default -> null;
    };
  }

  /** The weights with one layer's entry replaced, in place, by the replacement's entries. */
  private static Map<String, List<Weight>> replaceWeights(
      Map<String, List<Weight>> weights, String layer, Map<String, List<Weight>> replacement) {
    Map<String, List<Weight>> result = new LinkedHashMap<>();
    boolean placed = false;
    for (Map.Entry<String, List<Weight>> entry : weights.entrySet()) {
      if (entry.getKey().equals(layer)) {
        result.putAll(replacement);
        placed = true;
      } else {
        result.put(entry.getKey(), entry.getValue());
      }
    }
    if (!placed) {
      result.putAll(replacement);
    }
    return result;
  }

  private void fixLayers(Path file, ArrayNode layers, boolean topLevel)
      throws ConversionException {
    for (JsonNode node : layers) {
      fixLayer(file, (ObjectNode) node, topLevel);
    }
  }

  private void fixLayer(Path file, ObjectNode layer, boolean topLevel) throws ConversionException {
    String className = layer.path("class_name").asText();
    ObjectNode config = layer.path("config") instanceof ObjectNode c ? c : layer.putObject("config");
    String name = layer.has("name") ? layer.path("name").asText() : config.path("name").asText();
    String configName = config.path("name").asText(name);
    if (!configName.equals(name)) {
      // tf.keras names op layers 'tf_op_layer_<op>' but keeps '<op>' in their config: show both
      name = name + "' ('" + configName;
    }
    className = RENAMED.getOrDefault(className, className);
    if (INFERENCE_IDENTITY.contains(className)) {
      ObjectNode linear = JSON.objectNode();
      linear.put("name", configName);
      linear.put("trainable", config.path("trainable").asBoolean(true));
      linear.put("dtype", config.path("dtype").asText("float32"));
      linear.put("activation", "linear");
      layer.set("config", linear);
      config = linear;
      className = "Activation";
    }
    String refusal = REFUSED.get(className);
    if (refusal != null) {
      throw new ConversionException(
          file + ": layer '" + name + "' (" + className + ") cannot be converted: " + refusal
              + ". Replace it with built-in Keras layers and save the model again, or leave it out"
              + " of the model you convert.");
    }
    if (!SUPPORTED.contains(className)) {
      throw new ConversionException(
          file + ": layer '" + name + "' has class '" + className + "', which TensorFlow.js"
              + " cannot load. Replace it with a layer TensorFlow.js supports (see the README's"
              + " layer table) and save the model again.");
    }
    if (!topLevel && needsRewrite(layer, className)) {
      throw new ConversionException(
          file + ": layer '" + name + "' (" + className + ") inside a nested model or wrapper"
              + " needs a rewrite for TensorFlow.js, which is only done for layers of the"
              + " outer model. Flatten the nested model (rebuild it from its layers) and save the"
              + " model again.");
    }
    if (className.equals("GRU") && config.path("reset_after").asBoolean(false)) {
      throw new ConversionException(
          file + ": layer '" + name + "' (GRU) cannot be converted: it uses reset_after=True"
              + " (the tf.keras 2 default, CuDNN-compatible), which TensorFlow.js does not"
              + " implement, and no faithful rewrite into TensorFlow.js layers exists. Rebuild"
              + " the layer with reset_after=False and retrain it, or use LSTM.");
    }
    layer.put("class_name", className);
    fixConfig(config, className);
    switch (className) {
      case "Model", "Sequential" -> {
        JsonNode inner = config.isArray() ? config : config.path("layers");
        if (inner instanceof ArrayNode innerLayers) {
          fixLayers(file, innerLayers, false);
        }
      }
      case "Bidirectional", "TimeDistributed" -> {
        if (config.path("layer") instanceof ObjectNode wrapped) {
          fixLayer(file, wrapped, false);
        }
      }
      default -> { }
    }
  }

  private static boolean needsRewrite(ObjectNode layer, String className) {
    ObjectNode probe = layer.deepCopy();
    probe.put("class_name", className);
    return EluRewrite.applies(probe) || Conv1DRewrite.applies(probe)
        || AttentionRewrite.applies(probe) || LocallyConnected2DRewrite.applies(probe)
        || Cropping3DRewrite.applies(probe);
  }

  private static void fixConfig(ObjectNode config, String className) {
    if (config.has("batch_shape") && !config.has("batch_input_shape")) {
      config.set("batch_input_shape", config.remove("batch_shape"));
    }
    if (className.equals("InputLayer")
        && config.path("batch_input_shape") instanceof ArrayNode shape && !shape.isEmpty()) {
      // TensorSpace predicts one sample at a time; a batch size fixed at training would refuse it
      shape.set(0, JSON.nullNode());
    }
    String dtype = config.path("dtype").asText("float32");
    if (config.has("dtype") && !List.of("float32", "int32", "bool").contains(dtype)) {
      // tfjs tensors are float32, int32 or bool only: index inputs become int32, the rest float32
      boolean integer = dtype.startsWith("int") || dtype.startsWith("uint");
      config.put("dtype", integer ? "int32" : "float32");
    }
    if (className.equals("BatchNormalization") && config.path("axis").isArray()
        && config.path("axis").size() == 1) {
      config.put("axis", config.path("axis").get(0).asInt());
    }
    for (Iterator<String> keys = config.fieldNames(); keys.hasNext(); ) {
      if (trainingOnly(keys.next())) {
        keys.remove();
      }
    }
  }

  /**
   * Settings that only shape training: initializers (the weights come from the file),
   * regularizers and constraints, of any layer class. tfjs deserializes them while loading,
   * refuses several values Keras writes (kernel_* on SeparableConv2D, the L1/L2 regularizers of
   * tf.keras and Keras 3, an untruncated VarianceScaling, in tfjs 1.x an Orthogonal initializer
   * of a convolution kernel, …) and applies constraints to the weights it loads, so they are left
   * out and tfjs uses its defaults.
   */
  private static boolean trainingOnly(String key) {
    return key.endsWith("_initializer") || key.endsWith("_regularizer")
        || key.endsWith("_constraint");
  }
}
