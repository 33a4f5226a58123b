package io.tensorspace.convert.tfjs.layers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonSyntaxException;
import io.tensorspace.convert.tfjs.ModelJsonOutline;
import io.tensorspace.convert.keras.KerasTopology;
import io.tensorspace.convert.model.ConcatenatedFiles;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Quantization;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a TensorFlow.js layers model: {@code model.json} (with {@code modelTopology} as
 * {@code {model_config, ...}} or as the bare {@code {class_name, config}}; Sequential in list or
 * dict form, or functional; models nested in models) and the weight files its
 * {@code weightsManifest} lists, whatever they are called. Weight files must sit inside the
 * model.json's folder ({@link ConfinedPaths}). Weights stay in their files until written, and
 * quantized weights (uint8, uint16, float16) keep their stored bytes and quantization entry.
 */
public final class TfjsLayersReader {
  private static final Set<String> NESTED_MODELS = Set.of("Model", "Functional", "Sequential");
  /** The weights are read through channels opened per copy: nothing stays open. */
  private static final AutoCloseable NOTHING_TO_CLOSE = new AutoCloseable() {
    @Override
    public void close() {}
  };

  /** Whether {@code file} is a tfjs layers-model model.json (decided by content, not name). */
  public static boolean isLayersModel(Path file) throws IOException {
    ModelJsonOutline outline = ModelJsonOutline.read(file);
    return outline != null && outline.isLayersModel();
  }

  /**
   * Opens a model.json; {@code weights} must be null, since the manifest names the weight files.
   */
  public LayersModel read(Path modelJson, Path weights) throws ConversionException, IOException {
    if (weights != null) {
      throw new ConversionException(
          modelJson + " is a TensorFlow.js model.json, which lists its own weight files; remove"
              + " <weights> (" + weights + ").");
    }
    return read(modelJson);
  }

  /** Opens a model.json. */
  public LayersModel read(Path modelJson) throws ConversionException, IOException {
    JsonNode root;
    try {
      root = Json.read(modelJson);
    } catch (JsonSyntaxException e) {
      throw new ConversionException(modelJson + " is not valid JSON: " + e.getMessage() + ".", e);
    }
    if (!isLayersModel(modelJson)) {
      throw new ConversionException(
          modelJson + " is not a TensorFlow.js layers model (no modelTopology with a Keras model"
              + " config, or another \"format\").");
    }
    JsonNode topology = root.path("modelTopology");
    if (!topology.isObject()) {
      throw new ConversionException(
          modelJson + " has no modelTopology (it holds weights only). Give a model.json with its"
              + " topology.");
    }
    JsonNode modelConfig = topology.has("model_config") ? topology.get("model_config") : topology;
    if (modelConfig.isTextual()) {
      try {
        modelConfig = Json.read(modelConfig.asText());
      } catch (JsonSyntaxException e) {
        throw new ConversionException(
            modelJson + ": modelTopology.model_config is a string that is not JSON.", e);
      }
    }
    if (!modelConfig.isObject() || !modelConfig.has("class_name")) {
      throw new ConversionException(
          modelJson + ": modelTopology holds no Keras model config (class_name and config).");
    }
    ObjectNode functional = KerasTopology.toFunctional(modelJson, modelConfig);
    Map<String, String> owners = owners(functional);

    JsonNode manifest = root.path("weightsManifest");
    if (!manifest.isArray()) {
      throw new ConversionException(
          modelJson + " has no weightsManifest, so its weights are missing: TensorFlow.js would"
              + " load it with random weights. Give the model.json saved together with its weights.");
    }
    List<Path> files = new ArrayList<>();
    List<JsonNode> specs = new ArrayList<>();
    for (JsonNode group : manifest) {
      JsonNode paths = group.path("paths");
      JsonNode weights = group.path("weights");
      if (!paths.isArray() || !weights.isArray()) {
        throw new ConversionException(
            modelJson + ": a weightsManifest group lacks its 'paths' or 'weights' list: " + group);
      }
      for (JsonNode path : paths) {
        if (!path.isTextual()) {
          throw new ConversionException(modelJson + ": a weight path is not a string: " + path);
        }
        files.add(ConfinedPaths.resolve(modelJson, path.asText()));
      }
      for (JsonNode weight : weights) {
        specs.add(weight);
      }
    }
    ConcatenatedFiles bytes = new ConcatenatedFiles(files);
    Map<String, List<Weight>> byLayer = new LinkedHashMap<>();
    Set<String> names = new HashSet<>();
    long offset = 0;
    for (JsonNode spec : specs) {
      Weight weight = weight(modelJson, spec, bytes, offset);
      offset = Math.addExact(offset, weight.byteLength());
      if (!names.add(weight.name())) {
        throw new ConversionException(
            modelJson + ": the weight '" + weight.name() + "' is listed twice in weightsManifest.");
      }
      String layer = weight.name().contains("/")
          ? weight.name().substring(0, weight.name().indexOf('/'))
          : weight.name();
      String owner = owners.get(layer);
      if (owner == null) {
        throw new ConversionException(
            modelJson + ": the weight '" + weight.name() + "' belongs to no layer of the model (no"
                + " layer is named '" + layer + "'); TensorFlow.js could not load it either.");
      }
      List<Weight> owned = byLayer.get(owner);
      if (owned == null) {
        owned = new ArrayList<>();
        byLayer.put(owner, owned);
      }
      owned.add(weight);
    }
    if (offset > bytes.length()) {
      throw new ConversionException(
          modelJson + ": the weights need " + offset + " bytes but the weight files hold only "
              + bytes.length() + ". A weight file is truncated or belongs to another model.");
    }
    String version = topology.path("keras_version").asText(
        modelConfig.path("keras_version").asText(""));
    String generatedBy = root.path("generatedBy").asText(
        version.isEmpty() ? "TensorFlow.js layers model" : version);
    return new LayersModel(modelJson, generatedBy, functional, byLayer, NOTHING_TO_CLOSE);
  }

