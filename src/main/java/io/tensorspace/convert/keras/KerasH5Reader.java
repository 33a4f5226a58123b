package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import io.tensorspace.convert.ConversionException;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NESTED_MODELS = Set.of("Model", "Functional", "Sequential");

  /** Reads a combined HDF5 model file. */
  public LayersModel readCombined(Path file) throws ConversionException, IOException {
    HdfFile hdf = open(file);
    try {
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
      return build(file, hdf, parse(file, config), versionOf(hdf), weightsGroup);
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
    try {
      Group weights = hdf;
      if (!H5Attributes.has(hdf, "layer_names") && hdf.getChild("model_weights") instanceof Group g) {
        weights = g;
      }
      Version stored = versionOf(hdf);
      Version version = new Version(
          topology.path("keras_version").asText(stored.keras()),
          topology.path("backend").asText(stored.backend()));
      return build(weightsFile, hdf, topology, version, weights);
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
  }

  private static HdfFile open(Path file) throws ConversionException {
    try {
      return new HdfFile(file);
    } catch (HdfException e) {
      throw new ConversionException(file + " is not a readable HDF5 file: " + e.getMessage(), e);
    }
  }

  private record Version(String keras, String backend) {}

  private static Version versionOf(HdfFile hdf) {
    return new Version(
        H5Attributes.string(hdf, "keras_version"), H5Attributes.string(hdf, "backend"));
  }

  private static JsonNode parse(Path file, String json) throws ConversionException {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new ConversionException(file + ": the model config is not a JSON object.");
      }
      return node;
    } catch (IOException e) {
      throw new ConversionException(
          file + ": the model config is not valid JSON (" + e.getMessage() + ").", e);
    }
  }

  private LayersModel build(
      Path file, HdfFile hdf, JsonNode modelConfig, Version version, Group weightsGroup)
      throws ConversionException {
    ObjectNode functional = KerasTopology.toFunctional(file, modelConfig);
    boolean theano = "theano".equals(version.backend());
    Map<String, String> classes = new LinkedHashMap<>();
    for (JsonNode layer : functional.path("config").path("layers")) {
      classes.put(layer.path("name").asText(), layer.path("class_name").asText());
    }
    Map<String, List<Weight>> weights = new LinkedHashMap<>();
    for (String layer : layerNames(weightsGroup)) {
      List<String> names = H5Attributes.strings(group(file, weightsGroup, layer), "weight_names");
      if (names.isEmpty()) {
        continue;
      }
      Group layerGroup = group(file, weightsGroup, layer);
      List<Weight> layerWeights = new ArrayList<>();
      for (String storedName : names) {
        Node node = layerGroup.getByPath(storedName);
        if (!(node instanceof Dataset dataset)) {
          throw new ConversionException(
              file + ": layer '" + layer + "' lists weight '" + storedName
                  + "' but the file has no such dataset. The file is damaged; save it again.");
        }
        boolean nested = NESTED_MODELS.contains(classes.get(layer));
        Weight weight =
            H5Tensor.weight(file, WeightNames.tfjsName(layer, nested, storedName), dataset);
        if (theano && KernelFlip.applies(classes.get(layer), weight)) {
          weight = KernelFlip.flip(weight);
        }
        layerWeights.add(weight);
      }
      weights.put(layer, layerWeights);
    }
    String generatedBy = version.keras() == null ? "keras" : "keras v" + version.keras();
    return new LayersModel(file, generatedBy, functional, weights, hdf);
  }

  private static List<String> layerNames(Group weightsGroup) {
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
