package io.tensorspace.convert;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kinds of model this plugin reads. Every message that tells the user what the plugin reads
 * takes the list from here, so it never names fewer formats than exist.
 */
public enum InputFormat {
  KERAS_HDF5("a Keras HDF5 model (.h5 from model.save: Keras 1, Keras 2, tf.keras, Keras 3)", false),
  KERAS_TOPOLOGY_JSON("a Keras topology .json (model.to_json()) with its save_weights .h5 as"
      + " <weights>", false),
  KERAS3_ARCHIVE("a Keras 3 .keras archive", false),
  SAVED_MODEL("a TensorFlow SavedModel folder (saved_model.pb with variables/)", true),
  FROZEN_GRAPH("a frozen TensorFlow GraphDef .pb", true),
  TFJS_LAYERS("a TensorFlow.js layers model (model.json with its weight files)", false),
  TFJS_GRAPH("a TensorFlow.js graph model (model.json with its weight files)", true),
  TFJS_0_GRAPH("a TensorFlow.js 0.x graph model (tensorflowjs_model.pb with"
      + " weights_manifest.json)", true);

  private final String description;
  private final boolean graph;

  InputFormat(String description, boolean graph) {
    this.description = description;
    this.graph = graph;
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
