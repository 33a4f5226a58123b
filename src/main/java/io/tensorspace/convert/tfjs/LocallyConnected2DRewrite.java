package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.util.List;

/**
 * LocallyConnected2D ({@code implementation: 1}, "valid" padding), which tfjs lacks: a
 * convolution whose weights differ at every output position. Rebuilt from layers tfjs 1.x has,
 * with made-up weights about the size of the original ones:
 * <ol>
 *   <li>channels_first only: {@code <name>__channels_last} Permute((2, 3, 1));
 *   <li>{@code <name>__patches} Conv2D with a one-hot kernel: each output channel copies one
 *       element of the patch, in Keras' feature order ((row, col, channel) for channels_last,
 *       (channel, row, col) for channels_first), plus one constant-1 channel for the bias.
 *       Exact (one product by 1 plus zeros);
 *   <li>{@code <name>__flat} Reshape((1, 1, P * (K + 1))) puts every position's patch into the
 *       channels;
 *   <li>{@code <name>__products} DepthwiseConv2D 1x1 with {@code depth_multiplier = filters}
 *       multiplies each patch element by its own kernel value (and the constant by the bias);
 *   <li>{@code <name>__positions} Reshape((P, (K + 1) * filters)), {@code <name>__sum} Dense with a
 *       0/1 kernel sums the products per filter and applies the layer's activation;
 *   <li>{@code <name>} Reshape((rows, cols, filters)); channels_first: {@code <name>__grid} that
 *       Reshape, then {@code <name>} Permute((3, 1, 2)).
 * </ol>
 * The channels_first bias is applied the way tf.keras does it: the stored (rows, cols, filters)
 * bias is reshaped, not transposed, to (filters, rows, cols).
 */
final class LocallyConnected2DRewrite {
  private LocallyConnected2DRewrite() {}

  static boolean applies(ObjectNode layer) {
    return "LocallyConnected2D".equals(layer.path("class_name").asText());
  }

