package io.tensorspace.convert.tfjs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras' dot-product {@code Attention} (Luong style), which tfjs lacks, from Dot and Softmax:
 * {@code scores = query . key^T} ({@code <name>__scores}, Dot(axes=(2, 2))), {@code <name>__weights}
 * Softmax(axis=-1), output {@code weights . value} (Dot(axes=(2, 1))). Key defaults to value.
 * Dropout only acts in training. With {@code use_scale} the learned scalar multiplies the query
 * first ({@code <name>__scale}, a Dense with kernel {@code scale * I}, exact up to rounding).
 *
 * <p>Rank-2 inputs {@code [batch, dim]} are treated as sequences of one step
 * ({@code <name>__query}/{@code __value}/{@code __key} Reshape((1, -1)), output Reshape((-1,))).
 * This matches Keras for one sample at a time, which is how TensorSpace predicts; Keras itself
 * mixes the samples of a batch there (its scores are {@code [batch, batch]}).
 *
 * <p>Refused: {@code score_mode: "concat"}, causal masks, masks passed at call time and
 * {@code return_attention_scores}.
 */
final class AttentionRewrite {
  private AttentionRewrite() {}

  static boolean applies(ObjectNode layer) {
    return "Attention".equals(layer.path("class_name").asText());
  }

  static Rewriting.Replacement rewrite(Rewriting rewriting, ObjectNode layer, List<Weight> weights)
      throws ConversionException {
    ObjectNode config = (ObjectNode) layer.path("config");
    Rewriting.Chain chain = rewriting.new Chain(layer);
    String name = chain.name();
    String wayOut = "Leave the attention out of the model you convert, or list the layers before"
        + " it as outputs.";
    if (!"dot".equals(config.path("score_mode").asText("dot"))) {
      throw rewriting.refuse(name, "Attention", "score_mode '"
          + config.path("score_mode").asText() + "' (additive scores) has no TensorFlow.js"
          + " equivalent; only 'dot' is rewritten", wayOut);
    }
    if (config.path("causal").asBoolean(false)) {
      throw rewriting.refuse(name, "Attention",
          "its causal mask cannot be expressed with TensorFlow.js layers", wayOut);
    }
    JsonNode calls = layer.path("inbound_nodes");
    if (calls.size() == 0) {
      throw rewriting.refuse(name, "Attention", "it is never called in the model", wayOut);
    }
    int rank = -1;
    for (JsonNode call : calls) {
      if (call.size() < 2 || call.size() > 3) {
        throw rewriting.refuse(name, "Attention",
            "it is called with " + call.size() + " inputs instead of [query, value(, key)]", wayOut);
      }
      for (JsonNode entry : call) {
        JsonNode kwargs = entry.path(3);
        if (kwargs.hasNonNull("mask") || kwargs.path("return_attention_scores").asBoolean(false)
            || kwargs.path("use_causal_mask").asBoolean(false)) {
          throw rewriting.refuse(name, "Attention", "it is called with a mask, a causal mask or"
              + " return_attention_scores, which the TensorFlow.js rewrite does not support",
              wayOut);
        }
        List<Long> shape = rewriting.shape(entry.path(0).asText());
        if (shape == null) {
          throw rewriting.refuse(name, "Attention", "the rank of its input '"
              + entry.path(0).asText() + "' is not known to the converter, and the TensorFlow.js"
              + " rewrite depends on it", wayOut);
        }
        if (rank != -1 && rank != shape.size()) {
          throw rewriting.refuse(name, "Attention", "its inputs have different ranks", wayOut);
        }
        rank = shape.size();
      }
    }
    if (rank != 2 && rank != 3) {
      throw rewriting.refuse(name, "Attention", "its inputs have rank " + rank
          + "; the TensorFlow.js rewrite handles [batch, dim] and [batch, steps, dim]", wayOut);
    }
    // per call: the query, value and key tensors as [layer, node, tensor] entries
    List<ArrayNode[]> inputs = new ArrayList<>();
    for (JsonNode call : calls) {
      ArrayNode query = entry(call.get(0));
      ArrayNode value = entry(call.get(1));
      ArrayNode key = call.size() > 2 ? entry(call.get(2)) : value;
      inputs.add(new ArrayNode[] {query, value, key});
    }
    if (rank == 2) {
      boolean keyIsValue = inputs.stream().allMatch(in -> in[2].equals(in[1]));
      reshapeToSteps(rewriting, chain, config, inputs, 0, "query");
      reshapeToSteps(rewriting, chain, config, inputs, 1, "value");
      if (keyIsValue) {
        inputs.forEach(in -> in[2] = in[1]);
      } else {
        reshapeToSteps(rewriting, chain, config, inputs, 2, "key");
      }
    }
    if (config.path("use_scale").asBoolean(false)) {
      scaleQuery(rewriting, chain, layer, inputs, weights);
    }
    ObjectNode scores = Rewriting.baseConfig(config);
    scores.set("axes", Rewriting.ints(2, 2));
    scores.put("normalize", false);
    String scoresName = chain.helper("scores", "Dot", scores, perCall(inputs, 0, 2));
    ObjectNode softmax = Rewriting.baseConfig(config);
    softmax.put("axis", -1);
    String weightsName = chain.helper("weights", "Softmax", softmax, chain.callsOf(scoresName));
    for (int call = 0; call < inputs.size(); call++) {
      inputs.get(call)[0] = Rewriting.JSON.arrayNode().add(weightsName).add(call).add(0);
    }
    ObjectNode output = Rewriting.baseConfig(config);
    output.set("axes", Rewriting.ints(2, 1));
    output.put("normalize", false);
    if (rank == 3) {
      return chain.last("Dot", output, perCall(inputs, 0, 1));
    }
    String steps = chain.helper("steps", "Dot", output, perCall(inputs, 0, 1));
    ObjectNode flat = Rewriting.baseConfig(config);
    List<Long> value = rewriting.shape(layer.path("inbound_nodes").path(0).path(1).path(0).asText());
    Long dim = value == null ? null : value.get(value.size() - 1);
    flat.set("target_shape", Rewriting.ints(dim == null ? -1 : dim));
    return chain.last("Reshape", flat, chain.callsOf(steps));
  }

