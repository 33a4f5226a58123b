package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Keras 2 / tf.keras HDF5 model: either one file with {@code model_config} and
 * {@code model_weights}, or a topology JSON ({@code model.to_json()}) with a weights-only HDF5
 * ({@code save_weights}). Weights stay in the file until written.
 */
public final class KerasH5Reader {
  private static final Set<String> NESTED_MODELS = Set.of("Model", "Functional", "Sequential");

  /** What an HDF5 file holds, as far as choosing the model file of a folder goes. */
  public enum Content { MODEL, WEIGHTS_ONLY, NO_MODEL }

  /**
   * Whether the HDF5 file holds a Keras model ({@code model_config}), only weights
   * ({@code save_weights}) or something else. A file that does not open counts as a model, so
   * that reading it reports the damage.
   */
  public static Content content(Path file) {
    try (HdfFile hdf = H5Files.open(file)) {
      if (H5Attributes.has(hdf, "model_config")) {
        return Content.MODEL;
      }
      return H5Attributes.has(hdf, "layer_names") ? Content.WEIGHTS_ONLY : Content.NO_MODEL;
    } catch (IOException | RuntimeException e) {
      return Content.MODEL;
    }
  }

  /** Reads a combined HDF5 model file. */
  public LayersModel readCombined(Path file) throws ConversionException, IOException {
    HdfFile hdf = open(file);
    try (H5Prefetch prefetch = H5Prefetch.start(hdf)) {
      String config = H5Attributes.string(hdf, "model_config");
      if (config == null) {
        if (H5Attributes.has(hdf, "layer_names")) {
          throw new ConversionException(
              file + " holds only weights (it was written by save_weights). Give the model's"
                  + " topology JSON (model.to_json()) as <source> and this file as <weights>.");
        }
        throw new ConversionException(
            file + " is an HDF5 file but not a Keras model: it has no 'model_config' attribute.");
      }
      Node weights = hdf.getChild("model_weights");
      if (!(weights instanceof Group weightsGroup)) {
        throw new ConversionException(
            file + " has a model config but no 'model_weights' group: save the model with its"
                + " weights (model.save).");
      }
      return build(file, hdf, parse(file, config), versionOf(hdf), weightsGroup, prefetch);
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
  }

  /** Reads a topology JSON file paired with a weights-only HDF5 file. */
  public LayersModel readSeparated(Path topologyJson, Path weightsFile)
      throws ConversionException, IOException {
    JsonNode topology = parse(topologyJson, Files.readString(topologyJson));
    HdfFile hdf = open(weightsFile);
    try (H5Prefetch prefetch = H5Prefetch.start(hdf)) {
      Group weights = hdf;
      if (!H5Attributes.has(hdf, "layer_names") && hdf.getChild("model_weights") instanceof Group g) {
        weights = g;
      }
      Version stored = versionOf(hdf);
      Version version = new Version(
          topology.path("keras_version").asText(stored.keras()),
          topology.path("backend").asText(stored.backend()));
      return build(weightsFile, hdf, topology, version, weights, prefetch);
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
  }

  private static HdfFile open(Path file) throws ConversionException, IOException {
    HdfFile hdf;
    try {
      hdf = H5Files.open(file);
    } catch (HdfException e) {
      throw new ConversionException(file + " is not a readable HDF5 file: " + e.getMessage(), e);
    }
    try {
      checkComplete(file, hdf);
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
    return hdf;
  }

  /** A file shorter than its superblock's end-of-file address was cut short (as HDF5 refuses). */
  private static void checkComplete(Path file, HdfFile hdf) throws ConversionException {
    long base = hdf.getUserBlockSize();
    long end;
    try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
      end = io.jhdf.Superblock.readSuperblock(channel, base).getEndOfFileAddress();
    } catch (IOException e) {
      throw new ConversionException(file + " is not a readable HDF5 file: " + e.getMessage(), e);
    }
    if (end > 0 && end != -1 && hdf.size() < base + end) {
      throw new ConversionException(file + " is truncated: its HDF5 superblock says it ends at byte "
          + (base + end) + ", but the file has only " + hdf.size() + " bytes. Download or copy it"
          + " again.");
    }
  }

  private record Version(String keras, String backend) {}

  private static Version versionOf(HdfFile hdf) {
    return new Version(
        H5Attributes.string(hdf, "keras_version"), H5Attributes.string(hdf, "backend"));
  }

  private static JsonNode parse(Path file, String json) throws ConversionException {
    try {
      JsonNode node = Json.read(json);
      if (node == null || !node.isObject()) {
        throw new ConversionException(file + ": the model config is not a JSON object.");
      }
      return node;
    } catch (IOException e) {
      throw new ConversionException(
          file + ": the model config is not valid JSON (" + e.getMessage() + ").", e);
    }
  }

  /**
   * The model config in the Keras 2 form the later stages read: a Keras 1 config translated, a
   * Keras 3 (or Keras 3 style tf.keras) one normalised, any other as it is.
   */
  static JsonNode kerasTwoConfig(Path file, String kerasVersion, JsonNode modelConfig)
      throws ConversionException {
    if (Keras1Config.isKeras1(kerasVersion, modelConfig)) {
      return Keras1Config.translateModel(file, modelConfig);
    }
    if (Keras3Config.isKeras3(kerasVersion, modelConfig)) {
      return Keras3Config.normalise(file, modelConfig);
    }
    return modelConfig;
  }

  private LayersModel build(Path file, HdfFile hdf, JsonNode modelConfig, Version version,
      Group weightsGroup, H5Prefetch prefetch) throws ConversionException {
    boolean keras1 = Keras1Config.isKeras1(version.keras(), modelConfig);
    JsonNode config = kerasTwoConfig(file, version.keras(), modelConfig);
    ObjectNode functional = KerasTopology.toFunctional(file, config);
    Map<String, ObjectNode> layersByName = new LinkedHashMap<>();
    for (JsonNode layer : functional.path("config").path("layers")) {
      layersByName.put(layer.path("name").asText(), (ObjectNode) layer);
    }
    H5Layers plainLayers = prefetch.layers(weightsGroup);
    List<String> layers = plainLayers.layerNames();
    if (layers == null) {
      layers = layerNames(weightsGroup);
    }
    boolean theano = "theano".equals(version.backend())
        || (keras1 && version.backend() == null && writtenByTheano(file, weightsGroup, layers));
    // Keras 3 names variables by their path, which may start with the model's name (tfjs#8321)
    boolean keras3Version = version.keras() != null && version.keras().trim().startsWith("3.");
    String modelPrefix = keras3Version ? functional.path("config").path("name").asText("") + "/" : null;
    Map<String, List<Weight>> weights = new LinkedHashMap<>();
    for (int index = 0; index < layers.size(); index++) {
      String layer = layers.get(index);
      prefetch.reached(index);
      H5Layers.Layer plain = plainLayers.layer(layer);
      List<String> names = plain != null ? plain.names()
          : H5Attributes.strings(group(file, weightsGroup, layer), "weight_names");
      if (names.isEmpty()) {
        continue;
      }
      Group layerGroup = plain != null ? null : group(file, weightsGroup, layer);
      ObjectNode layerConfig = layersByName.get(layer);
      String className = layerConfig == null ? null : layerConfig.path("class_name").asText();
      boolean nested = NESTED_MODELS.contains(className);
      List<Weight> layerWeights = new ArrayList<>();
      for (int w = 0; w < names.size(); w++) {
        String storedName = names.get(w);
        if (keras1) {
          layerWeights.add(weight(file, layer, layerGroup, plain, w, storedName,
              WeightNames.withoutSuffix(storedName)));
          continue;
        }
        String name = storedName;
        if (keras3Version) {
          name = WeightNames.withoutPrefix(name, modelPrefix);
          if (nested) {
            name = WeightNames.withoutPrefix(name, layer + "/");
          }
          if (layerConfig != null) {
            name = Keras3Config.legacyWeightName(layerConfig, name);
          }
        }
        Weight weight = weight(file, layer, layerGroup, plain, w, storedName,
            WeightNames.tfjsName(layer, nested, name));
        if (theano && KernelFlip.applies(className, weight)) {
          weight = KernelFlip.flip(weight);
        }
        layerWeights.add(weight);
      }
      if (keras1) {
        if (layerConfig == null) {
          throw new ConversionException(
              file + ": the weights file has layer '" + layer + "', which the model config does"
                  + " not have. The weights belong to another model.");
        }
        layerWeights = Keras1Weights.translate(file, layer, layerConfig, layerWeights, theano);
      }
      weights.put(layer, layerWeights);
    }
    String generatedBy = version.keras() == null ? "keras" : "keras v" + version.keras();
    return new LayersModel(file, generatedBy, functional, weights, hdf);
  }

  /**
   * Weight {@code storedName}, the {@code index}th of {@code layer}, as {@code name}: from
   * {@code plain} when {@link H5Layers} read the layer, else from jHDF's {@code layerGroup}.
   */
  private static Weight weight(Path file, String layer, Group layerGroup, H5Layers.Layer plain,
      int index, String storedName, String name) throws ConversionException {
    if (plain != null) {
      return H5Tensor.weight(file, file, name, plain.datasets().get(index));
    }
    Node node = layerGroup.getByPath(storedName);
    if (!(node instanceof Dataset dataset)) {
      throw new ConversionException(
          file + ": layer '" + layer + "' lists weight '" + storedName
              + "' but the file has no such dataset. The file is damaged; save it again.");
    }
    return H5Tensor.weight(file, file, name, dataset);
  }

  /**
   * Keras 1 files carry no backend attribute. TensorFlow variables are named {@code name:0};
   * Theano shared variables have no such suffix, so a file whose weight names all lack it was
   * written with Theano.
   */
  private static boolean writtenByTheano(Path file, Group weightsGroup, List<String> layers)
      throws ConversionException {
    boolean any = false;
    for (String layer : layers) {
      for (String name : H5Attributes.strings(group(file, weightsGroup, layer), "weight_names")) {
        if (name.endsWith(":0")) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  static List<String> layerNames(Group weightsGroup) {
    List<String> names = H5Attributes.strings(weightsGroup, "layer_names");
    return names.isEmpty() ? new ArrayList<>(weightsGroup.getChildren().keySet()) : names;
  }

  private static Group group(Path file, Group parent, String name) throws ConversionException {
    Node node = parent.getByPath(name);
    if (!(node instanceof Group group)) {
      throw new ConversionException(
          file + ": the weights of layer '" + name + "' are missing from '" + parent.getPath()
              + "'. The file is damaged or belongs to another model.");
    }
    return group;
  }
}
