package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the weights a Keras 1 file stores for one layer ({@code dense_1_W}, the twelve per-gate
 * arrays of an LSTM, Theano-ordered kernels …) into the Keras 2 weights TensorFlow.js binds
 * ({@code dense_1/kernel}, {@code lstm_1/kernel} with gates i, f, c, o …).
 */
final class Keras1Weights {
  /** Keras 1 weight suffixes, longest first so {@code W_i} wins over {@code W}. */
  private static final List<String> SUFFIXES = List.of(
      "depthwise_kernel", "pointwise_kernel", "running_mean", "running_std", "gamma", "beta",
      "alphas", "W_i", "U_i", "b_i", "W_f", "U_f", "b_f", "W_c", "U_c", "b_c", "W_o", "U_o", "b_o",
      "W_z", "U_z", "b_z", "W_r", "U_r", "b_r", "W_h", "U_h", "b_h", "W", "U", "b");

  /** The order in which Keras 1 lists each class's weights, for files whose names say nothing. */
  private static final Map<String, List<String>> POSITIONAL = Map.of(
      "Dense", List.of("W", "b"),
      "Conv1D", List.of("W", "b"),
      "Conv2D", List.of("W", "b"),
      "Conv3D", List.of("W", "b"),
      "Conv2DTranspose", List.of("W", "b"),
      "SeparableConv2D", List.of("depthwise_kernel", "pointwise_kernel", "b"),
      "BatchNormalization", List.of("gamma", "beta", "running_mean", "running_std"),
      "Embedding", List.of("W"),
      "PReLU", List.of("alphas"),
      "SimpleRNN", List.of("W", "U", "b"));

  private static final List<String> LSTM_GATES = List.of("i", "f", "c", "o");
  private static final List<String> GRU_GATES = List.of("z", "r", "h");

  private Keras1Weights() {}

