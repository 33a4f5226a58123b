package io.tensorspace.convert.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.model.LayersModel.Layer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Infers each layer's output shape (batch first, {@code null} for unknown dimensions) from the
 * config alone, the way Keras computes it. Layers it does not know are left out of the result.
 */
public final class OutputShapes {
  private OutputShapes() {}

  public static Map<String, List<Long>> infer(LayersModel model) {
    Map<String, List<Long>> shapes = new HashMap<>();
    for (Layer layer : model.layers()) {
      List<List<Long>> inputs = new ArrayList<>();
      for (String inbound : layer.inboundLayers()) {
        inputs.add(shapes.get(inbound));
      }
      List<Long> shape = null;
      try {
        shape = outputShape(layer, inputs);
      } catch (RuntimeException e) {
        // an unusual config: the shape stays unknown rather than failing the summary
      }
      if (shape != null) {
        shapes.put(layer.name(), shape);
      }
    }
    return shapes;
  }

  private static List<Long> outputShape(Layer layer, List<List<Long>> inputs) {
    JsonNode config = layer.config();
    if (layer.isInput()) {
      return dims(config.path("batch_input_shape"));
    }
    if (inputs.isEmpty() || inputs.contains(null)) {
      return null;
    }
    List<Long> in = inputs.get(0);
    switch (layer.className()) {
      case "Dense": {
        List<Long> out = new ArrayList<>(in);
        out.set(out.size() - 1, config.path("units").asLong());
        return out;
      }
      case "Flatten": {
        Long product = 1L;
        for (Long d : in.subList(1, in.size())) {
          product = d == null || product == null ? null : product * d;
        }
        List<Long> out = new ArrayList<>();
        out.add(null);
        out.add(product);
        return out;
      }
      case "Reshape": {
        List<Long> out = new ArrayList<>();
        out.add(null);
        out.addAll(dims(config.path("target_shape")));
        return out;
      }
      case "Activation", "Dropout", "BatchNormalization", "ReLU", "LeakyReLU", "ELU", "PReLU",
          "Softmax", "ThresholdedReLU", "AlphaDropout", "GaussianNoise", "GaussianDropout",
          "SpatialDropout1D", "Masking", "LayerNormalization":
        return in;
      default:
        return null;
    }
  }

  private static List<Long> dims(JsonNode array) {
    if (!array.isArray()) {
      return null;
    }
    List<Long> dims = new ArrayList<>();
    for (JsonNode d : array) {
      dims.add(d.isNull() ? null : d.asLong());
    }
    return dims;
  }
}
