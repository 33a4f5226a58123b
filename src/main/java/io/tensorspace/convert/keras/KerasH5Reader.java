package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.hdf5.Hdf5File;
import io.tensorspace.convert.hdf5.Hdf5Object;
import io.tensorspace.convert.hdf5.Hdf5Unsupported;
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
 *
 * <p>Files are read with the small {@link Hdf5File}, which reads the plain layout Keras and h5py
 * write; a file it does not read, or whose reading fails in any way, is read again from the start
 * by {@link JhdfKerasFiles} (jHDF), which then gives the result or reports the error. jHDF's ~90
 * classes and their first, interpreted run were most of converting a Keras file.
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
    try (Hdf5File plain = Hdf5File.open(file)) {
      Hdf5Object root = plain.root();
      if (PlainWeights.has(root, "model_config")) {
        return Content.MODEL;
      }
      return PlainWeights.has(root, "layer_names") ? Content.WEIGHTS_ONLY : Content.NO_MODEL;
    } catch (IOException | RuntimeException e) {
      return JhdfKerasFiles.content(file);
    }
  }

  /** Reads a combined HDF5 model file. */
  public LayersModel readCombined(Path file) throws ConversionException, IOException {
    try {
      Hdf5File hdf = Hdf5File.open(file);
      Hdf5Object root = hdf.root();
      String config = PlainWeights.string(root, "model_config");
      Hdf5Object weights = root.child("model_weights");
      if (config == null || weights == null || weights.isDataset()) {
        throw new Hdf5Unsupported("no model config or weights"); // jHDF's path says which
      }
      return build(file, hdf, parse(file, config), versionOf(root),
          new PlainWeights(file, weights));
    } catch (ConversionException | IOException | RuntimeException e) {
      return JhdfKerasFiles.readCombined(file);
    }
  }

  /** Reads a topology JSON file paired with a weights-only HDF5 file. */
  public LayersModel readSeparated(Path topologyJson, Path weightsFile)
      throws ConversionException, IOException {
    JsonNode topology = parse(topologyJson, Files.readString(topologyJson));
    try {
      Hdf5File hdf = Hdf5File.open(weightsFile);
      Hdf5Object root = hdf.root();
      Hdf5Object weights = root;
      Hdf5Object child = root.child("model_weights");
      if (!PlainWeights.has(root, "layer_names") && child != null && !child.isDataset()) {
        weights = child;
      }
      // a copy: build takes over its config's nodes, and jHDF's path may need the topology again
      return build(weightsFile, hdf, topology.deepCopy(), version(topology, versionOf(root)),
          new PlainWeights(weightsFile, weights));
    } catch (ConversionException | IOException | RuntimeException e) {
      return JhdfKerasFiles.readSeparated(topology, weightsFile);
    }
  }

  /** The Keras version and backend a file names (either may be null). */
  record Version(String keras, String backend) {}

  /** The versions a plainly read file's root names. */
  private static Version versionOf(Hdf5Object root) {
    return new Version(PlainWeights.string(root, "keras_version"),
        PlainWeights.string(root, "backend"));
  }

  /** A topology JSON's versions, else those stored with the weights. */
  static Version version(JsonNode topology, Version stored) {
    return new Version(topology.path("keras_version").asText(stored.keras()),
        topology.path("backend").asText(stored.backend()));
  }

  static JsonNode parse(Path file, String json) throws ConversionException {
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
    if (KerasGeneration.isKeras1(kerasVersion, modelConfig)) {
      return Keras1Config.translateModel(file, modelConfig);
    }
    if (KerasGeneration.isKeras3(kerasVersion, modelConfig)) {
      return Keras3Config.normalise(file, modelConfig);
    }
    return modelConfig;
  }

  /** The model of {@code modelConfig} (whose nodes it takes over) and its weights. */
  static LayersModel build(Path file, AutoCloseable hdf, JsonNode modelConfig,
      Version version, WeightsGroup weightsGroup) throws ConversionException {
    boolean keras1 = KerasGeneration.isKeras1(version.keras(), modelConfig);
    JsonNode config = kerasTwoConfig(file, version.keras(), modelConfig);
    ObjectNode functional = KerasTopology.toFunctionalReusing(file, config);
    Map<String, ObjectNode> layersByName = new LinkedHashMap<>();
    for (JsonNode layer : functional.path("config").path("layers")) {
      layersByName.put(layer.path("name").asText(), (ObjectNode) layer);
    }
    List<String> layers = weightsGroup.layerNames();
    boolean theano = "theano".equals(version.backend())
        || (keras1 && version.backend() == null && writtenByTheano(weightsGroup, layers));
    // Keras 3 names variables by their path, which may start with the model's name (tfjs#8321)
    boolean keras3Version = version.keras() != null && version.keras().trim().startsWith("3.");
    String modelPrefix = keras3Version ? functional.path("config").path("name").asText("") + "/" : null;
    Map<String, List<Weight>> weights = new LinkedHashMap<>();
    for (int index = 0; index < layers.size(); index++) {
      String layer = layers.get(index);
      weightsGroup.reached(index);
      List<String> names = weightsGroup.weightNames(layer);
      if (names.isEmpty()) {
        continue;
      }
      ObjectNode layerConfig = layersByName.get(layer);
      String className = layerConfig == null ? null : layerConfig.path("class_name").asText();
      boolean nested = NESTED_MODELS.contains(className);
      List<Weight> layerWeights = new ArrayList<>();
      for (int w = 0; w < names.size(); w++) {
        String storedName = names.get(w);
        if (keras1) {
          layerWeights.add(weightsGroup.weight(layer, w, storedName,
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
        Weight weight = weightsGroup.weight(layer, w, storedName,
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
   * Keras 1 files carry no backend attribute. TensorFlow variables are named {@code name:0};
   * Theano shared variables have no such suffix, so a file whose weight names all lack it was
   * written with Theano.
   */
  private static boolean writtenByTheano(WeightsGroup weightsGroup, List<String> layers)
      throws ConversionException {
    boolean any = false;
    for (String layer : layers) {
      for (String name : weightsGroup.weightNames(layer)) {
        if (name.endsWith(":0")) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }
}
