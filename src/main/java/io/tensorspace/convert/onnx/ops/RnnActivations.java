package io.tensorspace.convert.onnx.ops;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.onnx.Attrs;
import io.tensorspace.convert.onnx.OnnxAttribute;
import io.tensorspace.convert.onnx.OpContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The activation functions of LSTM, GRU and RNN nodes ({@code activations}), with their
 * {@code activation_alpha}/{@code activation_beta} taken in order by the functions that use them,
 * as ONNX Runtime reads them; {@code clip} bounds the gate inputs.
 */
final class RnnActivations {
  private static final Set<String> WITH_ALPHA = Set.of("leakyrelu", "hardsigmoid", "affine",
      "scaledtanh", "elu");
  private static final Set<String> WITH_BETA = Set.of("hardsigmoid", "affine", "scaledtanh");

  /** One function with its parameters. */
  record Fn(String name, float alpha, float beta) {}

  private final List<Fn> fns;
  private final int perDirection;
  private final float clip;
  private final Map<Float, String> scalars = new HashMap<>();

  private RnnActivations(List<Fn> fns, int perDirection, float clip) {
    this.fns = fns;
    this.perDirection = perDirection;
    this.clip = clip;
  }

  /**
   * The node's functions, {@code defaults.length} for each of {@code directions}; the defaults
   * when it names none.
   */
  static RnnActivations of(OpContext ctx, int directions, String... defaults)
      throws ConversionException {
    OnnxAttribute attr = ctx.attr("activations");
    List<String> names = new ArrayList<>();
    if (attr != null) {
      attr.strings().forEach(b -> names.add(new String(b, StandardCharsets.UTF_8)));
    }
    int per = defaults.length;
    if (names.isEmpty()) {
      for (int d = 0; d < directions; d++) {
        names.addAll(List.of(defaults));
      }
    } else if (names.size() != per * directions) {
      throw ctx.refuse("it names " + names.size() + " activations for " + directions
          + " direction(s) of " + per);
    }
    float[] alphas = ctx.attrFloats("activation_alpha", new float[0]);
    float[] betas = ctx.attrFloats("activation_beta", new float[0]);
    int a = 0;
    int b = 0;
    List<Fn> fns = new ArrayList<>();
    for (String name : names) {
      String key = name.toLowerCase(Locale.ROOT);
      float alpha = !WITH_ALPHA.contains(key) ? 0 : a < alphas.length ? alphas[a++]
          : defaultAlpha(key);
      float beta = !WITH_BETA.contains(key) ? 0 : b < betas.length ? betas[b++]
          : defaultBeta(key);
      Fn fn = new Fn(key, alpha, beta);
      check(ctx, fn, name);
      fns.add(fn);
    }
    return new RnnActivations(fns, per, ctx.attrFloat("clip", 0));
  }

  private static float defaultAlpha(String key) {
    return switch (key) {
      case "leakyrelu" -> 0.01f;
      case "hardsigmoid" -> 0.2f;
      default -> 1f;
    };
  }

  private static float defaultBeta(String key) {
    return key.equals("hardsigmoid") ? 0.5f : key.equals("affine") ? 0f : 1f;
  }

  private static void check(OpContext ctx, Fn fn, String name) throws ConversionException {
    boolean known = Set.of("sigmoid", "tanh", "relu", "leakyrelu", "hardsigmoid", "affine",
        "scaledtanh", "softsign", "softplus", "elu").contains(fn.name());
    if (!known || fn.name().equals("elu") && fn.alpha() != 1f) {
      throw ctx.unsupported("uses the activation '" + name + "'"
          + (known ? " with alpha " + fn.alpha() : ""));
    }
  }

  /**
   * Function {@code k} of direction {@code dir} applied to {@code x}; a gate input is first
   * bounded by {@code clip} when the node sets one.
   */
  String apply(OpContext ctx, int dir, int k, String x, String suffix, boolean gate) {
    Fn fn = fns.get(dir * perDirection + k);
    String in = x;
    if (gate && clip > 0) {
      in = bounded(ctx, suffix + "_clipped", x, -clip, clip);
    }
    return switch (fn.name()) {
      case "sigmoid" -> unary(ctx, suffix, "Sigmoid", in);
      case "tanh" -> unary(ctx, suffix, "Tanh", in);
      case "relu" -> unary(ctx, suffix, "Relu", in);
      case "softplus" -> unary(ctx, suffix, "Softplus", in);
      case "elu" -> unary(ctx, suffix, "Elu", in);
      case "leakyrelu" -> ctx.emit(suffix, "LeakyRelu", List.of(in),
          Attrs.of().f("alpha", fn.alpha()));
      case "softsign" -> ctx.emit(suffix, "RealDiv", List.of(in, binary(ctx,
          suffix + "_denominator", "AddV2", unary(ctx, suffix + "_abs", "Abs", in),
          scalar(ctx, 1f))), Attrs.of());
      case "hardsigmoid" -> bounded(ctx, suffix, affine(ctx, fn, in, suffix), 0f, 1f);
      case "affine" -> unary(ctx, suffix, "Identity", affine(ctx, fn, in, suffix));
      default -> binary(ctx, suffix, "Mul", unary(ctx, suffix + "_tanh", "Tanh",
          binary(ctx, suffix + "_scaled", "Mul", in, scalar(ctx, fn.beta()))),
          scalar(ctx, fn.alpha()));
    };
  }

  /**
   * {@code x} bounded to [lo, hi] by Maximum and Minimum (tfjs 1.7.4 reads ClipByValue's bounds
   * from attributes, 4.x from inputs).
   */
  private String bounded(OpContext ctx, String suffix, String x, float lo, float hi) {
    return binary(ctx, suffix, "Minimum", binary(ctx, suffix + "_at_least", "Maximum", x,
        scalar(ctx, lo)), scalar(ctx, hi));
  }

  private String affine(OpContext ctx, Fn fn, String in, String suffix) {
    return binary(ctx, suffix + "_plus_beta", "AddV2", binary(ctx, suffix + "_times_alpha",
        "Mul", in, scalar(ctx, fn.alpha())), scalar(ctx, fn.beta()));
  }

  /** A float scalar constant, made once per node. */
  String scalar(OpContext ctx, float value) {
    return scalars.computeIfAbsent(value, v -> Weights.small(ctx, "scalar_" + scalars.size(),
        new long[0], v));
  }

  static String unary(OpContext ctx, String suffix, String op, String x) {
    return ctx.emit(suffix, op, List.of(x), Attrs.of());
  }

  static String binary(OpContext ctx, String suffix, String op, String a, String b) {
    return ctx.emit(suffix, op, List.of(a, b), Attrs.of());
  }
}
