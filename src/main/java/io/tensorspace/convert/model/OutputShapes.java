package io.tensorspace.convert.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Infers each layer's output shape (batch first, {@code null} for unknown dimensions) from the
 * config alone, the way Keras computes it. Layers it does not know are left out of the result.
 *
 * <p>Reads Keras 1, Keras 2 / tf.keras, TensorFlow.js and Keras 3 layer configs (Keras 1 names such
 * as {@code nb_filter}, {@code border_mode} and {@code dim_ordering} included). A layer called
 * more than once reports the shape of its first call; a layer with several outputs (an RNN with
 * {@code return_state}, a Bidirectional without merge mode) reports its first output.
 */
public final class OutputShapes {
  private OutputShapes() {}

  private static final Set<String> SAME_SHAPE = Set.of(
      "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax",
      "SReLU", "ParametricSoftplus", "Highway",
      "Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise",
      "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
      "BatchNormalization", "BatchNormalizationV1", "BatchNormalizationV2",
      "SyncBatchNormalization", "LayerNormalization", "GroupNormalization",
      "UnitNormalization", "Masking", "ActivityRegularization", "Identity",
      "Rescaling", "Normalization", "RandomFlip", "RandomRotation", "RandomZoom",
      "RandomTranslation", "RandomContrast", "RandomBrightness");

  private static final Set<String> LSTM_LIKE =
      Set.of("LSTM", "CuDNNLSTM", "LSTMV1", "LSTMV2", "UnifiedLSTM");
  private static final Set<String> ONE_STATE_RNN =
      Set.of("GRU", "CuDNNGRU", "GRUV1", "GRUV2", "UnifiedGRU", "SimpleRNN");
  private static final Set<String> ELEMENTWISE_MERGE =
      Set.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum");
  private static final Set<String> NESTED_MODELS = Set.of("Model", "Functional", "Sequential");

  /** Each layer's output shape, by layer name; layers whose shape is unknown are absent. */
  public static Map<String, List<Long>> infer(LayersModel model) {
    return infer(model, Map.of());
  }

  /**
   * As {@link #infer(LayersModel)}, with the shapes of some inputs (batch first, by InputLayer
   * name) replaced, e.g. to resolve the {@code null} image size of a fully convolutional model.
   */
  public static Map<String, List<Long>> infer(LayersModel model, Map<String, List<Long>> inputs) {
    JsonNode layers = model.configView().path("config").path("layers");
    Map<String, Outcome[]> results = evaluate(layers, inputs);
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    for (Map.Entry<String, Outcome[]> result : results.entrySet()) {
      Outcome[] nodes = result.getValue();
      if (nodes.length > 0 && nodes[0] != null && nodes[0].outputs != null
          && !nodes[0].outputs.isEmpty() && nodes[0].outputs.get(0) != null) {
        shapes.put(result.getKey(),
            Collections.unmodifiableList(new ArrayList<>(nodes[0].outputs.get(0))));
      }
    }
    return Collections.unmodifiableMap(shapes);
  }

  // ------------------------------------------------------------------ graph

  /** One tensor a call consumes: {@code [layer, node index, tensor index]}. */
  private record Ref(String layer, int node, int tensor) {}

  /** A computed node; {@code outputs == null} when its shape is unknown. */
  private record Outcome(List<List<Long>> outputs) {}

