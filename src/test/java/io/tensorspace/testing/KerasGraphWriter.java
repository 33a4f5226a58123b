package io.tensorspace.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.op.core.Concat;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.core.Identity;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Reshape;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.math.Sigmoid;
import org.tensorflow.op.math.Tanh;
import org.tensorflow.op.nn.AvgPool;
import org.tensorflow.op.nn.BiasAdd;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.op.nn.DepthwiseConv2dNative;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.nn.Relu;
import org.tensorflow.op.nn.Relu6;
import org.tensorflow.op.nn.Softmax;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Writes a TensorFlow.js layers model (model.json with a Keras 2.x functional topology, float32
 * weight files) as a frozen TensorFlow GraphDef built by the real TensorFlow runtime (TF Java ops),
 * one layer at a time with the ops tf.keras lowers that layer to (Conv2D, BiasAdd,
 * FusedBatchNormV3, MaxPool, AddV2, ...), weights as Const nodes.
 *
 * <p>Each layer's last op is named by the Keras layer name (its other ops and constants are
 * {@code <layer>/<op>}), so a graph node stands for each layer and a layers-model reference can be
 * compared node by node. Layer classes: the ones the Keras applications InceptionV3, ResNet50 and
 * MobileNet use (and a few activations); anything else is refused naming the layer.
 */