  private static Weight weight(Path modelJson, JsonNode spec, ConcatenatedFiles bytes, long offset)
      throws ConversionException {
    String name = spec.path("name").asText("");
    if (name.isEmpty()) {
      throw new ConversionException(modelJson + ": a weightsManifest entry has no name: " + spec);
    }
    JsonNode shapeNode = spec.path("shape");
    if (!shapeNode.isArray()) {
      throw new ConversionException(modelJson + ": weight '" + name + "' has no shape.");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode dim = shapeNode.get(i);
      if (!dim.canConvertToLong() || dim.asLong() < 0) {
        throw new ConversionException(
            modelJson + ": weight '" + name + "' has an invalid shape " + shapeNode + ".");
      }
      shape[i] = dim.asLong();
    }
    String dtypeName = spec.path("dtype").asText("float32");
    DType dtype = switch (dtypeName) {
      case "float32" -> DType.FLOAT32;
      case "int32" -> DType.INT32;
      case "bool" -> DType.BOOL;
      default -> throw new ConversionException(
          modelJson + ": weight '" + name + "' has dtype '" + dtypeName + "'; this plugin converts"
              + " float32, int32 and bool weights.");
    };
    Quantization quantization = null;
    JsonNode q = spec.path("quantization");
    if (q.isObject()) {
      String qType = q.path("dtype").asText("");
      if (!List.of(Quantization.UINT8, Quantization.UINT16, Quantization.FLOAT16).contains(qType)) {
        throw new ConversionException(
            modelJson + ": weight '" + name + "' is quantized as '" + qType + "'; TensorFlow.js"
                + " reads uint8, uint16 and float16.");
      }
      Double min = null;
      Double scale = null;
      if (!qType.equals(Quantization.FLOAT16)) {
        if (!q.path("min").isNumber() || !q.path("scale").isNumber()) {
          throw new ConversionException(
              modelJson + ": weight '" + name + "' is " + qType + "-quantized without numeric"
                  + " 'min' and 'scale'; TensorFlow.js cannot decode it.");
        }
        min = q.get("min").asDouble();
        scale = q.get("scale").asDouble();
      } else if (dtype != DType.FLOAT32) {
        throw new ConversionException(
            modelJson + ": weight '" + name + "' is float16-quantized but its dtype is "
                + dtypeName + "; TensorFlow.js decodes float16 only to float32.");
      }
      String original = q.hasNonNull("original_dtype") ? q.get("original_dtype").asText() : null;
      quantization = new Quantization(qType, min, scale, original);
    }
    Weight weight = new Weight(name, shape, dtype, null, quantization);
    long length;
    try {
      length = weight.byteLength();
    } catch (ArithmeticException e) {
      throw new ConversionException(modelJson + ": weight '" + name + "' is impossibly large.");
    }
    return new Weight(name, shape, dtype, bytes.slice(offset, length), quantization);
  }

  /** Maps every layer name, nested ones included, to the top-level layer that holds it. */
  private static Map<String, String> owners(ObjectNode functional) {
    Map<String, String> owners = new HashMap<>();
    for (JsonNode layer : functional.path("config").path("layers")) {
      String name = layer.path("name").asText();
      owners.put(name, name);
      collectNested(layer, name, owners);
    }
    return owners;
  }

  private static void collectNested(JsonNode layer, String owner, Map<String, String> owners) {
    if (!NESTED_MODELS.contains(layer.path("class_name").asText())) {
      return;
    }
    JsonNode config = layer.path("config");
    JsonNode inner = config.isArray() ? config : config.path("layers");
    for (JsonNode child : inner) {
      String name = child.has("name")
          ? child.path("name").asText()
          : child.path("config").path("name").asText();
      owners.putIfAbsent(name, owner);
      collectNested(child, owner, owners);
    }
  }
}
