package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.util.List;

/**
 * Conv1D settings tfjs does not run: {@code padding: "causal"} ("CAUSAL padding mode ... is not
 * implemented yet") and {@code data_format: "channels_first"} (ignored by tfjs, which then
 * convolves the wrong axis). The convolution itself and its weights stay as they are:
 * <ul>
 *   <li>channels_first: {@code <name>__channels_last} Permute((2, 1)) before, the convolution as
 *       {@code <name>__conv} in channels_last, and {@code <name>} Permute((2, 1)) after;
 *   <li>causal: the time axis is left-padded with {@code dilation * (kernel - 1)} zeros and the
 *       convolution is "valid", as Keras does it. tfjs has no ZeroPadding1D, so
 *       {@code <name>__causal_in} Reshape((-1, 1, channels)), {@code <name>__causal_pad}
 *       ZeroPadding2D(((pad, 0), (0, 0))), {@code <name>__causal_out} Reshape((-1, channels)).
 * </ul>
 */
final class Conv1DRewrite {
  private Conv1DRewrite() {}

  static boolean applies(ObjectNode layer) {
    if (!"Conv1D".equals(layer.path("class_name").asText())) {
      return false;
    }
    return "causal".equals(layer.path("config").path("padding").asText())
        || "channels_first".equals(layer.path("config").path("data_format").asText());
  }

  static Rewriting.Replacement rewrite(Rewriting rewriting, ObjectNode layer, List<Weight> weights)
      throws ConversionException {
    ObjectNode config = (ObjectNode) layer.path("config");
    Rewriting.Chain chain = rewriting.new Chain(layer);
    boolean channelsFirst = "channels_first".equals(config.path("data_format").asText());
    boolean causal = "causal".equals(config.path("padding").asText());
    if (channelsFirst) {
      ObjectNode permute = Rewriting.baseConfig(config);
      permute.set("dims", Rewriting.ints(2, 1));
      chain.helper("channels_last", "Permute", permute, List.of());
    }
    ObjectNode conv = config.deepCopy();
    conv.put("data_format", "channels_last");
    if (causal) {
      long kernel = first(config, "kernel_size");
      long dilation = first(config, "dilation_rate");
      long pad = dilation * (kernel - 1);
      conv.put("padding", "valid");
      if (pad > 0) {
        long channels = inputChannels(rewriting, chain.name(), weights);
        // explicit sizes where known: tfjs would carry a symbolic -1 on to the next layers
        List<Long> shape = chain.inputShape();
        Long steps = shape == null || shape.size() != 3 ? null : shape.get(channelsFirst ? 2 : 1);
        ObjectNode in = Rewriting.baseConfig(config);
        in.set("target_shape", Rewriting.ints(steps == null ? -1 : steps, 1, channels));
        chain.helper("causal_in", "Reshape", in, List.of());
        ObjectNode zeros = Rewriting.baseConfig(config);
        zeros.set("padding", Rewriting.JSON.arrayNode()
            .add(Rewriting.ints(pad, 0)).add(Rewriting.ints(0, 0)));
        zeros.put("data_format", "channels_last");
        chain.helper("causal_pad", "ZeroPadding2D", zeros, List.of());
        ObjectNode out = Rewriting.baseConfig(config);
        out.set("target_shape", Rewriting.ints(steps == null ? -1 : steps + pad, channels));
        chain.helper("causal_out", "Reshape", out, List.of());
      }
    }
    // the batch_input_shape of a first layer describes the model input, not this layer's input
    conv.remove("batch_input_shape");
    if (!channelsFirst) {
      return chain.last("Conv1D", conv, weights);
    }
    chain.helper("conv", "Conv1D", conv, weights);
    ObjectNode permute = Rewriting.baseConfig(config);
    permute.set("dims", Rewriting.ints(2, 1));
    return chain.last("Permute", permute, List.of());
  }

  private static long first(ObjectNode config, String key) {
    return config.path(key).isArray() ? config.path(key).path(0).asLong(1) : config.path(key).asLong(1);
  }

  private static long inputChannels(Rewriting rewriting, String name, List<Weight> weights)
      throws ConversionException {
    for (Weight weight : weights) {
      if (weight.name().endsWith("/kernel") && weight.shape().length == 3) {
        return weight.shape()[1];
      }
    }
    if (!weights.isEmpty() && weights.get(0).shape().length == 3) {
      return weights.get(0).shape()[1];
    }
    throw rewriting.refuse(name, "Conv1D",
        "its causal padding must be rewritten for TensorFlow.js, which needs the number of input"
            + " channels, and the layer has no 3-D kernel weight to read it from",
        "Save the model again with its weights, or use padding 'valid' or 'same'.");
  }
}