public final class KerasGraphWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What {@link #write} wrote.
   *
   * @param pb         the frozen GraphDef
   * @param input      the Placeholder node (the Keras input layer's name)
   * @param inputShape the input's shape without the batch dimension
   * @param layers     one node per layer after the input, in the topology's order
   */
  public record FrozenGraph(Path pb, String input, List<Long> inputShape, List<String> layers) {}

  private final Scope root;
  private final Weights weights;
  private final Map<String, Operand<TFloat32>> outputs = new HashMap<>();

  private KerasGraphWriter(Scope root, Weights weights) {
    this.root = root;
    this.weights = weights;
  }

  /** Builds the graph of the layers model {@code modelJson} and writes it to {@code pb}. */
  public static FrozenGraph write(Path modelJson, Path pb) throws IOException {
    JsonNode json = JSON.readTree(modelJson.toFile());
    JsonNode topology = json.path("modelTopology");
    JsonNode config = topology.has("model_config") ? topology.path("model_config").path("config")
        : topology.path("config");
    try (Graph graph = new Graph()) {
      Weights weights = Weights.of(modelJson, json.path("weightsManifest"));
      KerasGraphWriter writer = new KerasGraphWriter(Ops.create(graph).scope(), weights);
      String input = null;
      List<Long> inputShape = null;
      List<String> layers = new ArrayList<>();
      for (JsonNode layer : config.path("layers")) {
        String name = layer.path("name").asText();
        if (layer.path("class_name").asText().equals("InputLayer")) {
          if (input != null) {
            throw new IllegalArgumentException(modelJson + ": more than one input ('" + name + "')");
          }
          input = name;
          inputShape = writer.placeholder(name, layer.path("config"));
        } else {
          writer.outputs.put(name, writer.layer(layer));
          layers.add(name);
        }
      }
      weights.assertAllUsed();
      Files.createDirectories(pb.toAbsolutePath().getParent());
      try (OutputStream out = Files.newOutputStream(pb)) {
        graph.toGraphDef().writeTo(out);
      }
      return new FrozenGraph(pb, input, inputShape, List.copyOf(layers));
    }
  }

  /**
   * The scope that names the next op exactly {@code name} (TF Java's own scopes make names unique
   * against sub-scopes, which would turn layer {@code conv1} into {@code conv1_1} once
   * {@code conv1/kernel} exists); TensorFlow itself still refuses a name used twice.
   */
  private Scope at(String name) {
    return new ExactName(root, name);
  }

  /** {@code <layer>/<op>}, or the layer name itself when the op is the layer's last. */
  private static String opName(String layer, String op, boolean last) {
    return last ? layer : layer + "/" + op;
  }

  private List<Long> placeholder(String name, JsonNode config) {
    JsonNode batchShape = config.path("batch_input_shape");
    long[] dims = new long[batchShape.size()];
    List<Long> shape = new ArrayList<>();
    for (int i = 0; i < dims.length; i++) {
      dims[i] = batchShape.get(i).isNull() ? -1 : batchShape.get(i).asLong();
      if (i > 0) {
        shape.add(dims[i]);
      }
    }
    outputs.put(name, Placeholder.create(at(name), TFloat32.class,
        Placeholder.shape(Shape.of(dims))));
    return List.copyOf(shape);
  }

  /** The layer's output: its ops, the last one named by the layer. */
  private Operand<TFloat32> layer(JsonNode layer) {
    String name = layer.path("name").asText();
    String className = layer.path("class_name").asText();
    JsonNode config = layer.path("config");
    List<Operand<TFloat32>> in = inbound(name, layer.path("inbound_nodes"));
    return switch (className) {
      case "Conv2D" -> conv2d(name, config, in.get(0));
      case "DepthwiseConv2D" -> depthwiseConv2d(name, config, in.get(0));
      case "Dense" -> dense(name, config, in.get(0));
      case "BatchNormalization" -> batchNorm(name, config, in.get(0));
      case "Activation" -> activation(name, config.path("activation").asText(), in.get(0));
      case "ReLU" -> relu(name, config, in.get(0));
      case "MaxPooling2D" -> maxPool(name, config, in.get(0));
      case "AveragePooling2D" -> AvgPool.create(at(name), in.get(0),
          poolSize(config), poolStrides(config), padding(config), AvgPool.dataFormat("NHWC"));
      case "GlobalAveragePooling2D" -> Mean.create(at(name), in.get(0),
          Constant.vectorOf(at(name + "/reduction_indices"), new int[] {1, 2}),
          Mean.keepDims(config.path("keepdims").asBoolean(false)));
      case "ZeroPadding2D" -> zeroPad(name, config, in.get(0));
      case "Concatenate" -> Concat.create(at(name), in,
          Constant.scalarOf(at(name + "/axis"), config.path("axis").asInt(-1)));
      case "Add" -> add(name, in);
      case "Flatten" -> reshape(name, in.get(0), -1, elements(in.get(0)));
      case "Reshape" -> reshape(name, in.get(0), targetShape(config));
      case "Dropout", "SpatialDropout2D" -> Identity.create(at(name), in.get(0));
      default -> throw new IllegalArgumentException("layer '" + name + "': class " + className
          + " is not one KerasGraphWriter lowers to TensorFlow ops");
    };
  }

  private List<Operand<TFloat32>> inbound(String name, JsonNode inboundNodes) {
    if (inboundNodes.size() != 1) {
      throw new IllegalArgumentException("layer '" + name + "' is called " + inboundNodes.size()
          + " times; only layers called once are lowered");
    }
    List<Operand<TFloat32>> in = new ArrayList<>();
    for (JsonNode tensor : inboundNodes.get(0)) {
      Operand<TFloat32> x = outputs.get(tensor.get(0).asText());
      if (x == null || tensor.get(2).asInt() != 0) {
        throw new IllegalArgumentException("layer '" + name + "': input " + tensor
            + " is not an earlier layer's single output");
      }
      in.add(x);
    }
    return in;
  }

  private Operand<TFloat32> conv2d(String name, JsonNode config, Operand<TFloat32> x) {
    boolean bias = config.path("use_bias").asBoolean(true);
    String act = config.path("activation").asText("linear");
    Operand<TFloat32> y = Conv2d.create(at(opName(name, "Conv2D", !bias && linear(act))), x,
        weights.constant(this, name, "kernel"), pairs(config.path("strides")), padding(config),
        Conv2d.dilations(pairs(config.path("dilation_rate"))), Conv2d.dataFormat("NHWC"));
    return biasAndActivation(name, bias, act, y);
  }

  private Operand<TFloat32> depthwiseConv2d(String name, JsonNode config, Operand<TFloat32> x) {
    boolean bias = config.path("use_bias").asBoolean(true);
    String act = config.path("activation").asText("linear");
    Operand<TFloat32> y = DepthwiseConv2dNative.create(
        at(opName(name, "depthwise", !bias && linear(act))), x,
        weights.constant(this, name, "depthwise_kernel"), pairs(config.path("strides")),
        padding(config), DepthwiseConv2dNative.dilations(pairs(config.path("dilation_rate"))),
        DepthwiseConv2dNative.dataFormat("NHWC"));
    return biasAndActivation(name, bias, act, y);
  }

  private Operand<TFloat32> dense(String name, JsonNode config, Operand<TFloat32> x) {
    if (x.shape().numDimensions() != 2) {
      throw new IllegalArgumentException("layer '" + name + "' (Dense): input " + x.shape()
          + " is not a batch of vectors");
    }
    boolean bias = config.path("use_bias").asBoolean(true);
    String act = config.path("activation").asText("linear");
    Operand<TFloat32> y = MatMul.create(at(opName(name, "MatMul", !bias && linear(act))), x,
        weights.constant(this, name, "kernel"));
    return biasAndActivation(name, bias, act, y);
  }

  private Operand<TFloat32> biasAndActivation(String name, boolean bias, String act,
      Operand<TFloat32> y) {
    if (bias) {
      y = BiasAdd.create(at(opName(name, "BiasAdd", linear(act))), y,
          weights.constant(this, name, "bias"), BiasAdd.dataFormat("NHWC"));
    }
    return linear(act) ? y : activation(name, act, y);
  }

  private static boolean linear(String activation) {
    return activation.equals("linear");
  }

  private Operand<TFloat32> activation(String name, String act, Operand<TFloat32> x) {
    return switch (act) {
      case "relu" -> Relu.create(at(name), x);
      case "relu6" -> Relu6.create(at(name), x);
      case "softmax" -> Softmax.create(at(name), x);
      case "sigmoid" -> Sigmoid.create(at(name), x);
      case "tanh" -> Tanh.create(at(name), x);
      case "linear" -> Identity.create(at(name), x);
      default -> throw new IllegalArgumentException("layer '" + name + "': activation " + act
          + " is not one KerasGraphWriter lowers");
    };
  }

  /** Keras ReLU: plain (Relu) or capped at 6 (Relu6, MobileNet); other caps/slopes refused. */
  private Operand<TFloat32> relu(String name, JsonNode config, Operand<TFloat32> x) {
    JsonNode max = config.path("max_value");
    boolean plain = config.path("negative_slope").asDouble(0) == 0
        && config.path("threshold").asDouble(0) == 0;
    if (plain && (max.isMissingNode() || max.isNull())) {
      return Relu.create(at(name), x);
    }
    if (plain && max.asDouble() == 6) {
      return Relu6.create(at(name), x);
    }
    throw new IllegalArgumentException("layer '" + name + "' (ReLU): only max_value null or 6"
        + " without slope/threshold is lowered, got " + config);
  }

  /** Inference-mode batch normalisation over the channels of NHWC, as tf.keras fuses it. */
  private Operand<TFloat32> batchNorm(String name, JsonNode config, Operand<TFloat32> x) {
    int rank = x.shape().numDimensions();
    int axis = config.path("axis").isArray() ? config.path("axis").get(0).asInt()
        : config.path("axis").asInt(-1);
    if (rank != 4 || (axis != -1 && axis != 3)) {
      throw new IllegalArgumentException("layer '" + name + "' (BatchNormalization): only the"
          + " channel axis of a 4-D input is lowered, got axis " + axis + " of " + x.shape());
    }
    int channels = (int) x.shape().get(3);
    Operand<TFloat32> scale = config.path("scale").asBoolean(true)
        ? weights.constant(this, name, "gamma") : filled(name + "/ones", channels, 1f);
    Operand<TFloat32> offset = config.path("center").asBoolean(true)
        ? weights.constant(this, name, "beta") : filled(name + "/zeros", channels, 0f);
    return FusedBatchNorm.create(at(name), x, scale, offset,
        weights.constant(this, name, "moving_mean"),
        weights.constant(this, name, "moving_variance"),
        FusedBatchNorm.epsilon((float) config.path("epsilon").asDouble(1e-3)),
        FusedBatchNorm.isTraining(false), FusedBatchNorm.dataFormat("NHWC")).y();
  }

  private Operand<TFloat32> filled(String name, int n, float value) {
    float[] values = new float[n];
    Arrays.fill(values, value);
    return Constant.tensorOf(at(name), Shape.of(n), DataBuffers.of(values));
  }

  /** MaxPool as tf.keras emits it (TF Java's typed maxPool is MaxPoolV2). */
  private Operand<TFloat32> maxPool(String name, JsonNode config, Operand<TFloat32> x) {
    return at(name).opBuilder("MaxPool", name).addInput(x.asOutput())
        .setAttr("ksize", toArray(poolSize(config))).setAttr("strides", toArray(poolStrides(config)))
        .setAttr("padding", padding(config)).setAttr("data_format", "NHWC")
        .setAttr("T", DataType.DT_FLOAT).build().output(0);
  }

  private static List<Long> poolSize(JsonNode config) {
    return pairs(config.path("pool_size"));
  }

  private static List<Long> poolStrides(JsonNode config) {
    JsonNode strides = config.path("strides");
    return strides.isNull() || strides.isMissingNode() ? poolSize(config) : pairs(strides);
  }

  /** ZeroPadding2D as tf.keras lowers it: Pad (TF Java's typed pad is PadV2). */
  private Operand<TFloat32> zeroPad(String name, JsonNode config, Operand<TFloat32> x) {
    JsonNode p = config.path("padding");
    int[][] hw = new int[2][2];
    for (int d = 0; d < 2; d++) {
      JsonNode dim = p.isArray() ? p.get(d) : p;
      hw[d][0] = dim.isArray() ? dim.get(0).asInt() : dim.asInt();
      hw[d][1] = dim.isArray() ? dim.get(1).asInt() : dim.asInt();
    }
    Operand<TInt32> paddings = Constant.tensorOf(at(name + "/paddings"),
        new int[][] {{0, 0}, hw[0], hw[1], {0, 0}});
    return at(name).opBuilder("Pad", name).addInput(x.asOutput()).addInput(paddings.asOutput())
        .setAttr("T", DataType.DT_FLOAT).setAttr("Tpaddings", DataType.DT_INT32)
        .build().output(0);
  }

  /** Keras Add: AddV2 (what TF 2 emits; TF Java's typed add is Add), chained left to right. */
  private Operand<TFloat32> add(String name, List<Operand<TFloat32>> in) {
    Operand<TFloat32> sum = in.get(0);
    for (int i = 1; i < in.size(); i++) {
      String op = opName(name, "add_" + i, i == in.size() - 1);
      sum = at(op).opBuilder("AddV2", op).addInput(sum.asOutput())
          .addInput(in.get(i).asOutput()).setAttr("T", DataType.DT_FLOAT).build().output(0);
    }
    return sum;
  }

  private Operand<TFloat32> reshape(String name, Operand<TFloat32> x, int... shape) {
    return Reshape.create(at(name), x, Constant.vectorOf(at(name + "/shape"), shape));
  }

  private static int elements(Operand<TFloat32> x) {
    long n = 1;
    for (int i = 1; i < x.shape().numDimensions(); i++) {
      n *= x.shape().get(i);
    }
    return Math.toIntExact(n);
  }

  private static int[] targetShape(JsonNode config) {
    JsonNode target = config.path("target_shape");
    int[] shape = new int[target.size() + 1];
    shape[0] = -1;
    for (int i = 0; i < target.size(); i++) {
      shape[i + 1] = target.get(i).asInt();
    }
    return shape;
  }

  /** Keras (h, w) or a single int -> NHWC [1, h, w, 1]. */
  private static List<Long> pairs(JsonNode hw) {
    long h = hw.isArray() ? hw.get(0).asLong() : hw.asLong(1);
    long w = hw.isArray() ? hw.get(1).asLong() : hw.asLong(1);
    return List.of(1L, h, w, 1L);
  }

  private static long[] toArray(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static String padding(JsonNode config) {
    return config.path("padding").asText("valid").toUpperCase(Locale.ROOT);
  }

  /**
   * The float32 weights of the manifest, each read from its group's files when a layer needs it,
   * found by {@code <layer>/<weight>}.
   */
  private static final class Weights {
    private record Entry(List<Path> files, long offset, long[] shape) {}

    private final Map<String, Entry> entries;
    private final Map<String, Boolean> used = new LinkedHashMap<>();

    private Weights(Map<String, Entry> entries) {
      this.entries = entries;
      entries.keySet().forEach(k -> used.put(k, false));
    }

    static Weights of(Path modelJson, JsonNode manifest) {
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (JsonNode group : manifest) {
        List<Path> files = new ArrayList<>();
        group.path("paths").forEach(p -> files.add(modelJson.resolveSibling(p.asText())));
        long offset = 0;
        for (JsonNode spec : group.path("weights")) {
          String name = spec.path("name").asText();
          if (!spec.path("dtype").asText("float32").equals("float32") || spec.has("quantization")) {
            throw new IllegalArgumentException(modelJson + ": weight '" + name
                + "' is not plain float32");
          }
          long[] shape = new long[spec.path("shape").size()];
          for (int i = 0; i < shape.length; i++) {
            shape[i] = spec.path("shape").get(i).asLong();
          }
          entries.put(name, new Entry(files, offset, shape));
          offset += 4 * Shape.of(shape).size();
        }
      }
      return new Weights(entries);
    }

    /** Const node {@code <layer>/<weight>} holding that weight. */
    Operand<TFloat32> constant(KerasGraphWriter writer, String layer, String weight) {
      String name = layer + "/" + weight;
      Entry e = entries.get(name);
      if (e == null) {
        throw new IllegalArgumentException("layer '" + layer + "': no weight '" + name
            + "' in the manifest");
      }
      used.put(name, true);
      Shape shape = Shape.of(e.shape());
      return Constant.tensorOf(writer.at(name), shape, DataBuffers.of(read(e, shape.size())));
    }

    void assertAllUsed() {
      List<String> unused = used.entrySet().stream().filter(u -> !u.getValue())
          .map(Map.Entry::getKey).toList();
      if (!unused.isEmpty()) {
        throw new IllegalArgumentException("weights no layer used: " + unused);
      }
    }

    /** {@code n} floats from the group's files concatenated, starting at the entry's offset. */
    private static float[] read(Entry e, long n) {
      ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(4 * n)).order(ByteOrder.LITTLE_ENDIAN);
      long position = e.offset();
      try {
        for (Path file : e.files()) {
          long size = Files.size(file);
          if (position >= size) {
            position -= size;
            continue;
          }
          try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (bytes.hasRemaining() && position < size) {
              int read = channel.read(bytes, position);
              if (read < 0) {
                break;
              }
              position += read;
            }
          }
          if (!bytes.hasRemaining()) {
            break;
          }
          position = 0;
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      if (bytes.hasRemaining()) {
        throw new IllegalArgumentException("weight files " + e.files() + " end before "
            + (e.offset() + 4 * n) + " bytes");
      }
      float[] values = new float[Math.toIntExact(n)];
      bytes.flip();
      bytes.asFloatBuffer().get(values);
      return values;
    }
  }
}
