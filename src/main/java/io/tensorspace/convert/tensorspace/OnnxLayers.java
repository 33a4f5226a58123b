package io.tensorspace.convert.tensorspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * TensorSpace classes for the outputs of an ONNX model, from the ONNX op that makes each layer
 * (the {@code layerOp} of the name map, activations and normalisations folded into it) rather
 * than from the TensorFlow ops it became. TensorSpace 0.6.1 knows only "valid" and "same"
 * padding, so a Conv or pool with other pads gets the window that gives its output shape.
 */
final class OnnxLayers {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private OnnxLayers() {}

  /**
   * The class drawing the output described by {@code info} (its name-map entry), read from
   * {@code in} (the TensorSpace shape of its source); null when no specific class fits.
   */
  static String layerClass(JsonNode info, List<Long> in, List<Long> out, boolean last,
      ObjectNode config) {
    if (in == null || out == null || in.contains(null) || out.contains(null)) {
      return null;
    }
    String op = info.path("layerOp").asText();
    switch (op) {
      case "Softmax", "LogSoftmax" -> {
        return last && out.size() == 1 ? "Output1d" : null;
      }
      case "Conv" -> {
        if (!image(in, out) || !window(info, in, out, config)) {
          return null;
        }
        config.put("filters", out.get(2));
        return "Conv2d";
      }
      case "MaxPool", "AveragePool" -> {
        if (!image(in, out) || !Objects.equals(in.get(2), out.get(2))
            || !window(info, in, out, config)) {
          return null;
        }
        config.set("poolSize", config.remove("kernelSize"));
        return "Pooling2d";
      }
      case "GlobalAveragePool", "GlobalMaxPool" -> {
        return in.size() == 3 && out.size() == 1 && Objects.equals(in.get(2), out.get(0))
            ? "GlobalPooling2d" : null;
      }
      case "Gemm", "MatMul" -> {
        if (out.size() != 1) {
          return null;
        }
        config.put("units", out.get(0));
        return "Dense";
      }
      case "Flatten", "Reshape" -> {
        if (product(in) != product(out)) {
          return null;
        }
        if (out.size() == 1) {
          return in.size() > 1 ? "Flatten" : null;
        }
        ArrayNode target = config.putArray("targetShape");
        out.forEach(target::add);
        return "Reshape";
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * Fills kernelSize, strides and padding so that TensorSpace's shape rule gives {@code out}:
   * the ONNX kernel and strides with "valid" or "same" when one of them fits, else the window
   * that gives the shape with "valid" (explicit pads).
   */
  private static boolean window(JsonNode info, List<Long> in, List<Long> out, ObjectNode config) {
    long[] strides = pair(info.path("strides"), 1);
    long[] kernel = pair(info.path("kernel_shape"), 0);
    String padding = null;
    if (kernel[0] > 0 && kernel[1] > 0 && fits(in, out, kernel, strides, "valid")) {
      padding = "valid";
    } else if (fits(in, out, kernel, strides, "same")) {
      padding = "same";
    } else {
      kernel = new long[] {in.get(0) - (out.get(0) - 1) * strides[0],
          in.get(1) - (out.get(1) - 1) * strides[1]};
      if (kernel[0] < 1 || kernel[1] < 1 || !fits(in, out, kernel, strides, "valid")) {
        return false;
      }
      padding = "valid";
    }
    config.set("kernelSize", F.arrayNode().add(kernel[0]).add(kernel[1]));
    config.set("strides", F.arrayNode().add(strides[0]).add(strides[1]));
    config.put("padding", padding);
    return true;
  }

  /** TensorSpace 0.6.1's output size rule for Conv2d and Pooling2d. */
  private static boolean fits(List<Long> in, List<Long> out, long[] kernel, long[] strides,
      String padding) {
    for (int axis = 0; axis < 2; axis++) {
      long span = "valid".equals(padding) ? in.get(axis) - kernel[axis] + 1 : in.get(axis);
      long size = span <= 0 ? 0 : (span + strides[axis] - 1) / strides[axis];
      if (size != out.get(axis)) {
        return false;
      }
    }
    return true;
  }

  private static long[] pair(JsonNode values, long missing) {
    return values.isArray() && values.size() == 2
        ? new long[] {values.get(0).asLong(), values.get(1).asLong()}
        : new long[] {missing, missing};
  }

  private static boolean image(List<Long> in, List<Long> out) {
    return in.size() == 3 && out.size() == 3;
  }

  private static long product(List<Long> shape) {
    long p = 1;
    for (long d : shape) {
      p *= d;
    }
    return p;
  }
}