  /**
   * @param layer the translated (Keras 2 form) layer entry
   * @param stored the layer's weights as stored, named by their stored name without {@code :0}
   * @param theano whether the file was written with the Theano backend (true convolutions)
   */
  static List<Weight> translate(
      Path file, String layerName, JsonNode layer, List<Weight> stored, boolean theano)
      throws ConversionException {
    String className = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    try {
      switch (className) {
        case "Bidirectional" -> {
          JsonNode inner = config.path("layer");
          String innerName = inner.path("config").path("name").asText();
          List<Weight> forward = new ArrayList<>();
          List<Weight> backward = new ArrayList<>();
          for (Weight weight : stored) {
            String last = lastSegment(weight.name());
            if (last.startsWith("backward_")) {
              backward.add(weight);
            } else {
              forward.add(weight);
            }
          }
          List<Weight> result = new ArrayList<>();
          result.addAll(of(file, layerName, layerName + "/forward_" + innerName,
              "forward_" + innerName, inner, forward, theano));
          result.addAll(of(file, layerName, layerName + "/backward_" + innerName,
              "backward_" + innerName, inner, backward, theano));
          return result;
        }
        case "TimeDistributed" -> {
          JsonNode inner = config.path("layer");
          return of(file, layerName, layerName, inner.path("config").path("name").asText(),
              inner, stored, theano);
        }
        default -> {
          return of(file, layerName, layerName, layerName, layer, stored, theano);
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ConversionException(
          file + ": the Keras 1 weights of layer '" + layerName + "' (" + className
              + ") do not fit together: " + e.getMessage() + ". The file is damaged.", e);
    }
  }

  /** Weights of one (possibly wrapped) layer, named {@code <scope>/<weight>}. */
  private static List<Weight> of(
      Path file, String layerName, String scope, String storedPrefix, JsonNode layer,
      List<Weight> stored, boolean theano) throws ConversionException {
    String className = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    Map<String, Weight> bySuffix = bySuffix(file, layerName, className, storedPrefix, stored);
    List<Weight> result = new ArrayList<>();
    switch (className) {
      case "Dense" -> {
        result.add(bySuffix.get("W").renamed(scope + "/kernel"));
        addIfPresent(result, bySuffix, "b", scope + "/bias");
      }
      case "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose" -> {
        Weight kernel = bySuffix.get("W");
        long[] shape = kernel.shape();
        boolean channelsFirst = "channels_first".equals(config.path("data_format").asText());
        if (className.equals("Conv1D") && shape.length == 4) {
          // Keras 1 stores Conv1D kernels as (length, 1, in, out)
          kernel = FloatTensors.reshaped(kernel, kernel.name(), new long[] {shape[0], shape[2], shape[3]});
        } else if (channelsFirst && className.equals("Conv2DTranspose")) {
          throw new ConversionException(
              file + ": layer '" + layerName + "' is a Keras 1 Deconvolution2D with th dim"
                  + " ordering, whose kernel layout the converter cannot translate safely. Save"
                  + " the model with dim_ordering 'tf'.");
        } else if (channelsFirst) {
          // th kernels are (out, in, spatial...); Keras 2 wants (spatial..., in, out)
          int rank = shape.length;
          int[] perm = new int[rank];
          for (int i = 0; i < rank - 2; i++) {
            perm[i] = i + 2;
          }
          perm[rank - 2] = 1;
          perm[rank - 1] = 0;
          kernel = FloatTensors.transposed(kernel, kernel.name(), perm);
        }
        kernel = kernel.renamed(scope + "/kernel");
        if (theano && !className.equals("Conv2DTranspose")) {
          kernel = KernelFlip.flip(kernel);
        }
        result.add(kernel);
        addIfPresent(result, bySuffix, "b", scope + "/bias");
      }
      case "SeparableConv2D" -> {
        boolean channelsFirst = "channels_first".equals(config.path("data_format").asText());
        for (String part : List.of("depthwise_kernel", "pointwise_kernel")) {
          Weight kernel = bySuffix.get(part);
          if (channelsFirst) {
            kernel = FloatTensors.transposed(kernel, kernel.name(), new int[] {2, 3, 1, 0});
          }
          result.add(kernel.renamed(scope + "/" + part));
        }
        addIfPresent(result, bySuffix, "b", scope + "/bias");
      }
      case "BatchNormalization" -> {
        // Keras 1 names the variance "running_std" (it is used as the variance)
        addIfPresent(result, bySuffix, "gamma", scope + "/gamma");
        addIfPresent(result, bySuffix, "beta", scope + "/beta");
        result.add(bySuffix.get("running_mean").renamed(scope + "/moving_mean"));
        result.add(bySuffix.get("running_std").renamed(scope + "/moving_variance"));
      }
      case "Embedding" -> result.add(bySuffix.get("W").renamed(scope + "/embeddings"));
      case "PReLU" -> result.add(bySuffix.get("alphas").renamed(scope + "/alpha"));
      case "SimpleRNN" -> recurrent(result, bySuffix, scope, List.of());
      case "LSTM" -> recurrent(result, bySuffix, scope, LSTM_GATES);
      case "GRU" -> recurrent(result, bySuffix, scope, GRU_GATES);
      default -> throw new ConversionException(
          file + ": layer '" + layerName + "' (" + className + ") has weights, but the converter"
              + " does not know how Keras 1 stores them for this class. Leave the layer out of"
              + " the model you convert, or load the model in Keras 2 and save it again.");
    }
    return result;
  }

  /** Recurrent weights: either one W/U/b triple, or one per gate concatenated in Keras 2 order. */
  private static void recurrent(
      List<Weight> result, Map<String, Weight> bySuffix, String scope, List<String> gates) {
    if (bySuffix.containsKey("W") || gates.isEmpty()) {
      result.add(bySuffix.get("W").renamed(scope + "/kernel"));
      result.add(bySuffix.get("U").renamed(scope + "/recurrent_kernel"));
      addIfPresent(result, bySuffix, "b", scope + "/bias");
      return;
    }
    for (String[] kind : new String[][] {
        {"W", "kernel"}, {"U", "recurrent_kernel"}, {"b", "bias"}}) {
      List<Weight> parts = new ArrayList<>();
      for (String gate : gates) {
        Weight part = bySuffix.get(kind[0] + "_" + gate);
        if (part == null) {
          throw new IllegalArgumentException("weight " + kind[0] + "_" + gate + " is missing");
        }
        parts.add(part);
      }
      result.add(FloatTensors.concatLastAxis(scope + "/" + kind[1], parts));
    }
  }

  private static void addIfPresent(
      List<Weight> result, Map<String, Weight> bySuffix, String suffix, String name) {
    Weight weight = bySuffix.get(suffix);
    if (weight != null) {
      result.add(weight.renamed(name));
    }
  }

  /**
   * Keys each stored weight by its Keras 1 suffix: what follows {@code <layer name>_} in the last
   * path segment ({@code global/shared/dense_1_W} → {@code W}), else a known suffix, else its
   * position in the class's usual order.
   */
  private static Map<String, Weight> bySuffix(
      Path file, String layerName, String className, String storedPrefix, List<Weight> stored)
      throws ConversionException {
    Map<String, Weight> result = new LinkedHashMap<>();
    String prefix = lastSegment(storedPrefix) + "_";
    List<String> positional = POSITIONAL.get(className);
    for (int i = 0; i < stored.size(); i++) {
      Weight weight = stored.get(i);
      String last = lastSegment(weight.name());
      String suffix = null;
      if (last.startsWith(prefix) && SUFFIXES.contains(last.substring(prefix.length()))) {
        suffix = last.substring(prefix.length());
      } else {
        for (String candidate : SUFFIXES) {
          if (last.equals(candidate) || last.endsWith("_" + candidate)) {
            suffix = candidate;
            break;
          }
        }
      }
      if (suffix == null && positional != null && i < positional.size()) {
        suffix = positional.get(i);
      }
      if (suffix == null || result.containsKey(suffix)) {
        throw new ConversionException(
            file + ": layer '" + layerName + "' (" + className + ") stores a weight named '"
                + weight.name() + "' that the converter cannot place (expected Keras 1 names like "
                + prefix + "W, " + prefix + "b).");
      }
      result.put(suffix, weight);
    }
    for (String required : requiredSuffixes(className, result)) {
      if (!result.containsKey(required)) {
        throw new ConversionException(
            file + ": layer '" + layerName + "' (" + className + ") lacks its weight '" + prefix
                + required + "' (it has " + stored + "). The file is damaged or not a Keras 1"
                + " model.");
      }
    }
    return result;
  }

  private static List<String> requiredSuffixes(String className, Map<String, Weight> found) {
    return switch (className) {
      case "Dense", "Conv1D", "Conv2D", "Conv3D", "Conv2DTranspose", "Embedding" -> List.of("W");
      case "SeparableConv2D" -> List.of("depthwise_kernel", "pointwise_kernel");
      case "BatchNormalization" -> List.of("running_mean", "running_std");
      case "PReLU" -> List.of("alphas");
      case "SimpleRNN" -> List.of("W", "U");
      case "LSTM", "GRU" -> found.containsKey("W") ? List.of("W", "U") : List.of();
      default -> List.of();
    };
  }

  private static String lastSegment(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }
}
