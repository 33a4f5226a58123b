package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.util.List;

/**
 * Cropping3D, which tfjs lacks, as Cropping2D (which it has) applied per slice by TimeDistributed,
 * with Permutes to bring the third axis under a Cropping2D. Pure slicing: exact, no weights, and
 * no need to know the input shape. For the spatial axes (1, 2, 3) of a channels_last input
 * {@code [b, d1, d2, d3, c]}:
 * <ol>
 *   <li>{@code <name>__crop23} TimeDistributed(Cropping2D(crop2, crop3)) over d1;
 *   <li>{@code <name>__swap} Permute((2, 1, 3, 4)), {@code <name>__crop1}
 *       TimeDistributed(Cropping2D(crop1, 0)) over d2, {@code <name>} Permute((2, 1, 3, 4)).
 * </ol>
 * A channels_first input {@code [b, c, d1, d2, d3]} crops (d1, d2) with the channels as the
 * TimeDistributed axis, then d3 after Permute((1, 2, 4, 3)). Steps whose crops are all 0 are
 * left out.
 */
final class Cropping3DRewrite {
  private Cropping3DRewrite() {}

  static boolean applies(ObjectNode layer) {
    return "Cropping3D".equals(layer.path("class_name").asText());
  }

  static Rewriting.Replacement rewrite(Rewriting rewriting, ObjectNode layer)
      throws ConversionException {
    ObjectNode config = (ObjectNode) layer.path("config");
    Rewriting.Chain chain = rewriting.new Chain(layer);
    long[][] crop = cropping(rewriting, chain.name(), config.path("cropping"));
    boolean channelsFirst = "channels_first".equals(config.path("data_format").asText());
    // first step crops two spatial axes in place; the second one crops the remaining axis
    long[] a = channelsFirst ? crop[0] : crop[1];
    long[] b = channelsFirst ? crop[1] : crop[2];
    long[] c = channelsFirst ? crop[2] : crop[0];
    long[] permute = channelsFirst ? new long[] {1, 2, 4, 3} : new long[] {2, 1, 3, 4};
    boolean second = c[0] != 0 || c[1] != 0;
    boolean first = a[0] != 0 || a[1] != 0 || b[0] != 0 || b[1] != 0 || !second;
    if (first && !second) {
      return chain.last("TimeDistributed", timeDistributed(rewriting, chain, config, "crop", a, b), List.of());
    }
    if (first) {
      chain.helper("crop", "TimeDistributed",
          timeDistributed(rewriting, chain, config, "crop", a, b), List.of());
    }
    ObjectNode swap = Rewriting.baseConfig(config);
    swap.set("dims", Rewriting.ints(permute));
    chain.helper("swap", "Permute", swap, List.of());
    long[] none = {0, 0};
    chain.helper("crop_last", "TimeDistributed", channelsFirst
        ? timeDistributed(rewriting, chain, config, "crop_last", none, c)
        : timeDistributed(rewriting, chain, config, "crop_last", c, none), List.of());
    ObjectNode back = Rewriting.baseConfig(config);
    back.set("dims", Rewriting.ints(permute));
    return chain.last("Permute", back, List.of());
  }

  private static ObjectNode timeDistributed(
      Rewriting rewriting, Rewriting.Chain chain, ObjectNode original, String what, long[] rows,
      long[] cols) {
    ObjectNode inner = Rewriting.baseConfig(original);
    inner.put("name", rewriting.helperName(chain.name(), what + "_inner"));
    inner.set("cropping", Rewriting.JSON.arrayNode().add(Rewriting.ints(rows)).add(Rewriting.ints(cols)));
    inner.put("data_format", "channels_last");
    ObjectNode wrapped = Rewriting.JSON.objectNode();
    wrapped.put("class_name", "Cropping2D");
    wrapped.set("config", inner);
    ObjectNode config = Rewriting.baseConfig(original);
    config.set("layer", wrapped);
    return config;
  }

  private static long[][] cropping(Rewriting rewriting, String name, JsonNode cropping)
      throws ConversionException {
    long[][] crop = new long[3][2];
    if (cropping.isIntegralNumber()) {
      for (long[] axis : crop) {
        axis[0] = axis[1] = cropping.asLong();
      }
      return crop;
    }
    if (!(cropping instanceof ArrayNode list) || list.size() != 3) {
      throw rewriting.refuse(name, "Cropping3D", "its 'cropping' " + cropping
          + " is not an int or three pairs", "Save the model again with a standard Cropping3D.");
    }
    for (int i = 0; i < 3; i++) {
      JsonNode axis = list.get(i);
      crop[i][0] = axis.isArray() ? axis.path(0).asLong() : axis.asLong();
      crop[i][1] = axis.isArray() ? axis.path(1).asLong() : axis.asLong();
    }
    return crop;
  }
}
