package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings that tfjs accepts but does not honour, or honours only in later versions: a model
 * with them would load and then compute something else, or fail in the browser. They are refused
 * here, with the layer named, instead of being written out.
 */
final class UnfaithfulSettings {
  private UnfaithfulSettings() {}

  /**
   * A key that neither tfjs 1.x nor 4.x reads (it is in no layer's constructor), for the classes
   * Keras writes it on: {@code tfjs} holds for the values whose result tfjs computes anyway.
   */
  private record Unread(Set<String> classes, String key, String why, String wayOut) {
    /** Whether tfjs computes the layer's result anyway with this value (a switch, not lambdas:
     * each lambda costs a fresh JVM its bootstrap on the first conversion). */
    boolean harmless(JsonNode value) {
      return switch (key) {
        case "groups" -> value.asInt(1) == 1;
        case "output_padding" -> value.isNull();
        case "dilation_rate" -> allOnes(value);
        default -> !value.asBoolean(false); // the flags: keepdims, rms_scaling, time_major
      };
    }
  }

  private static final List<Unread> UNREAD = List.of(
      new Unread(Set.of("Conv1D", "Conv2D", "Conv3D"), "groups",
          "TensorFlow.js has no grouped convolution", "Use groups=1"),
      new Unread(Set.of("Conv2DTranspose", "Conv3DTranspose"), "output_padding",
          "TensorFlow.js ignores output_padding, so the output would have another size",
          "Leave output_padding unset"),
      new Unread(Set.of("Conv2DTranspose", "Conv3DTranspose"), "dilation_rate",
          "TensorFlow.js ignores the dilation of transposed convolutions", "Use dilation_rate 1"),
      new Unread(Set.of("GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D",
          "GlobalMaxPooling2D"), "keepdims",
          "TensorFlow.js ignores keepdims and drops the pooled axes", "Use keepdims=False and a"
              + " Reshape after the layer"),
      new Unread(Set.of("LayerNormalization"), "rms_scaling",
          "TensorFlow.js ignores rms_scaling and would subtract the mean", "Use rms_scaling=False"),
      new Unread(Set.of("LSTM", "GRU", "SimpleRNN", "ConvLSTM2D"), "time_major",
          "TensorFlow.js ignores time_major and would read the batch axis as time",
          "Use time_major=False (batch first)"));

  private static boolean allOnes(JsonNode value) {
    if (value.isArray()) {
      for (JsonNode element : value) {
        if (element.asInt(1) != 1) {
          return false;
        }
      }
      return true;
    }
    return value.isNull() || value.asInt(1) == 1;
  }

  /**
   * @param shapes output shapes by layer name (batch first), for rank checks
   */
  static void check(Path file, JsonNode layer, Map<String, List<Long>> shapes)
      throws ConversionException {
    String name = layer.path("name").asText();
    String className = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    for (Unread unread : UNREAD) {
      JsonNode value = config.path(unread.key());
      if (unread.classes().contains(className) && !value.isMissingNode()
          && !unread.harmless(value)) {
        throw refused(file, name, className, unread.why() + " (" + unread.key() + " = " + value
            + ")", unread.wayOut());
      }
    }
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
