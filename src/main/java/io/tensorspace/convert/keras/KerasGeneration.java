package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Which Keras wrote a model config: Keras 1 and Keras 3 configs are translated
 * ({@link Keras1Config}, {@link Keras3Config}), Keras 2 ones are read as they are. A class of its
 * own, so that a Keras 2 file does not load (and verify) those two large ones just to be told
 * apart from them.
 */
final class KerasGeneration {
  /** Keys that only Keras 1 writes; one of them in any layer marks a Keras 1 config. */
  private static final Set<String> KERAS1_KEYS = Set.of(
      "output_dim", "nb_filter", "nb_row", "init", "inner_init", "border_mode", "subsample",
      "dim_ordering", "W_regularizer", "input_dtype", "consume_less", "pool_length");

  private KerasGeneration() {}

  /** Whether the config was written by Keras 1 ({@code keras_version 1.x}, or Keras 1 keys). */
  static boolean isKeras1(String kerasVersion, JsonNode modelConfig) {
    if (kerasVersion != null && !kerasVersion.isBlank()) {
      return kerasVersion.trim().startsWith("1.");
    }
    for (JsonNode layer : layers(modelConfig.path("config"))) {
      JsonNode config = layer.path("config");
      for (String key : KERAS1_KEYS) {
        if (config.has(key)) {
          return true;
        }
      }
      if (layer.path("class_name").asText().equals("TimeDistributedDense")
          || layer.path("class_name").asText().equals("Merge")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the config was written by Keras 3 ({@code keras_version 3.x}, or Keras 3 markers). */
  static boolean isKeras3(String kerasVersion, JsonNode modelConfig) {
    if (kerasVersion != null && isThree(kerasVersion.trim())) {
      return true;
    }
    return modelConfig.has("module") || modelConfig.has("registered_name")
        || hasKeras3Markers(modelConfig.path("config"));
  }

  /**
   * Whether {@code version} matches {@code 3(\..*)?}, without compiling the pattern: "3", or "3."
   * and then no line terminator (which the pattern's dot does not match).
   */
  private static boolean isThree(String version) {
    if (!version.startsWith("3")) {
      return false;
    }
    if (version.length() == 1) {
      return true;
    }
    if (version.charAt(1) != '.') {
      return false;
    }
    for (int i = 2; i < version.length(); i++) {
      char c = version.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }

  private static boolean hasKeras3Markers(JsonNode config) {
    for (JsonNode layer : layers(config)) {
      if (layer.has("module") || layer.path("config").has("batch_shape")
          || layer.path("config").path("dtype").isObject()) {
        return true;
      }
      for (JsonNode node : layer.path("inbound_nodes")) {
        if (node.isObject()) {
          return true;
        }
      }
    }
    return false;
  }

  /** A config's layers: a Sequential's list of Keras 1, or a model's {@code layers}. */
  private static JsonNode layers(JsonNode config) {
    return config.isArray() ? config : config.path("layers");
  }
}
