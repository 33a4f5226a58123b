package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.util.List;

/**
 * ELU with {@code alpha != 1}, which tfjs refuses ("Non-default alpha value ... is not supported").
 * Keras computes {@code x > 0 ? x : alpha * (exp(x) - 1)}, i.e. {@code alpha * elu(x)} on the
 * negative side. So {@code <name>__elu} = Activation("elu") followed by {@code <name>} =
 * LeakyReLU(alpha): the same single multiplication, exact up to float rounding, no weights. tfjs
 * 1.x computes LeakyReLU as {@code max(alpha * y, y)}, which is right only for
 * {@code 0 <= alpha <= 1}; other alphas are refused.
 */
final class EluRewrite {
  private EluRewrite() {}

  static boolean applies(ObjectNode layer) {
    return "ELU".equals(layer.path("class_name").asText())
        && layer.path("config").path("alpha").asDouble(1.0) != 1.0;
  }

  static Rewriting.Replacement rewrite(Rewriting rewriting, ObjectNode layer)
      throws ConversionException {
    ObjectNode config = (ObjectNode) layer.path("config");
    double alpha = config.path("alpha").asDouble();
    Rewriting.Chain chain = rewriting.new Chain(layer);
    if (!(alpha >= 0 && alpha <= 1)) {
      throw rewriting.refuse(
          chain.name(), "ELU",
          "TensorFlow.js supports only alpha = 1 and this layer has alpha = " + alpha
              + " (alphas between 0 and 1 are rewritten as elu followed by LeakyReLU, which"
              + " TensorFlow.js 1.x computes wrongly for other alphas)",
          "Use an ELU alpha between 0 and 1, or leave this layer out of the model you convert.");
    }
    ObjectNode elu = Rewriting.baseConfig(config);
    elu.put("activation", "elu");
    chain.helper("elu", "Activation", elu, List.of());
    ObjectNode leaky = Rewriting.baseConfig(config);
    leaky.set("alpha", config.get("alpha"));
    return chain.last("LeakyReLU", leaky, List.of());
  }
}