  private static ArrayNode entry(JsonNode entry) {
    return Rewriting.JSON.arrayNode()
        .add(entry.path(0).asText()).add(entry.path(1).asInt()).add(entry.path(2).asInt());
  }

  private static ArrayNode perCall(List<ArrayNode[]> inputs, int first, int second) {
    ArrayNode inbound = Rewriting.JSON.arrayNode();
    for (ArrayNode[] call : inputs) {
      ArrayNode entries = inbound.addArray();
      entries.add(call[first].deepCopy().add(Rewriting.JSON.objectNode()));
      entries.add(call[second].deepCopy().add(Rewriting.JSON.objectNode()));
    }
    return inbound;
  }

  /** Reshape((1, -1)) of input {@code index} of every call, which then refers to the helper. */
  private static void reshapeToSteps(
      Rewriting rewriting, Rewriting.Chain chain, ObjectNode config, List<ArrayNode[]> inputs,
      int index, String what) {
    // explicit sizes: tfjs would carry a symbolic -1 on to the next layers
    List<Long> shape = rewriting.shape(inputs.get(0)[index].path(0).asText());
    Long dim = shape == null ? null : shape.get(shape.size() - 1);
    ArrayNode inbound = Rewriting.JSON.arrayNode();
    for (ArrayNode[] call : inputs) {
      inbound.addArray().add(call[index].deepCopy().add(Rewriting.JSON.objectNode()));
    }
    ObjectNode reshape = Rewriting.baseConfig(config);
    reshape.set("target_shape", Rewriting.ints(1, dim == null ? -1 : dim));
    String helper = chain.helper(what, "Reshape", reshape, inbound);
    for (int call = 0; call < inputs.size(); call++) {
      inputs.get(call)[index] = Rewriting.JSON.arrayNode().add(helper).add(call).add(0);
    }
  }

  private static void scaleQuery(
      Rewriting rewriting, Rewriting.Chain chain, ObjectNode layer, List<ArrayNode[]> inputs,
      List<Weight> weights) throws ConversionException {
    ObjectNode config = (ObjectNode) layer.path("config");
    Weight scale = weights.stream().filter(w -> w.elementCount() == 1).findFirst().orElse(null);
    long dim = -1;
    for (JsonNode call : layer.path("inbound_nodes")) {
      List<Long> query = rewriting.shape(call.path(0).path(0).asText());
      if (query != null && query.get(query.size() - 1) != null) {
        dim = query.get(query.size() - 1);
      }
    }
    if (scale == null || dim <= 0 || dim * dim > FloatTensor.MAX_ELEMENTS) {
      throw rewriting.refuse(chain.name(), "Attention", "its learned scale (use_scale) needs a"
          + " scalar weight and a known query size of at most 1024 to be rewritten for"
          + " TensorFlow.js", "Leave the attention out of the model you convert.");
    }
    float factor = FloatTensor.read(scale)[0];
    int n = Math.toIntExact(dim);
    float[] kernel = new float[n * n];
    for (int i = 0; i < n; i++) {
      kernel[i * n + i] = factor;
    }
    ArrayNode inbound = Rewriting.JSON.arrayNode();
    for (ArrayNode[] call : inputs) {
      inbound.addArray().add(call[0].deepCopy().add(Rewriting.JSON.objectNode()));
    }
    ObjectNode dense = Rewriting.baseConfig(config);
    dense.put("units", dim);
    dense.put("activation", "linear");
    dense.put("use_bias", false);
    String helper = chain.helper("scale", "Dense", dense, List.of(
        FloatTensor.weight("kernel", new long[] {dim, dim}, kernel)), inbound);
    for (int call = 0; call < inputs.size(); call++) {
      inputs.get(call)[0] = Rewriting.JSON.arrayNode().add(helper).add(call).add(0);
    }
  }
}
