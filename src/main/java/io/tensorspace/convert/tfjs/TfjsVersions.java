package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Layer classes that tfjs registers only from some version on. Each version was checked in the
 * published {@code @tensorflow/tfjs-layers} packages: absent from the previous release, present
 * from the one given. Everything else this converter writes loads in tfjs 1.x (checked with
 * 1.7.4), the line TensorSpace 0.6.1 ships.
 */
public final class TfjsVersions {
  /** The tfjs line every other layer works in. */
  static final String BASELINE = "1.7.4";

  static final Map<String, String> SINCE = Map.of(
      "ConvLSTM2D", "2.4.0",
      "Conv3DTranspose", "3.4.0",
      "Rescaling", "3.21.0",
      "Resizing", "4.0.0",
      "CategoryEncoding", "4.0.0",
      "CenterCrop", "4.1.0");

  private TfjsVersions() {}

  /** A requirement found in a model. */
  record Requirement(String layer, String className, String version) {
    String message() {
      return "layer '" + layer + "' (" + className + ") needs TensorFlow.js >= " + version
          + "; TensorSpace 0.6.1 ships TensorFlow.js 1.x, which cannot load it (use a newer"
          + " TensorFlow.js with TensorSpace, or leave the layer out).";
    }
  }

  /** Requirements of the given layers, including layers inside wrappers and nested models. */
  static List<Requirement> of(JsonNode layers) {
    List<Requirement> found = new ArrayList<>();
    collect(layers, found);
    return found;
  }

  private static void collect(JsonNode layers, List<Requirement> found) {
    for (JsonNode layer : layers) {
      collectLayer(layer, found);
    }
  }

  private static void collectLayer(JsonNode layer, List<Requirement> found) {
    String className = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    String version = SINCE.get(className);
    if (version != null) {
      String name = layer.has("name") ? layer.path("name").asText() : config.path("name").asText();
      found.add(new Requirement(name, className, version));
    }
    if (config.isArray()) {
      collect(config, found);
    } else if (config.path("layers").isArray()) {
      collect(config.path("layers"), found);
    }
    if (config.path("layer").isObject()) {
      collectLayer(config.path("layer"), found);
    }
  }

  /** The highest of two dotted versions. */
  public static String max(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? Integer.parseInt(x[i]) : 0;
      int q = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (p != q) {
        return p > q ? a : b;
      }
    }
    return a;
  }
}