  static Rewriting.Replacement rewrite(Rewriting rewriting, ObjectNode layer, List<Weight> weights)
      throws ConversionException {
    ObjectNode config = (ObjectNode) layer.path("config");
    Rewriting.Chain chain = rewriting.new Chain(layer);
    String name = chain.name();
    String wayOut = "Replace it with Conv2D (same weights everywhere), or leave it out of the model"
        + " you convert.";
    if (config.path("implementation").asInt(1) != 1) {
      throw rewriting.refuse(name, "LocallyConnected2D", "only implementation 1 (the default)"
          + " is rewritten for TensorFlow.js, and this layer uses implementation "
          + config.path("implementation").asInt(), wayOut);
    }
    if (!"valid".equalsIgnoreCase(config.path("padding").asText("valid"))) {
      throw rewriting.refuse(name, "LocallyConnected2D", "only 'valid' padding is rewritten for"
          + " TensorFlow.js", wayOut);
    }
    boolean useBias = config.path("use_bias").asBoolean(true);
    Weight kernelWeight = find(weights, "kernel", 3);
    Weight biasWeight = useBias ? find(weights, "bias", 3) : null;
    if (kernelWeight == null || (useBias && biasWeight == null)) {
      throw rewriting.refuse(name, "LocallyConnected2D", "its weights are not the (positions,"
          + " patch, filters) kernel and (rows, cols, filters) bias the rewrite expects", wayOut);
    }
    int kh = config.path("kernel_size").path(0).asInt();
    int kw = config.path("kernel_size").path(1).asInt();
    long[] kernelShape = kernelWeight.shape();
    int positions = Math.toIntExact(kernelShape[0]);
    int patch = Math.toIntExact(kernelShape[1]);
    int filters = Math.toIntExact(kernelShape[2]);
    int channels = patch / (kh * kw);
    int rows;
    int cols;
    if (biasWeight != null) {
      rows = Math.toIntExact(biasWeight.shape()[0]);
      cols = Math.toIntExact(biasWeight.shape()[1]);
    } else {
      List<Long> in = chain.inputShape();
      List<Long> out = in == null ? null
          : Shapes.outputShape("LocallyConnected2D", config, List.of(in));
      boolean cf = "channels_first".equals(config.path("data_format").asText());
      if (out == null || out.get(cf ? 2 : 1) == null || out.get(cf ? 3 : 2) == null) {
        throw rewriting.refuse(name, "LocallyConnected2D", "its output size is not known to the"
            + " converter", wayOut);
      }
      rows = Math.toIntExact(out.get(cf ? 2 : 1));
      cols = Math.toIntExact(out.get(cf ? 3 : 2));
    }
    long made = (long) patch * (patch + 1) + (long) positions * (patch + 1) * filters
        + (long) (patch + 1) * filters * filters;
    if (channels * kh * kw != patch || rows * cols != positions
        || made > FloatTensor.MAX_ELEMENTS) {
      throw rewriting.refuse(name, "LocallyConnected2D", made > FloatTensor.MAX_ELEMENTS
          ? "its TensorFlow.js rewrite would need " + made + " weight values"
          : "its weight shapes do not match its kernel_size", wayOut);
    }
    boolean channelsFirst = "channels_first".equals(config.path("data_format").asText());
    int features = patch + 1;

    if (channelsFirst) {
      ObjectNode permute = Rewriting.baseConfig(config);
      permute.set("dims", Rewriting.ints(2, 3, 1));
      chain.helper("channels_last", "Permute", permute, List.of());
    }
    // one-hot patch extraction, in Keras' feature order, plus a constant-1 channel
    float[] onehot = new float[kh * kw * channels * features];
    for (int i = 0; i < kh; i++) {
      for (int j = 0; j < kw; j++) {
        for (int c = 0; c < channels; c++) {
          int feature = channelsFirst ? (c * kh + i) * kw + j : (i * kw + j) * channels + c;
          onehot[((i * kw + j) * channels + c) * features + feature] = 1f;
        }
      }
    }
    float[] constant = new float[features];
    constant[patch] = 1f;
    ObjectNode conv = Rewriting.baseConfig(config);
    conv.put("filters", features);
    conv.set("kernel_size", Rewriting.ints(kh, kw));
    conv.set("strides", config.path("strides").deepCopy());
    conv.put("padding", "valid");
    conv.put("data_format", "channels_last");
    conv.set("dilation_rate", Rewriting.ints(1, 1));
    conv.put("activation", "linear");
    conv.put("use_bias", true);
    chain.helper("patches", "Conv2D", conv, List.of(
        FloatTensor.weight("kernel", new long[] {kh, kw, channels, features}, onehot),
        FloatTensor.weight("bias", new long[] {features}, constant)));

    ObjectNode flat = Rewriting.baseConfig(config);
    flat.set("target_shape", Rewriting.ints(1, 1, (long) positions * features));
    chain.helper("flat", "Reshape", flat, List.of());

    float[] kernel = FloatTensor.read(kernelWeight);
    float[] bias = biasWeight == null ? null : FloatTensor.read(biasWeight);
    float[] products = new float[positions * features * filters];
    for (int p = 0; p < positions; p++) {
      int r = p / cols;
      int c = p % cols;
      for (int f = 0; f < filters; f++) {
        for (int k = 0; k < patch; k++) {
          products[(p * features + k) * filters + f] = kernel[(p * patch + k) * filters + f];
        }
        if (bias != null) {
          // tf.keras reshapes the (rows, cols, filters) bias to (filters, rows, cols)
          int index = channelsFirst ? (f * rows + r) * cols + c : (r * cols + c) * filters + f;
          products[(p * features + patch) * filters + f] = bias[index];
        }
      }
    }
    ObjectNode depthwise = Rewriting.baseConfig(config);
    depthwise.set("kernel_size", Rewriting.ints(1, 1));
    depthwise.set("strides", Rewriting.ints(1, 1));
    depthwise.put("padding", "valid");
    depthwise.put("depth_multiplier", filters);
    depthwise.put("data_format", "channels_last");
    depthwise.put("activation", "linear");
    depthwise.put("use_bias", false);
    chain.helper("products", "DepthwiseConv2D", depthwise, List.of(FloatTensor.weight(
        "depthwise_kernel", new long[] {1, 1, (long) positions * features, filters}, products)));

    ObjectNode byPosition = Rewriting.baseConfig(config);
    byPosition.set("target_shape", Rewriting.ints(positions, (long) features * filters));
    chain.helper("positions", "Reshape", byPosition, List.of());

    float[] sum = new float[features * filters * filters];
    for (int k = 0; k < features; k++) {
      for (int f = 0; f < filters; f++) {
        sum[(k * filters + f) * filters + f] = 1f;
      }
    }
    ObjectNode dense = Rewriting.baseConfig(config);
    dense.put("units", filters);
    dense.set("activation", config.path("activation").deepCopy());
    dense.put("use_bias", false);
    chain.helper("sum", "Dense", dense, List.of(
        FloatTensor.weight("kernel", new long[] {(long) features * filters, filters}, sum)));

    ObjectNode grid = Rewriting.baseConfig(config);
    grid.set("target_shape", Rewriting.ints(rows, cols, filters));
    if (!channelsFirst) {
      return chain.last("Reshape", grid, List.of());
    }
    chain.helper("grid", "Reshape", grid, List.of());
    ObjectNode permute = Rewriting.baseConfig(config);
    permute.set("dims", Rewriting.ints(3, 1, 2));
    return chain.last("Permute", permute, List.of());
  }

  private static Weight find(List<Weight> weights, String suffix, int rank) {
    for (Weight weight : weights) {
      if (weight.name().endsWith("/" + suffix) && weight.shape().length == rank) {
        return weight;
      }
    }
    return null;
  }
}
