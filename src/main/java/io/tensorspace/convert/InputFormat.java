package io.tensorspace.convert;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kinds of model this plugin reads. Every message that tells the user what the plugin reads
 * takes the list from here, so it never names fewer formats than exist.
 */
public enum InputFormat {
  KERAS_HDF5("Keras HDF5 model",
      "a Keras HDF5 model (.h5 from model.save: Keras 1, Keras 2, tf.keras, Keras 3)", false),
  KERAS_TOPOLOGY_JSON("Keras topology JSON", "a Keras topology .json (model.to_json()) with its"
      + " save_weights .h5 as <weights>", false),
  KERAS3_ARCHIVE("Keras 3 archive", "a Keras 3 .keras archive", false),
  SAVED_MODEL("TensorFlow SavedModel",
      "a TensorFlow SavedModel folder (saved_model.pb with variables/)", true),
  FROZEN_GRAPH("frozen TensorFlow graph", "a frozen TensorFlow GraphDef .pb", true),
  TFJS_LAYERS("TensorFlow.js layers model",
      "a TensorFlow.js layers model (model.json with its weight files)", false),
  TFJS_GRAPH("TensorFlow.js graph model",
      "a TensorFlow.js graph model (model.json with its weight files)", true),
  TFJS_0_GRAPH("TensorFlow.js 0.x graph model", "a TensorFlow.js 0.x graph model"
      + " (tensorflowjs_model.pb with weights_manifest.json)", true),
  ONNX("ONNX model", "an ONNX model (.onnx, e.g. from torch.onnx.export)", true);

  private final String shortName;
  private final String description;
  private final boolean graph;

  InputFormat(String shortName, String description, boolean graph) {
    this.shortName = shortName;
    this.description = description;
    this.graph = graph;
  }

  /** A few words, e.g. "Keras 3 archive", for listing files. */
  public String shortName() {
    return shortName;
  }

  /** What a user would call it, e.g. "a Keras 3 .keras archive". */
  public String description() {
    return description;
  }

  /** Whether it is a TensorFlow graph, converted to a TensorFlow.js graph-model. */
  public boolean isGraph() {
    return graph;
  }

  /** Every format, for messages: "the plugin reads: a Keras HDF5 model (...); ...". */
  public static String all() {
    return "The plugin reads a file or folder holding " + values().length + " kinds of model: "
        + Arrays.stream(values()).map(InputFormat::description).collect(Collectors.joining("; "))
        + ".";
  }
}