  /** Every node of every layer, in the order of each layer's {@code inbound_nodes}. */
  private static Map<String, Outcome[]> evaluate(JsonNode layers, Map<String, List<Long>> inputs) {
    Map<String, Outcome[]> results = new LinkedHashMap<>();
    Map<String, List<List<Ref>>> calls = new LinkedHashMap<>();
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode layer : layers) {
      String name = layerName(layer);
      if (name.isEmpty() || results.containsKey(name)) {
        continue;
      }
      byName.put(name, layer);
      if ("InputLayer".equals(layer.path("class_name").asText())) {
        List<Long> shape = inputs.containsKey(name) ? inputs.get(name) : inputShape(layer.path("config"));
        results.put(name, new Outcome[] {new Outcome(shape == null ? null : one(copy(shape)))});
      } else {
        List<List<Ref>> layerCalls = calls(layer.path("inbound_nodes"));
        calls.put(name, layerCalls);
        results.put(name, new Outcome[layerCalls.size()]);
      }
    }
    ObjectNode graph = JsonNodeFactory.instance.objectNode();
    graph.set("layers", layers);
    Map<String, Integer> first = LayersModel.firstNodes(graph);
    boolean progress = true;
    while (progress) {
      progress = false;
      for (Map.Entry<String, List<List<Ref>>> entry : calls.entrySet()) {
        Outcome[] nodes = results.get(entry.getKey());
        for (int i = 0; i < nodes.length; i++) {
          if (nodes[i] != null) {
            continue;
          }
          List<List<Long>> in = new ArrayList<>();
          boolean ready = true;
          boolean unknown = entry.getValue().get(i).isEmpty();
          for (Ref ref : entry.getValue().get(i)) {
            Outcome[] source = results.get(ref.layer());
            int node = ref.node() - first.getOrDefault(ref.layer(), 0);
            if (source == null || node < 0 || node >= source.length) {
              unknown = true;
            } else if (source[node] == null) {
              ready = false;
              break;
            } else {
              List<List<Long>> outputs = source[node].outputs();
              if (outputs == null || ref.tensor() < 0 || ref.tensor() >= outputs.size()
                  || outputs.get(ref.tensor()) == null) {
                unknown = true;
              } else {
                in.add(outputs.get(ref.tensor()));
              }
            }
          }
          if (!ready) {
            continue;
          }
          JsonNode layer = byName.get(entry.getKey());
          nodes[i] = new Outcome(unknown ? null
              : safeOutputs(layer.path("class_name").asText(), layer.path("config"), in));
          progress = true;
        }
      }
    }
    return results;
  }

  private static String layerName(JsonNode layer) {
    String name = layer.path("name").asText("");
    return name.isEmpty() ? layer.path("config").path("name").asText("") : name;
  }

  /**
   * The calls of one layer: Keras 1/2 and tfjs {@code [[name, node, tensor, kwargs], ...]} (tensors
   * among the kwargs follow), Keras 3 {@code {"args": [...], "kwargs": {...}}}.
   */
  private static List<List<Ref>> calls(JsonNode inboundNodes) {
    List<List<Ref>> calls = new ArrayList<>();
    for (JsonNode call : inboundNodes) {
      List<Ref> refs = new ArrayList<>();
      if (call.isObject()) {
        collectKeras3(call.path("args"), refs);
        collectKeras3(call.path("kwargs"), refs);
      } else {
        for (JsonNode entry : call) {
          Ref ref = triple(entry);
          if (ref != null) {
            refs.add(ref);
            if (entry.size() > 3 && entry.get(3).isObject()) {
              for (JsonNode kwarg : entry.get(3)) {
                Ref extra = triple(kwarg);
                if (extra != null) {
                  refs.add(extra);
                }
              }
            }
          }
        }
      }
      calls.add(refs);
    }
    return calls;
  }

  private static Ref triple(JsonNode entry) {
    if (entry.isArray() && entry.size() >= 3 && entry.get(0).isTextual()
        && entry.get(1).isNumber() && entry.get(2).isNumber()) {
      return new Ref(entry.get(0).asText(), entry.get(1).asInt(), entry.get(2).asInt());
    }
    return null;
  }

  private static void collectKeras3(JsonNode node, List<Ref> refs) {
    if (node.isObject()) {
      JsonNode history = node.path("config").path("keras_history");
      if ("__keras_tensor__".equals(node.path("class_name").asText()) && history.isArray()) {
        Ref ref = triple(history);
        if (ref != null) {
          refs.add(ref);
        }
        return;
      }
      for (JsonNode value : node) {
        collectKeras3(value, refs);
      }
    } else if (node.isArray()) {
      for (JsonNode value : node) {
        collectKeras3(value, refs);
      }
    }
  }

  // ------------------------------------------------------------------ layers

  private static List<List<Long>> safeOutputs(String className, JsonNode config, List<List<Long>> in) {
    try {
      List<List<Long>> out = outputs(className, config, in);
      return out == null || out.isEmpty() || hasNull(out) ? null : out;
    } catch (RuntimeException e) {
      // an unusual config: the shape stays unknown rather than failing the caller
      return null;
    }
  }

  /** The output shapes of one call of a layer, or {@code null} when unknown. */
  private static List<List<Long>> outputs(String className, JsonNode c, List<List<Long>> ins) {
    if (ins.isEmpty() || hasNull(ins)) {
      return null;
    }
    List<Long> in = copy(ins.get(0));
    if (SAME_SHAPE.contains(className)) {
      return one(in);
    }
    if (LSTM_LIKE.contains(className)) {
      return recurrent(c, in, units(c), 2);
    }
    if (ONE_STATE_RNN.contains(className)) {
      return recurrent(c, in, units(c), 1);
    }
    if (ELEMENTWISE_MERGE.contains(className)) {
      return one(broadcast(ins));
    }
    if (NESTED_MODELS.contains(className)) {
      return nested(className, c, ins);
    }
    switch (className) {
      case "InputLayer":
        return one(in);
      case "Dense", "TimeDistributedDense", "MaxoutDense": {
        in.set(in.size() - 1, number(c, "units", "output_dim"));
        return one(in);
      }
      case "Flatten": {
        Long product = 1L;
        for (Long d : in.subList(1, in.size())) {
          product = d == null || product == null ? null : product * d;
        }
        return one(shape(in.get(0), product));
      }
      case "Reshape":
        return one(reshape(in, c.path("target_shape")));
      case "Permute": {
        List<Long> out = shape(in.get(0));
        for (JsonNode d : c.path("dims")) {
          out.add(in.get(d.asInt()));
        }
        return one(out);
      }
      case "RepeatVector":
        return one(shape(in.get(0), c.path("n").asLong(), in.get(1)));
      case "Embedding":
        return one(embedding(c, in));
      case "Lambda":
        return lambda(c, in);
      case "Conv1D", "Convolution1D", "AtrousConvolution1D", "Conv2D", "Convolution2D",
          "AtrousConvolution2D", "Conv3D", "Convolution3D", "SeparableConv1D",
          "SeparableConvolution1D", "SeparableConv2D", "SeparableConvolution2D",
          "LocallyConnected1D", "LocallyConnected2D":
        return one(conv(c, in, rankOf(className), number(c, "filters", "nb_filter"), false));
      case "DepthwiseConv1D", "DepthwiseConv2D": {
        int rank = rankOf(className);
        Long channels = in.get(channelAxis(c, rank));
        long multiplier = c.path("depth_multiplier").asLong(1);
        return one(conv(c, in, rank, channels == null ? null : channels * multiplier, false));
      }
      case "Conv1DTranspose", "Convolution1DTranspose", "Conv2DTranspose",
          "Convolution2DTranspose", "Conv3DTranspose", "Convolution3DTranspose":
        return one(conv(c, in, rankOf(className), number(c, "filters", "nb_filter"), true));
      case "Deconvolution2D", "Deconvolution3D": {
        List<Long> out = dims(c.path("output_shape"));
        out.set(0, in.get(0));
        return one(out);
      }
      case "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "ConvLSTM2DV1":
        return convRecurrent(c, in, rankOf(className.replace("V1", "")));
      case "RNN":
        return genericRnn(c, in);
      case "MaxPooling1D", "AveragePooling1D", "MaxPool1D", "AvgPool1D", "AveragePool1D":
        return one(pool(c, in, 1));
      case "MaxPooling2D", "AveragePooling2D", "MaxPool2D", "AvgPool2D", "AveragePool2D":
        return one(pool(c, in, 2));
      case "MaxPooling3D", "AveragePooling3D", "MaxPool3D", "AvgPool3D", "AveragePool3D":
        return one(pool(c, in, 3));
      case "GlobalMaxPooling1D", "GlobalAveragePooling1D", "GlobalMaxPool1D", "GlobalAvgPool1D",
          "GlobalMaxPooling2D", "GlobalAveragePooling2D", "GlobalMaxPool2D", "GlobalAvgPool2D",
          "GlobalMaxPooling3D", "GlobalAveragePooling3D", "GlobalMaxPool3D", "GlobalAvgPool3D":
        return one(globalPool(c, in));
      case "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D":
        return one(pad(c, in, rankOf(className), field(c, "padding"), 1));
      case "Cropping1D", "Cropping2D", "Cropping3D":
        return one(pad(c, in, rankOf(className), field(c, "cropping"), -1));
      case "UpSampling1D", "UpSampling2D", "UpSampling3D":
        return one(upSample(c, in, rankOf(className)));
      case "Resizing", "CenterCrop", "RandomCrop":
        return one(resize(c, in));
      case "Concatenate":
        return one(concatenate(ins, c.path("axis").asInt(-1)));
      case "Dot":
        return one(dot(ins, c.path("axes")));
      case "Merge":
        return one(keras1Merge(c, ins));
      case "Attention", "AdditiveAttention": {
        List<Long> query = ins.get(0);
        List<Long> value = ins.size() > 1 ? ins.get(1) : query;
        List<Long> out = copy(query.subList(0, query.size() - 1));
        out.add(value.get(value.size() - 1));
        return one(out);
      }
      case "MultiHeadAttention": {
        JsonNode outputShape = c.path("output_shape");
        if (outputShape.isNull() || outputShape.isMissingNode()) {
          return one(in);
        }
        List<Long> out = copy(in.subList(0, in.size() - 1));
        out.addAll(outputShape.isArray() ? dims(outputShape) : List.of(outputShape.asLong()));
        return one(out);
      }
      case "Bidirectional":
        return bidirectional(c, ins);
      case "TimeDistributed":
        return timeDistributed(c, in);
      default:
        return null;
    }
  }

  private static List<List<Long>> one(List<Long> shape) {
    if (shape == null) {
      return null;
    }
    List<List<Long>> out = new ArrayList<>();
    out.add(shape);
    return out;
  }

  // ------------------------------------------------------------------ core

  private static List<Long> reshape(List<Long> in, JsonNode targetShape) {
    List<Long> target = dims(targetShape);
    List<Long> out = shape(in.get(0));
    int unknownAt = target.indexOf(-1L);
    if (unknownAt >= 0) {
      Long total = product(in.subList(1, in.size()));
      long known = 1;
      for (int i = 0; i < target.size(); i++) {
        if (i != unknownAt && target.get(i) != null) {
          known *= target.get(i);
        }
      }
      target.set(unknownAt, total == null || known == 0 ? null : total / known);
    }
    out.addAll(target);
    return out;
  }

  private static List<Long> embedding(JsonNode c, List<Long> in) {
    List<Long> out = copy(in);
    JsonNode length = c.path("input_length");
    List<Long> lengths = length.isArray() ? dims(length)
        : length.isNumber() ? List.of(length.asLong()) : List.of();
    for (int i = 0; i < lengths.size() && i + 1 < out.size(); i++) {
      if (out.get(i + 1) == null) {
        out.set(i + 1, lengths.get(i));
      }
    }
    out.add(number(c, "output_dim"));
    return out;
  }

  private static List<List<Long>> lambda(JsonNode c, List<Long> in) {
    JsonNode shape = c.path("output_shape");
    String type = c.path("output_shape_type").asText("raw");
    if (!"raw".equals(type) || !shape.isArray() || shape.isEmpty()) {
      return null;
    }
    for (JsonNode d : shape) {
      if (!d.isNull() && !d.isIntegralNumber()) {
        return null;
      }
    }
    List<Long> out = shape(in.get(0));
    out.addAll(dims(shape));
    return one(out);
  }

  // ------------------------------------------------------------------ convolutions

  private static int rankOf(String className) {
    if (className.contains("1D")) {
      return 1;
    }
    if (className.contains("3D")) {
      return 3;
    }
    return 2;
  }

  private static boolean channelsFirst(JsonNode c) {
    String format = c.path("data_format").asText("");
    if (format.isEmpty() || "null".equals(format)) {
      return "th".equals(c.path("dim_ordering").asText(""));
    }
    return "channels_first".equals(format);
  }

  private static int channelAxis(JsonNode c, int rank) {
    return channelsFirst(c) ? 1 : rank + 1;
  }

  /** The axes of the spatial dimensions in a {@code rank + 2} tensor. */
  private static int[] spatialAxes(JsonNode c, int rank) {
    int[] axes = new int[rank];
    int start = channelsFirst(c) ? 2 : 1;
    for (int i = 0; i < rank; i++) {
      axes[i] = start + i;
    }
    return axes;
  }

  private static long[] kernel(JsonNode c, int rank) {
    if (has(c, "kernel_size")) {
      return tuple(c.get("kernel_size"), rank, 1);
    }
    return switch (rank) {
      case 1 -> new long[] {c.path("filter_length").asLong()};
      case 2 -> new long[] {c.path("nb_row").asLong(), c.path("nb_col").asLong()};
      default -> new long[] {
          c.path("kernel_dim1").asLong(), c.path("kernel_dim2").asLong(),
          c.path("kernel_dim3").asLong()};
    };
  }

  private static String padding(JsonNode c) {
    JsonNode padding = c.path("padding");
    return padding.isTextual() ? padding.asText().toLowerCase() : c.path("border_mode").asText("valid");
  }

  private static List<Long> conv(JsonNode c, List<Long> in, int rank, Long channels,
      boolean transposed) {
    if (in.size() != rank + 2) {
      return null;
    }
    long[] kernel = kernel(c, rank);
    long[] strides = tuple(field(c, "strides", "subsample", "subsample_length"), rank, 1);
    long[] dilation = tuple(field(c, "dilation_rate", "atrous_rate"), rank, 1);
    JsonNode outputPadding = c.path("output_padding");
    long[] extra = outputPadding.isNull() || outputPadding.isMissingNode()
        ? null : tuple(outputPadding, rank, 0);
    String padding = padding(c);
    List<Long> out = copy(in);
    int[] axes = spatialAxes(c, rank);
    for (int i = 0; i < rank; i++) {
      Long length = in.get(axes[i]);
      out.set(axes[i], transposed
          ? deconvLength(length, kernel[i], padding, extra == null ? null : extra[i], strides[i],
              dilation[i])
          : convLength(length, kernel[i], padding, strides[i], dilation[i]));
    }
    out.set(channelAxis(c, rank), channels);
    return out;
  }

  /** Keras {@code conv_utils.conv_output_length}. */
  private static Long convLength(Long length, long kernel, String padding, long stride, long dilation) {
    if (length == null) {
      return null;
    }
    long dilated = kernel + (kernel - 1) * (dilation - 1);
    long out = switch (padding) {
      case "same", "causal" -> length;
      case "valid" -> length - dilated + 1;
      case "full" -> length + dilated - 1;
      default -> throw new IllegalArgumentException(padding);
    };
    return Math.floorDiv(out + stride - 1, stride);
  }

  /** Keras {@code conv_utils.deconv_output_length}. */
  private static Long deconvLength(Long length, long kernel, String padding, Long outputPadding,
      long stride, long dilation) {
    if (length == null) {
      return null;
    }
    long dilated = kernel + (kernel - 1) * (dilation - 1);
    if (outputPadding == null) {
      return switch (padding) {
        case "valid" -> length * stride + Math.max(dilated - stride, 0);
        case "full" -> length * stride - (stride + dilated - 2);
        case "same" -> length * stride;
        default -> throw new IllegalArgumentException(padding);
      };
    }
    long pad = switch (padding) {
      case "same" -> dilated / 2;
      case "valid" -> 0;
      case "full" -> dilated - 1;
      default -> throw new IllegalArgumentException(padding);
    };
    return (length - 1) * stride + dilated - 2 * pad + outputPadding;
  }

  private static List<Long> pool(JsonNode c, List<Long> in, int rank) {
    if (in.size() != rank + 2) {
      return null;
    }
    long[] size = tuple(field(c, "pool_size", "pool_length"), rank, 2);
    JsonNode stridesNode = field(c, "strides", "stride");
    long[] strides = stridesNode.isMissingNode() ? size : tuple(stridesNode, rank, 1);
    String padding = padding(c);
    List<Long> out = copy(in);
    int[] axes = spatialAxes(c, rank);
    for (int i = 0; i < rank; i++) {
      out.set(axes[i], convLength(in.get(axes[i]), size[i], padding, strides[i], 1));
    }
    return out;
  }

  private static List<Long> globalPool(JsonNode c, List<Long> in) {
    int rank = in.size() - 2;
    boolean first = channelsFirst(c);
    Long channels = first ? in.get(1) : in.get(in.size() - 1);
    if (c.path("keepdims").asBoolean(false)) {
      List<Long> out = copy(in);
      for (int axis : spatialAxes(c, rank)) {
        out.set(axis, 1L);
      }
      return out;
    }
    return shape(in.get(0), channels);
  }

  /** ZeroPadding ({@code sign} 1) and Cropping ({@code sign} -1). */
  private static List<Long> pad(JsonNode c, List<Long> in, int rank, JsonNode amounts, int sign) {
    if (in.size() != rank + 2) {
      return null;
    }
    long[][] pairs = pairs(amounts, rank, sign > 0 ? 1 : 0);
    List<Long> out = copy(in);
    int[] axes = spatialAxes(c, rank);
    for (int i = 0; i < rank; i++) {
      Long length = in.get(axes[i]);
      out.set(axes[i], length == null ? null : length + sign * (pairs[i][0] + pairs[i][1]));
    }
    return out;
  }

  /** {@code n}, {@code [a, b, ...]} (symmetric), {@code [[a0, a1], ...]}, Keras 1 forms. */
  private static long[][] pairs(JsonNode node, int rank, long dflt) {
    long[][] pairs = new long[rank][];
    if (node.isMissingNode() || node.isNull()) {
      for (int i = 0; i < rank; i++) {
        pairs[i] = new long[] {dflt, dflt};
      }
    } else if (node.isNumber()) {
      for (int i = 0; i < rank; i++) {
        pairs[i] = new long[] {node.asLong(), node.asLong()};
      }
    } else if (node.isObject()) {
      // Keras 1 ZeroPadding2D {"top_pad": .., "bottom_pad": .., "left_pad": .., "right_pad": ..}
      pairs[0] = new long[] {node.path("top_pad").asLong(), node.path("bottom_pad").asLong()};
      pairs[1] = new long[] {node.path("left_pad").asLong(), node.path("right_pad").asLong()};
    } else if (node.size() > 0 && node.get(0).isArray()) {
      for (int i = 0; i < rank; i++) {
        JsonNode pair = node.get(i);
        pairs[i] = pair.size() == 1
            ? new long[] {pair.get(0).asLong(), pair.get(0).asLong()}
            : new long[] {pair.get(0).asLong(), pair.get(1).asLong()};
      }
    } else if (rank == 1) {
      pairs[0] = node.size() == 1
          ? new long[] {node.get(0).asLong(), node.get(0).asLong()}
          : new long[] {node.get(0).asLong(), node.get(1).asLong()};
    } else if (node.size() == 2 * rank) {
      for (int i = 0; i < rank; i++) {
        pairs[i] = new long[] {node.get(2 * i).asLong(), node.get(2 * i + 1).asLong()};
      }
    } else {
      for (int i = 0; i < rank; i++) {
        long v = node.get(node.size() == 1 ? 0 : i).asLong();
        pairs[i] = new long[] {v, v};
      }
    }
    return pairs;
  }

  private static List<Long> upSample(JsonNode c, List<Long> in, int rank) {
    if (in.size() != rank + 2) {
      return null;
    }
    long[] size = tuple(field(c, "size", "length"), rank, 2);
    List<Long> out = copy(in);
    int[] axes = spatialAxes(c, rank);
    for (int i = 0; i < rank; i++) {
      Long length = in.get(axes[i]);
      out.set(axes[i], length == null ? null : length * size[i]);
    }
    return out;
  }

  private static List<Long> resize(JsonNode c, List<Long> in) {
    if (in.size() < 3) {
      return null;
    }
    List<Long> out = copy(in);
    int rows = channelsFirst(c) ? in.size() - 2 : in.size() - 3;
    out.set(rows, number(c, "height"));
    out.set(rows + 1, number(c, "width"));
    return out;
  }

  // ------------------------------------------------------------------ recurrent

  private static Long units(JsonNode c) {
    return number(c, "units", "output_dim");
  }

  private static List<List<Long>> recurrent(JsonNode c, List<Long> in, Long units, int states) {
    if (in.size() != 3 || units == null) {
      return null;
    }
    boolean timeMajor = c.path("time_major").asBoolean(false);
    Long batch = in.get(timeMajor ? 1 : 0);
    Long steps = in.get(timeMajor ? 0 : 1);
    List<List<Long>> out = new ArrayList<>();
    if (c.path("return_sequences").asBoolean(false)) {
      out.add(timeMajor ? shape(steps, batch, units) : shape(batch, steps, units));
    } else {
      out.add(shape(batch, units));
    }
    if (c.path("return_state").asBoolean(false)) {
      for (int i = 0; i < states; i++) {
        out.add(shape(batch, units));
      }
    }
    return out;
  }

  private static List<List<Long>> genericRnn(JsonNode c, List<Long> in) {
    JsonNode cell = c.path("cell");
    List<JsonNode> cells = new ArrayList<>();
    if (cell.isArray()) {
      cell.forEach(cells::add);
    } else if ("StackedRNNCells".equals(cell.path("class_name").asText())) {
      cell.path("config").path("cells").forEach(cells::add);
    } else {
      cells.add(cell);
    }
    if (cells.isEmpty()) {
      return null;
    }
    int states = 0;
    for (JsonNode each : cells) {
      String cls = each.path("class_name").asText();
      if (cls.startsWith("LSTMCell")) {
        states += 2;
      } else if (cls.startsWith("GRUCell") || cls.startsWith("SimpleRNNCell")) {
        states += 1;
      } else {
        return null;
      }
    }
    Long units = units(cells.get(cells.size() - 1).path("config"));
    List<List<Long>> out = recurrent(c, in, units, 0);
    if (out != null && c.path("return_state").asBoolean(false)) {
      for (JsonNode each : cells) {
        Long cellUnits = units(each.path("config"));
        int count = each.path("class_name").asText().startsWith("LSTMCell") ? 2 : 1;
        for (int i = 0; i < count; i++) {
          out.add(shape(out.get(0).get(0), cellUnits));
        }
      }
    }
    return out;
  }

  private static List<List<Long>> convRecurrent(JsonNode c, List<Long> in, int rank) {
    if (in.size() != rank + 3) {
      return null;
    }
    List<Long> step = copy(in);
    Long steps = step.remove(1);
    List<Long> frame = conv(c, step, rank, number(c, "filters", "nb_filter"), false);
    if (frame == null) {
      return null;
    }
    List<List<Long>> out = new ArrayList<>();
    if (c.path("return_sequences").asBoolean(false)) {
      List<Long> sequence = copy(frame);
      sequence.add(1, steps);
      out.add(sequence);
    } else {
      out.add(frame);
    }
    if (c.path("return_state").asBoolean(false)) {
      out.add(copy(frame));
      out.add(copy(frame));
    }
    return out;
  }

  // ------------------------------------------------------------------ wrappers

  private static List<List<Long>> bidirectional(JsonNode c, List<List<Long>> ins) {
    JsonNode forwardLayer = c.path("layer");
    List<List<Long>> forward = wrapped(forwardLayer, one(ins.get(0)));
    JsonNode backwardLayer = c.path("backward_layer");
    List<List<Long>> backward = backwardLayer.isObject()
        ? wrapped(backwardLayer, one(ins.get(0))) : forward;
    if (forward == null || backward == null) {
      return null;
    }
    JsonNode mode = c.path("merge_mode");
    String merge = mode.isMissingNode() ? "concat" : mode.isNull() ? "none" : mode.asText();
    List<List<Long>> out = new ArrayList<>();
    List<Long> fw = forward.get(0);
    List<Long> bw = backward.get(0);
    switch (merge) {
      case "concat" -> {
        List<Long> merged = copy(fw);
        Long a = fw.get(fw.size() - 1);
        Long b = bw.get(bw.size() - 1);
        merged.set(merged.size() - 1, a == null || b == null ? null : a + b);
        out.add(merged);
      }
      case "sum", "mul", "ave" -> out.add(copy(fw));
      case "none", "None" -> {
        out.add(copy(fw));
        out.add(copy(bw));
      }
      default -> {
        return null;
      }
    }
    out.addAll(forward.subList(1, forward.size()));
    out.addAll(backward.subList(1, backward.size()));
    return out;
  }

  private static List<List<Long>> timeDistributed(JsonNode c, List<Long> in) {
    if (in.size() < 3) {
      return null;
    }
    List<Long> step = copy(in);
    Long steps = step.remove(1);
    List<List<Long>> inner = wrapped(c.path("layer"), one(step));
    if (inner == null) {
      return null;
    }
    List<List<Long>> out = new ArrayList<>();
    for (List<Long> each : inner) {
      List<Long> sequence = copy(each);
      sequence.add(1, steps);
      out.add(sequence);
    }
    return out;
  }

  private static List<List<Long>> wrapped(JsonNode layer, List<List<Long>> ins) {
    return outputs(layer.path("class_name").asText(), layer.path("config"), ins);
  }

  /** A Sequential or functional model used as a layer. */
  private static List<List<Long>> nested(String className, JsonNode c, List<List<Long>> ins) {
    JsonNode layers = c.isArray() ? c : c.path("layers");
    if (!layers.isArray()) {
      return null;
    }
    if (className.equals("Sequential") || c.isArray()) {
      List<List<Long>> current = one(copy(ins.get(0)));
      for (JsonNode layer : layers) {
        String cls = layer.path("class_name").asText();
        if (cls.equals("InputLayer")) {
          continue;
        }
        current = outputs(cls, layer.path("config"), one(current.get(0)));
        if (current == null || current.isEmpty() || current.get(0) == null) {
          return null;
        }
      }
      return current;
    }
    List<Ref> inputRefs = refs(c.path("input_layers"));
    List<Ref> outputRefs = refs(c.path("output_layers"));
    if (inputRefs.size() != ins.size() || outputRefs.isEmpty()) {
      return null;
    }
    Map<String, List<Long>> inputs = new LinkedHashMap<>();
    for (int i = 0; i < inputRefs.size(); i++) {
      inputs.put(inputRefs.get(i).layer(), ins.get(i));
    }
    Map<String, Outcome[]> results = evaluate(layers, inputs);
    List<List<Long>> out = new ArrayList<>();
    for (Ref ref : outputRefs) {
      Outcome[] nodes = results.get(ref.layer());
      if (nodes == null || ref.node() >= nodes.length || nodes[ref.node()] == null
          || nodes[ref.node()].outputs() == null
          || ref.tensor() >= nodes[ref.node()].outputs().size()) {
        return null;
      }
      out.add(nodes[ref.node()].outputs().get(ref.tensor()));
    }
    return out;
  }

  /** {@code [[name, node, tensor], ...]} or a single flat triple (Keras 3). */
  private static List<Ref> refs(JsonNode triples) {
    List<Ref> refs = new ArrayList<>();
    Ref single = triple(triples);
    if (single != null) {
      refs.add(single);
      return refs;
    }
    for (JsonNode entry : triples) {
      Ref ref = triple(entry);
      if (ref != null) {
        refs.add(ref);
      }
    }
    return refs;
  }

  // ------------------------------------------------------------------ merges

  /** Keras {@code _Merge.compute_output_shape}: right-aligned broadcasting. */
  private static List<Long> broadcast(List<List<Long>> ins) {
    List<Long> out = copy(ins.get(0).subList(1, ins.get(0).size()));
    for (List<Long> other : ins.subList(1, ins.size())) {
      out = broadcast(out, copy(other.subList(1, other.size())));
    }
    Long batch = null;
    java.util.Set<Long> batches = new java.util.HashSet<>();
    for (List<Long> each : ins) {
      if (each.get(0) != null) {
        batches.add(each.get(0));
      }
    }
    if (batches.size() == 1) {
      batch = batches.iterator().next();
    }
    out.add(0, batch);
    return out;
  }

  private static List<Long> broadcast(List<Long> a, List<Long> b) {
    if (a.size() < b.size()) {
      return broadcast(b, a);
    }
    List<Long> out = copy(a.subList(0, a.size() - b.size()));
    for (int k = 0; k < b.size(); k++) {
      Long i = a.get(a.size() - b.size() + k);
      Long j = b.get(k);
      if (i == null || j == null) {
        out.add(null);
      } else if (i == 1) {
        out.add(j);
      } else if (j == 1) {
        out.add(i);
      } else if (i.equals(j)) {
        out.add(i);
      } else {
        throw new IllegalArgumentException("incompatible shapes " + a + " and " + b);
      }
    }
    return out;
  }

  private static List<Long> concatenate(List<List<Long>> ins, int axis) {
    int rank = ins.get(0).size();
    int at = axis < 0 ? axis + rank : axis;
    List<Long> out = copy(ins.get(0));
    for (List<Long> other : ins.subList(1, ins.size())) {
      if (other.size() != rank) {
        return null;
      }
      for (int i = 0; i < rank; i++) {
        if (i == at) {
          Long a = out.get(i);
          Long b = other.get(i);
          out.set(i, a == null || b == null ? null : a + b);
        } else if (out.get(i) == null) {
          out.set(i, other.get(i));
        }
      }
    }
    return out;
  }

  /** Keras {@code Dot.compute_output_shape} (also Keras 1 {@code Merge(mode='dot')}). */
  private static List<Long> dot(List<List<Long>> ins, JsonNode axes) {
    if (ins.size() != 2) {
      return null;
    }
    List<Long> a = copy(ins.get(0));
    List<Long> b = copy(ins.get(1));
    int axisA;
    int axisB;
    if (axes.isArray()) {
      axisA = axes.get(0).asInt();
      axisB = axes.get(1).asInt();
    } else {
      int axis = axes.asInt(-1);
      axisA = axis;
      axisB = axis;
      if (axis < 0) {
        axisA = Math.floorMod(axis, a.size());
        axisB = Math.floorMod(axis, b.size());
      }
    }
    a.remove(axisA < 0 ? axisA + a.size() : axisA);
    b.remove(axisB < 0 ? axisB + b.size() : axisB);
    b.remove(0);
    a.addAll(b);
    if (a.size() == 1) {
      a.add(1L);
    }
    return a;
  }

  private static List<Long> keras1Merge(JsonNode c, List<List<Long>> ins) {
    if (c.path("layers").isArray() && !c.path("layers").isEmpty()) {
      return null;
    }
    String mode = c.path("mode").asText("sum");
    return switch (mode) {
      case "sum", "mul", "ave", "max" -> copy(ins.get(0));
      case "concat" -> concatenate(ins, c.path("concat_axis").asInt(-1));
      case "dot" -> dot(ins, c.path("dot_axes"));
      case "cos" -> shape(ins.get(0).get(0), 1L);
      default -> null;
    };
  }

  // ------------------------------------------------------------------ helpers

  private static List<Long> inputShape(JsonNode config) {
    JsonNode shape = field(config, "batch_input_shape", "batch_shape");
    if (shape.isArray()) {
      return dims(shape);
    }
    JsonNode withoutBatch = config.path("input_shape");
    if (withoutBatch.isArray()) {
      List<Long> out = shape((Long) null);
      out.addAll(dims(withoutBatch));
      return out;
    }
    return null;
  }

  private static boolean has(JsonNode c, String key) {
    JsonNode value = c.get(key);
    return value != null && !value.isNull();
  }

  /** The first of the keys that is present and not null; missing otherwise. */
  private static JsonNode field(JsonNode c, String... keys) {
    for (String key : keys) {
      if (has(c, key)) {
        return c.get(key);
      }
    }
    return MissingNode.getInstance();
  }

  private static Long number(JsonNode c, String... keys) {
    JsonNode value = field(c, keys);
    return value.isNumber() ? value.asLong() : null;
  }

  /** An int or a list of ints as {@code n} values; a missing value gives {@code dflt}. */
  private static long[] tuple(JsonNode node, int n, long dflt) {
    long[] values = new long[n];
    for (int i = 0; i < n; i++) {
      if (node.isNumber()) {
        values[i] = node.asLong();
      } else if (node.isArray() && node.size() > 0) {
        JsonNode value = node.get(node.size() == 1 ? 0 : i);
        if (value == null || !value.isNumber()) {
          throw new IllegalArgumentException("not " + n + " numbers: " + node);
        }
        values[i] = value.asLong();
      } else {
        values[i] = dflt;
      }
    }
    return values;
  }

  private static List<Long> dims(JsonNode array) {
    if (!array.isArray()) {
      throw new IllegalArgumentException("not a shape: " + array);
    }
    List<Long> dims = new ArrayList<>();
    for (JsonNode d : array) {
      dims.add(d.isNull() ? null : d.asLong());
    }
    return dims;
  }

  private static Long product(List<Long> dims) {
    long product = 1;
    for (Long d : dims) {
      if (d == null) {
        return null;
      }
      product *= d;
    }
    return product;
  }

  private static List<Long> shape(Long... dims) {
    List<Long> out = new ArrayList<>();
    Collections.addAll(out, dims);
    return out;
  }

  /** Null-safe for any list ({@code List.of(...).contains(null)} throws). */
  private static boolean hasNull(List<?> list) {
    for (Object each : list) {
      if (each == null) {
        return true;
      }
    }
    return false;
  }

  private static List<Long> copy(List<Long> shape) {
    return new ArrayList<>(shape);
  }
}
