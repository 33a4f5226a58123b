package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.LayersModel.Layer;
import io.tensorspace.convert.model.OutputShapes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Output shapes (batch first, null = unknown) of the layers the rewrites look at, so that the
 * Reshapes they add carry explicit sizes: tfjs infers a symbolic {@code -1} otherwise, and a
 * later Dense would then be built with a negative size. Extends {@link OutputShapes} with the
 * convolution, pooling, padding and merge layers; unknown layers stay unknown.
 */
final class Shapes {
  private Shapes() {}

  static Map<String, List<Long>> infer(LayersModel model) {
    Map<String, List<Long>> known = OutputShapes.infer(model);
    Map<String, List<Long>> shapes = new HashMap<>();
    for (Layer layer : model.layers()) {
      List<List<Long>> inputs = new ArrayList<>();
      for (String inbound : layer.inboundLayers()) {
        inputs.add(shapes.get(inbound));
      }
      List<Long> shape = null;
      if (!inputs.isEmpty() && !inputs.contains(null)) {
        try {
          shape = outputShape(layer.className(), layer.config(), inputs);
        } catch (RuntimeException e) {
          shape = null;
        }
      }
      if (shape == null) {
        shape = known.get(layer.name());
      }
      if (shape != null) {
        shapes.put(layer.name(), shape);
      }
    }
    return shapes;
  }

  static List<Long> outputShape(String className, JsonNode config, List<List<Long>> inputs) {
    List<Long> in = inputs.get(0);
    boolean channelsFirst = "channels_first".equals(config.path("data_format").asText());
    switch (className) {
      case "Conv1D", "Conv2D", "Conv3D", "SeparableConv2D", "DepthwiseConv2D",
          "LocallyConnected1D", "LocallyConnected2D" -> {
        List<Long> out = spatial(in, config, channelsFirst, "kernel_size", "strides");
        long channels = className.equals("DepthwiseConv2D")
            ? in.get(channelsFirst ? 1 : in.size() - 1) * config.path("depth_multiplier").asLong(1)
            : config.path("filters").asLong();
        out.set(channelsFirst ? 1 : out.size() - 1, channels);
        return out;
      }
      case "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
          "AveragePooling2D", "AveragePooling3D" -> {
        return spatial(in, config, channelsFirst, "pool_size", "strides");
      }
      case "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
          "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D" -> {
        List<Long> out = new ArrayList<>();
        out.add(null);
        out.add(in.get(channelsFirst ? 1 : in.size() - 1));
        return out;
      }
      case "ZeroPadding2D", "Cropping2D", "Cropping3D" -> {
        List<Long> out = new ArrayList<>(in);
        JsonNode amounts = config.path(className.startsWith("Zero") ? "padding" : "cropping");
        int sign = className.startsWith("Zero") ? 1 : -1;
        int first = channelsFirst ? 2 : 1;
        for (int axis = 0; axis < in.size() - 2; axis++) {
          JsonNode amount = amounts.isArray() ? amounts.path(axis) : amounts;
          long total = amount.isArray()
              ? amount.path(0).asLong() + amount.path(1).asLong() : 2 * amount.asLong();
          Long dim = out.get(first + axis);
          out.set(first + axis, dim == null ? null : dim + sign * total);
        }
        return out;
      }
      case "UpSampling2D" -> {
        List<Long> out = new ArrayList<>(in);
        int first = channelsFirst ? 2 : 1;
        for (int axis = 0; axis < 2; axis++) {
          Long dim = out.get(first + axis);
          long size = config.path("size").isArray()
              ? config.path("size").path(axis).asLong() : config.path("size").asLong();
          out.set(first + axis, dim == null ? null : dim * size);
        }
        return out;
      }
      case "Permute" -> {
        List<Long> out = new ArrayList<>();
        out.add(null);
        for (JsonNode dim : config.path("dims")) {
          out.add(in.get(dim.asInt()));
        }
        return out;
      }
      case "Add", "Multiply", "Average", "Maximum", "Minimum", "Subtract", "SpatialDropout2D",
          "SpatialDropout3D" -> {
        return in;
      }
      case "Concatenate" -> {
        int axis = config.path("axis").asInt(-1);
        axis = axis < 0 ? in.size() + axis : axis;
        List<Long> out = new ArrayList<>(in);
        Long total = 0L;
        for (List<Long> input : inputs) {
          Long dim = input.get(axis);
          total = dim == null || total == null ? null : total + dim;
        }
        out.set(axis, total);
        return out;
      }
      case "Attention" -> {
        List<Long> out = new ArrayList<>(in);
        List<Long> value = inputs.get(inputs.size() > 1 ? 1 : 0);
        out.set(out.size() - 1, value.get(value.size() - 1));
        return out;
      }
      default -> {
        return null;
      }
    }
  }

  /** Spatial output sizes of a windowed layer ("valid", "same" or "causal" padding). */
  private static List<Long> spatial(
      List<Long> in, JsonNode config, boolean channelsFirst, String windowKey, String strideKey) {
    List<Long> out = new ArrayList<>(in);
    int first = channelsFirst ? 2 : 1;
    int dims = in.size() - 2;
    String padding = config.path("padding").asText("valid");
    for (int axis = 0; axis < dims; axis++) {
      Long dim = in.get(first + axis);
      long window = at(config.path(windowKey), axis, 1);
      long stride = at(config.path(strideKey), axis, window);
      long dilation = at(config.path("dilation_rate"), axis, 1);
      if (dim == null) {
        continue;
      }
      long effective = (window - 1) * dilation + 1;
      long size = padding.equals("valid")
          ? Math.floorDiv(dim - effective + stride, stride)
          : Math.floorDiv(dim + stride - 1, stride);
      out.set(first + axis, size);
    }
    return out;
  }

  private static long at(JsonNode values, int axis, long fallback) {
    if (values.isArray()) {
      return values.size() > axis ? values.path(axis).asLong(fallback) : fallback;
    }
    return values.isNumber() ? values.asLong() : fallback;
  }
}
