package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Settings that tfjs accepts but does not honour, or honours only in later versions: a model
 * with them would load and then compute something else, or fail in the browser. They are refused
 * here, with the layer named, instead of being written out.
 */
final class UnfaithfulSettings {
  private UnfaithfulSettings() {}

  /**
   * @param shapes output shapes by layer name (batch first), for rank checks
   */
  static void check(Path file, JsonNode layer, Map<String, List<Long>> shapes)
      throws ConversionException {
    String name = layer.path("name").asText();
    String className = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    switch (className) {
      case "ReLU" -> {
        if (config.path("negative_slope").asDouble(0) != 0 || config.path("threshold").asDouble(0) != 0) {
          throw refused(file, name, className, "TensorFlow.js's ReLU reads only max_value and would"
              + " ignore negative_slope = " + config.path("negative_slope").asDouble(0)
              + " and threshold = " + config.path("threshold").asDouble(0),
              "Use a plain ReLU or LeakyReLU, or leave this layer out");
        }
      }
      case "LeakyReLU" -> {
        double alpha = config.path("alpha").asDouble(config.path("negative_slope").asDouble(0.3));
        if (alpha < 0 || alpha > 1) {
          throw refused(file, name, className, "TensorFlow.js 1.x computes it as max(alpha * x, x),"
              + " which is wrong for alpha = " + alpha + " (only 0 <= alpha <= 1 works)",
              "Use an alpha between 0 and 1, or leave this layer out");
        }
      }
      case "BatchNormalization" -> {
        int rank = inputRank(layer, shapes);
        if (rank > 4) {
          throw refused(file, name, className, "TensorFlow.js normalizes only inputs of rank 2 to 4"
              + " and this one has rank " + rank + " (batch included)",
              "Leave this layer out, or list the layers before it as outputs");
        }
      }
      default -> { }
    }
  }

  private static int inputRank(JsonNode layer, Map<String, List<Long>> shapes) {
    JsonNode declared = layer.path("config").path("batch_input_shape");
    if (declared.isArray()) {
      return declared.size();
    }
    for (JsonNode call : layer.path("inbound_nodes")) {
      for (JsonNode entry : call) {
        List<Long> shape = shapes.get(entry.path(0).asText());
        if (shape != null) {
          return shape.size();
        }
      }
    }
    return 0;
  }

  private static ConversionException refused(
      Path file, String name, String className, String why, String wayOut) {
    return new ConversionException(file + ": layer '" + name + "' (" + className
        + ") cannot be converted faithfully: " + why + ". " + wayOut + " and save the model again.");
  }
}
