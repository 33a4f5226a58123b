package io.tensorspace.convert.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ModelReaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link OutputShapes} against the output shapes real Keras / TF.js reported for the models
 * of the fixture corpus ({@code -Dtensorspace.models}, default {@code ../shared/models}).
 *
 * <p>Every layer is checked twice: with the model's declared input shapes (where Keras leaves a
 * dimension unknown, only the known dimensions must match) and with the reference's concrete input
 * shapes (every dimension must match).
 */
class OutputShapesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reference outputs written without the batch axis: Keras 1 stored TimeDistributedDense's
   * activations (and the softmax after it) as {@code (timesteps, units)}.
   */
  private static final Map<String, Set<String>> REFERENCE_WITHOUT_BATCH = Map.of(
      "keras1-h5/dl4j-simple-lstm-timedistributeddense",
      Set.of("timedistributeddense_1", "activation_1"));

  // ------------------------------------------------------------------ corpus

  @Test
  void keras2H5ShapesMatchReference() {
    checkReaderCases("keras2-h5");
  }

  @Test
  void tfkerasH5ShapesMatchReference() {
    checkReaderCases("tfkeras-h5");
  }

  @Test
  void keras1H5ShapesMatchReference() {
    checkReaderCases("keras1-h5");
  }

  /**
   * TF.js layers models, TensorSpace goldens and Keras 3 {@code .keras} configs: no reader opens
   * them yet, so their topology is read here (a Sequential is turned into the functional form
   * the readers produce).
   */
  @Test
  void layersTopologiesMatchReference() throws IOException {
    Tally total = new Tally("tfjs-layers + golden + keras3-zip");
    for (String format : List.of("tfjs-layers", "golden", "keras3-zip")) {
      for (CorpusCase c : cases(format)) {
        JsonNode topology = topology(c);
        if (topology == null) {
          System.out.println("[OutputShapesTest] " + c.id + ": SKIPPED, not a layers model");
          continue;
        }
        String className = topology.path("class_name").asText();
        if (!Set.of("Model", "Functional", "Sequential").contains(className)) {
          System.out.println("[OutputShapesTest] " + c.id + ": SKIPPED, top-level class "
              + className + " has no layer graph" + (c.expectsError() ? " (expect-error case)" : ""));
          continue;
        }
        try (LayersModel model = new LayersModel(
            c.main(), "test", toFunctional(topology), Map.of(), () -> { })) {
          if (c.hasReference()) {
            total.add(compare(c, model));
          } else {
            total.add(allInferred(c, model));
          }
        }
      }
    }
    total.assertClean();
  }

  /** Shapes of the topology-only ImageNet nets, as the Keras applications documentation gives them. */
  @Test
  void imageNetTopologiesHaveTheirWellKnownShapes() throws IOException {
    Map<String, Map<String, List<Long>>> known = Map.of(
        "golden/tsp-inceptionv3-topology-only", Map.of(
            "mixed7", dims(null, 17L, 17L, 768L), "mixed10", dims(null, 8L, 8L, 2048L),
            "avg_pool", dims(null, 2048L), "predictions", dims(null, 1000L)),
        "golden/tsp-mobilenetv1-topology-only", Map.of(
            "conv_pw_13_relu", dims(null, 7L, 7L, 1024L), "reshape_1", dims(null, 1L, 1L, 1024L),
            "conv_preds", dims(null, 1L, 1L, 1000L)),
        "golden/tsp-resnet50-topology-only", Map.of(
            "activation_49", dims(null, 7L, 7L, 2048L), "avg_pool", dims(null, 1L, 1L, 2048L),
            "flatten_1", dims(null, 2048L), "fc1000", dims(null, 1000L)),
        "golden/tsp-vgg16-topology-only", Map.of(
            "block5_pool", dims(null, 7L, 7L, 512L), "flatten", dims(null, 25088L),
            "fc1", dims(null, 4096L), "predictions", dims(null, 1000L)));
    for (CorpusCase c : cases("golden")) {
      Map<String, List<Long>> expected = known.get(c.id());
      if (expected == null) {
        continue;
      }
      try (LayersModel model = new LayersModel(
          c.main(), "test", toFunctional(topology(c)), Map.of(), () -> { })) {
        long size = c.id().contains("inception") ? 299 : 224;
        Map<String, List<Long>> shapes = OutputShapes.infer(
            model, Map.of(model.inputNames().get(0), dims(null, size, size, 3L)));
        expected.forEach((layer, shape) -> assertEquals(shape, shapes.get(layer), c.id() + " " + layer));
        System.out.println("[OutputShapesTest] " + c.id() + " at " + size + "x" + size + ": "
            + expected.size() + " well-known shapes match");
      }
    }
  }

  // ------------------------------------------------------------------ beyond the corpus

  @Test
  void convolutionArithmetic() {
    Map<String, List<Long>> s = shapes(
        input("in", null, 7L, 7L, 8L),
        layer("same2", "Conv2DTranspose",
            "{'filters': 4, 'kernel_size': [3, 3], 'strides': [2, 2], 'padding': 'same'}", "in"),
        layer("valid2", "Conv2DTranspose",
            "{'filters': 4, 'kernel_size': 3, 'strides': 2, 'padding': 'valid', 'output_padding': null}", "in"),
        layer("outpad", "Conv2DTranspose", "{'filters': 4, 'kernel_size': [3, 3], 'strides': [2, 2],"
            + " 'padding': 'same', 'output_padding': [1, 1]}", "in"),
        layer("dilated", "Conv2D",
            "{'filters': 2, 'kernel_size': [3, 3], 'dilation_rate': [2, 2], 'padding': 'valid'}", "in"),
        layer("pool", "MaxPooling2D", "{'pool_size': [3, 3], 'strides': [2, 2], 'padding': 'same'}", "in"),
        layer("avgdefault", "AveragePooling2D", "{'pool_size': [2, 2], 'strides': null, 'padding': 'valid'}", "in"),
        layer("depthwise", "DepthwiseConv2D",
            "{'kernel_size': [3, 3], 'depth_multiplier': 3, 'padding': 'same', 'strides': [2, 2]}", "in"),
        layer("separable", "SeparableConv2D",
            "{'filters': 5, 'kernel_size': [3, 3], 'padding': 'valid', 'depth_multiplier': 2}", "in"),
        layer("gap", "GlobalAveragePooling2D", "{'data_format': 'channels_last', 'keepdims': true}", "in"),
        layer("gmp", "GlobalMaxPooling2D", "{'data_format': 'channels_first'}", "in"),
        layer("pad", "ZeroPadding2D", "{'padding': 1}", "in"),
        layer("crop", "Cropping2D", "{'cropping': [[1, 2], [0, 3]]}", "in"),
        layer("up", "UpSampling2D", "{'size': [2, 3]}", "in"),
        layer("lc", "LocallyConnected2D", "{'filters': 6, 'kernel_size': [3, 3], 'strides': [2, 2]}", "in"));
    assertEquals(dims(null, 14L, 14L, 4L), s.get("same2"));
    assertEquals(dims(null, 15L, 15L, 4L), s.get("valid2"));
    assertEquals(dims(null, 14L, 14L, 4L), s.get("outpad"));
    assertEquals(dims(null, 3L, 3L, 2L), s.get("dilated"));
    assertEquals(dims(null, 4L, 4L, 8L), s.get("pool"));
    assertEquals(dims(null, 3L, 3L, 8L), s.get("avgdefault"));
    assertEquals(dims(null, 4L, 4L, 24L), s.get("depthwise"));
    assertEquals(dims(null, 5L, 5L, 5L), s.get("separable"));
    assertEquals(dims(null, 1L, 1L, 8L), s.get("gap"));
    assertEquals(dims(null, 7L), s.get("gmp"));
    assertEquals(dims(null, 9L, 9L, 8L), s.get("pad"));
    assertEquals(dims(null, 4L, 4L, 8L), s.get("crop"));
    assertEquals(dims(null, 14L, 21L, 8L), s.get("up"));
    assertEquals(dims(null, 3L, 3L, 6L), s.get("lc"));

    Map<String, List<Long>> first = shapes(
        input("img", null, 3L, 32L, 30L),
        layer("conv", "Conv2D", "{'filters': 16, 'kernel_size': [3, 3], 'strides': [2, 2],"
            + " 'padding': 'valid', 'data_format': 'channels_first'}", "img"),
        layer("th", "Convolution2D", "{'nb_filter': 5, 'nb_row': 3, 'nb_col': 1, 'subsample': [1, 1],"
            + " 'border_mode': 'same', 'dim_ordering': 'th'}", "img"),
        layer("pool", "MaxPooling2D", "{'pool_size': [2, 2], 'data_format': 'channels_first'}", "img"),
        layer("pad", "ZeroPadding2D", "{'padding': [[1, 0], [2, 2]], 'data_format': 'channels_first'}", "img"),
        input("seq", null, 16L, 3L),
        layer("causal", "Conv1D",
            "{'filters': 4, 'kernel_size': 3, 'strides': 2, 'padding': 'causal'}", "seq"),
        layer("k1", "Convolution1D", "{'nb_filter': 2, 'filter_length': 5, 'subsample_length': 3,"
            + " 'border_mode': 'valid'}", "seq"),
        layer("pool1", "MaxPooling1D", "{'pool_length': 4, 'stride': null, 'border_mode': 'valid'}", "seq"),
        layer("up1", "UpSampling1D", "{'size': 3}", "seq"),
        layer("crop1", "Cropping1D", "{'cropping': [1, 4]}", "seq"),
        layer("pad1", "ZeroPadding1D", "{'padding': [0, 2]}", "seq"),
        layer("lc1", "LocallyConnected1D", "{'filters': 2, 'kernel_size': 3}", "seq"),
        layer("gap1", "GlobalAveragePooling1D", "{'keepdims': true}", "seq"),
        input("vol", null, 8L, 9L, 10L, 2L),
        layer("conv3", "Conv3D",
            "{'filters': 4, 'kernel_size': [3, 3, 3], 'strides': [2, 2, 2], 'padding': 'same'}", "vol"),
        layer("pool3", "AveragePooling3D", "{'pool_size': [2, 2, 2], 'padding': 'valid'}", "vol"),
        layer("crop3", "Cropping3D", "{'cropping': 1}", "vol"),
        layer("gmp3", "GlobalMaxPooling3D", "{}", "vol"));
    assertEquals(dims(null, 16L, 15L, 14L), first.get("conv"));
    assertEquals(dims(null, 5L, 32L, 30L), first.get("th"));
    assertEquals(dims(null, 3L, 16L, 15L), first.get("pool"));
    assertEquals(dims(null, 3L, 33L, 34L), first.get("pad"));
    assertEquals(dims(null, 8L, 4L), first.get("causal"));
    assertEquals(dims(null, 4L, 2L), first.get("k1"));
    assertEquals(dims(null, 4L, 3L), first.get("pool1"));
    assertEquals(dims(null, 48L, 3L), first.get("up1"));
    assertEquals(dims(null, 11L, 3L), first.get("crop1"));
    assertEquals(dims(null, 18L, 3L), first.get("pad1"));
    assertEquals(dims(null, 14L, 2L), first.get("lc1"));
    assertEquals(dims(null, 1L, 3L), first.get("gap1"));
    assertEquals(dims(null, 4L, 5L, 5L, 4L), first.get("conv3"));
    assertEquals(dims(null, 4L, 4L, 5L, 2L), first.get("pool3"));
    assertEquals(dims(null, 6L, 7L, 8L, 2L), first.get("crop3"));
    assertEquals(dims(null, 2L), first.get("gmp3"));
  }

  @Test
  void coreRecurrentAndWrapperLayers() {
    Map<String, List<Long>> s = shapes(
        input("x", null, 6L, 2L),
        layer("reshape", "Reshape", "{'target_shape': [-1, 4]}", "x"),
        layer("permute", "Permute", "{'dims': [2, 1]}", "x"),
        layer("flat", "Flatten", "{}", "x"),
        layer("dense3d", "Dense", "{'units': 5}", "x"),
        layer("repeat", "RepeatVector", "{'n': 3}", "flat"),
        layer("gru", "GRU", "{'units': 5, 'return_sequences': true}", "x"),
        layer("lstm", "LSTM", "{'units': 7, 'return_sequences': false, 'return_state': true}", "x"),
        layer("rnn", "SimpleRNN", "{'units': 3, 'return_sequences': false, 'time_major': true}", "x"),
        layer("cell", "RNN", "{'return_sequences': false, 'cell': {'class_name': 'StackedRNNCells',"
            + " 'config': {'cells': [{'class_name': 'LSTMCell', 'config': {'units': 4}},"
            + " {'class_name': 'GRUCell', 'config': {'units': 9}}]}}}", "x"),
        layer("bisum", "Bidirectional", "{'merge_mode': 'sum', 'layer': {'class_name': 'LSTM',"
            + " 'config': {'units': 10}}}", "x"),
        layer("binone", "Bidirectional", "{'merge_mode': null, 'layer': {'class_name': 'GRU',"
            + " 'config': {'units': 10, 'return_sequences': true}}}", "x"),
        layer("biback", "Bidirectional", "{'merge_mode': 'concat', 'layer': {'class_name': 'LSTM',"
            + " 'config': {'units': 10}}, 'backward_layer': {'class_name': 'LSTM', 'config': {'units': 6}}}",
            "x"),
        layer("bistate", "Bidirectional", "{'layer': {'class_name': 'LSTM', 'config': {'units': 2,"
            + " 'return_sequences': true, 'return_state': true}}}", "x"),
        layer("td", "TimeDistributed",
            "{'layer': {'class_name': 'Dense', 'config': {'units': 8}}}", "x"),
        input("ids", null, null),
        layer("embed", "Embedding", "{'input_dim': 100, 'output_dim': 8, 'input_length': 10}", "ids"),
        layer("embed3", "Embedding", "{'input_dim': 100, 'output_dim': 8}", "ids"),
        input("frames", null, 5L, 28L, 28L, 1L),
        layer("tdconv", "TimeDistributed", "{'layer': {'class_name': 'Conv2D', 'config': {'filters': 8,"
            + " 'kernel_size': [3, 3], 'padding': 'valid'}}}", "frames"),
        layer("convlstm", "ConvLSTM2D", "{'filters': 6, 'kernel_size': [3, 3], 'strides': [2, 2],"
            + " 'padding': 'same', 'return_sequences': false}", "frames"),
        layer("unknown", "SomeCustomLayer", "{}", "x"),
        layer("after_unknown", "Dense", "{'units': 2}", "unknown"),
        layer("broken", "Conv2D", "{'filters': 'many'}", "x"));
    assertEquals(dims(null, 3L, 4L), s.get("reshape"));
    assertEquals(dims(null, 2L, 6L), s.get("permute"));
    assertEquals(dims(null, 12L), s.get("flat"));
    assertEquals(dims(null, 6L, 5L), s.get("dense3d"));
    assertEquals(dims(null, 3L, 12L), s.get("repeat"));
    assertEquals(dims(null, 6L, 5L), s.get("gru"));
    assertEquals(dims(null, 7L), s.get("lstm"));
    assertEquals(dims(6L, 3L), s.get("rnn"));
    assertEquals(dims(null, 9L), s.get("cell"));
    assertEquals(dims(null, 10L), s.get("bisum"));
    assertEquals(dims(null, 6L, 10L), s.get("binone"));
    assertEquals(dims(null, 16L), s.get("biback"));
    assertEquals(dims(null, 6L, 4L), s.get("bistate"));
    assertEquals(dims(null, 6L, 8L), s.get("td"));
    assertEquals(dims(null, 10L, 8L), s.get("embed"));
    assertEquals(dims(null, null, 8L), s.get("embed3"));
    assertEquals(dims(null, 5L, 26L, 26L, 8L), s.get("tdconv"));
    assertEquals(dims(null, 14L, 14L, 6L), s.get("convlstm"));
    assertFalse(s.containsKey("unknown"));
    assertFalse(s.containsKey("after_unknown"));
    assertFalse(s.containsKey("broken"));
  }

  @Test
  void mergesAndMultipleInputs() {
    ObjectNode attention = layer("attn", "Attention", "{}", "q", "v");
    ObjectNode twice = layer("twice", "Add", "{}", "a", "a");
    Map<String, List<Long>> s = shapes(
        input("a", null, 4L, 5L),
        input("b", null, 4L, 1L),
        input("c", null, 3L, 5L),
        input("q", null, 4L, 16L),
        input("v", null, 6L, 16L),
        input("u", null, 5L),
        input("w", null, 5L),
        layer("add", "Add", "{}", "a", "b"),
        layer("sub", "Subtract", "{}", "b", "a"),
        layer("max", "Maximum", "{}", "a", "b", "a"),
        layer("cat", "Concatenate", "{'axis': 1}", "a", "c"),
        layer("catlast", "Concatenate", "{'axis': -1}", "a", "b"),
        layer("dot", "Dot", "{'axes': 1}", "u", "w"),
        layer("dot3", "Dot", "{'axes': [2, 2]}", "q", "v"),
        layer("dotneg", "Dot", "{'axes': -1}", "a", "c"),
        attention,
        layer("mha", "MultiHeadAttention", "{'num_heads': 2, 'key_dim': 8, 'output_shape': null}", "q", "v"),
        twice,
        layer("merge", "Merge", "{'mode': 'concat', 'concat_axis': -1}", "a", "b"),
        layer("cos", "Merge", "{'mode': 'cos', 'dot_axes': -1}", "u", "w"));
    assertEquals(dims(null, 4L, 5L), s.get("add"));
    assertEquals(dims(null, 4L, 5L), s.get("sub"));
    assertEquals(dims(null, 4L, 5L), s.get("max"));
    assertEquals(dims(null, 7L, 5L), s.get("cat"));
    assertEquals(dims(null, 4L, 6L), s.get("catlast"));
    assertEquals(dims(null, 1L), s.get("dot"));
    assertEquals(dims(null, 4L, 6L), s.get("dot3"));
    assertEquals(dims(null, 4L, 3L), s.get("dotneg"));
    assertEquals(dims(null, 4L, 16L), s.get("attn"));
    assertEquals(dims(null, 4L, 16L), s.get("mha"));
    assertEquals(dims(null, 4L, 5L), s.get("twice"));
    assertEquals(dims(null, 4L, 6L), s.get("merge"));
    assertEquals(dims(null, 1L), s.get("cos"));
  }

  @Test
  void nestedModelsKeras3CallsAndSharedLayers() {
    ObjectNode sequential = layer("seq", "Sequential", "{'name': 'seq', 'layers': ["
        + "{'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 4], 'name': 'seq_in'}},"
        + "{'class_name': 'Dense', 'config': {'units': 7, 'name': 'd1'}},"
        + "{'class_name': 'Dense', 'config': {'units': 3, 'name': 'd2'}}]}", "x");
    ObjectNode functional = layer("fun", "Functional", "{'name': 'fun', 'layers': ["
        + "{'name': 'fin', 'class_name': 'InputLayer', 'config': {'batch_input_shape': [null, 4]},"
        + " 'inbound_nodes': []},"
        + "{'name': 'fd', 'class_name': 'Dense', 'config': {'units': 2},"
        + " 'inbound_nodes': [[['fin', 0, 0, {}]]]},"
        + "{'name': 'fr', 'class_name': 'RepeatVector', 'config': {'n': 5},"
        + " 'inbound_nodes': [[['fd', 0, 0, {}]]]}],"
        + " 'input_layers': [['fin', 0, 0]], 'output_layers': [['fr', 0, 0], ['fd', 0, 0]]}", "x");
    ObjectNode keras3 = (ObjectNode) json("{'name': 'k3cat', 'class_name': 'Concatenate',"
        + " 'config': {'axis': -1}, 'inbound_nodes': [{'args': [["
        + "{'class_name': '__keras_tensor__', 'config': {'shape': [null, 4], 'keras_history': ['x', 0, 0]}},"
        + "{'class_name': '__keras_tensor__', 'config': {'shape': [null, 3], 'keras_history': ['seq', 0, 0]}}"
        + "]], 'kwargs': {}}]}");
    // a shared layer called on two inputs, then each call used: node 1 is the second call
    ObjectNode shared = (ObjectNode) json("{'name': 'shared', 'class_name': 'Dense', 'config': {'units': 6},"
        + " 'inbound_nodes': [[['x', 0, 0, {}]], [['frames', 0, 0, {}]]]}");
    ObjectNode secondCall = (ObjectNode) json("{'name': 'second', 'class_name': 'Flatten', 'config': {},"
        + " 'inbound_nodes': [[['shared', 1, 0, {}]]]}");
    ObjectNode stateOut = layer("lstm", "LSTM", "{'units': 5, 'return_state': true}", "frames");
    ObjectNode state = (ObjectNode) json("{'name': 'state', 'class_name': 'Dense', 'config': {'units': 2},"
        + " 'inbound_nodes': [[['lstm', 0, 2, {}]]]}");
    Map<String, List<Long>> s = shapes(
        input("x", null, 4L), sequential, functional, keras3, shared, secondCall,
        input("frames", null, 9L, 3L), stateOut, state,
        input("k3in", null, 8L),
        (ObjectNode) json("{'name': 'k3dense', 'class_name': 'Dense', 'config': {'units': 3},"
            + " 'inbound_nodes': [{'args': [{'class_name': '__keras_tensor__',"
            + " 'config': {'keras_history': ['k3in', 0, 0]}}], 'kwargs': {}}]}"));
    assertEquals(dims(null, 3L), s.get("seq"));
    assertEquals(dims(null, 5L, 2L), s.get("fun"));
    assertEquals(dims(null, 7L), s.get("k3cat"));
    assertEquals(dims(null, 6L), s.get("shared"));
    assertEquals(dims(null, 54L), s.get("second"));
    assertEquals(dims(null, 5L), s.get("lstm"));
    assertEquals(dims(null, 2L), s.get("state"));
    assertEquals(dims(null, 3L), s.get("k3dense"));
  }

  @Test
  void keras3InputLayerAndFixedInputs() {
    ObjectNode input = (ObjectNode) json("{'name': 'in', 'class_name': 'InputLayer',"
        + " 'config': {'batch_shape': [2, null, null, 3], 'name': 'in'}, 'inbound_nodes': []}");
    ObjectNode conv = layer("conv", "Conv2D", "{'filters': 4, 'kernel_size': 3, 'padding': 'valid'}", "in");
    ObjectNode model = JSON.createObjectNode().put("class_name", "Model");
    ArrayNode layers = model.putObject("config").putArray("layers");
    layers.add(input);
    layers.add(conv);
    try (LayersModel m = new LayersModel(Paths.get("test"), "test", model, Map.of(), () -> { })) {
      assertEquals(dims(2L, null, null, 4L), OutputShapes.infer(m).get("conv"));
      assertEquals(dims(null, 30L, 20L, 4L),
          OutputShapes.infer(m, Map.of("in", dims(null, 32L, 22L, 3L))).get("conv"));
    } catch (IOException e) {
      fail(e);
    }
  }

  private static Map<String, List<Long>> shapes(ObjectNode... layers) {
    ObjectNode model = JSON.createObjectNode().put("class_name", "Model");
    ArrayNode list = model.putObject("config").putArray("layers");
    for (ObjectNode layer : layers) {
      list.add(layer);
    }
    try (LayersModel m = new LayersModel(Paths.get("test"), "test", model, Map.of(), () -> { })) {
      return OutputShapes.infer(m);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode input(String name, Long... shape) {
    ObjectNode layer = JSON.createObjectNode();
    layer.put("name", name).put("class_name", "InputLayer");
    ArrayNode dims = layer.putObject("config").put("name", name).putArray("batch_input_shape");
    for (Long d : shape) {
      if (d == null) {
        dims.addNull();
      } else {
        dims.add(d);
      }
    }
    layer.putArray("inbound_nodes");
    return layer;
  }

  /** A layer called once on the outputs of the named layers. Configs use single quotes. */
  private static ObjectNode layer(String name, String className, String config, String... inputs) {
    ObjectNode layer = JSON.createObjectNode();
    layer.put("name", name).put("class_name", className);
    layer.set("config", json(config));
    ArrayNode call = layer.putArray("inbound_nodes").addArray();
    for (String input : inputs) {
      call.addArray().add(input).add(0).add(0).addObject();
    }
    return layer;
  }

  private static JsonNode json(String singleQuoted) {
    try {
      return JSON.readTree(singleQuoted.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  private static List<Long> dims(Long... dims) {
    return Arrays.asList(dims);
  }

  private static void checkReaderCases(String format) {
    Tally total = new Tally(format);
    for (CorpusCase c : cases(format)) {
      if (!c.hasReference()) {
        System.out.println("[OutputShapesTest] " + c.id + ": SKIPPED, no reference.json"
            + (c.expectsError() ? " (expect-error case)" : ""));
        continue;
      }
      try (LayersModel model = open(c)) {
        total.add(compare(c, model));
      } catch (ConversionException e) {
        System.out.println("[OutputShapesTest] " + c.id + ": SKIPPED, ModelReaders cannot open it: "
            + e.getMessage());
      } catch (IOException e) {
        fail(c.id + ": " + e, e);
      }
    }
    total.assertClean();
  }

  /** Compares every reference output with the inferred shapes; prints one line for the case. */
  private static Tally compare(CorpusCase c, LayersModel model) {
    JsonNode reference = c.reference();
    Map<String, List<Long>> inputs = new LinkedHashMap<>();
    for (JsonNode input : reference.path("inputs")) {
      List<Long> shape = dims(input.path("shape"));
      shape.set(0, null);
      inputs.put(input.path("name").asText(), shape);
    }
    Map<String, List<Long>> declared = OutputShapes.infer(model);
    Map<String, List<Long>> concrete = OutputShapes.infer(model, inputs);
    Map<String, String> classes = new LinkedHashMap<>();
    model.layers().forEach(layer -> classes.put(layer.name(), layer.className()));
    Tally tally = new Tally(c.id);
    int partial = 0;
    for (JsonNode output : reference.path("outputs")) {
      String layer = output.path("layer").asText();
      String label = layer + " (" + classes.getOrDefault(layer, "not in the model") + ")";
      List<Long> referenceShape = dims(output.path("shape"));
      boolean withoutBatch = REFERENCE_WITHOUT_BATCH.getOrDefault(c.id, Set.of()).contains(layer);
      List<Long> expected = withoutBatch
          ? referenceShape : referenceShape.subList(1, referenceShape.size());
      tally.compared++;
      List<Long> fixed = concrete.get(layer);
      List<Long> loose = declared.get(layer);
      if (fixed == null || loose == null) {
        tally.gaps.add(c.id + ": " + label + " not inferred");
        continue;
      }
      boolean ok = true;
      if (!fixed.subList(1, fixed.size()).equals(expected)) {
        tally.mismatches.add(c.id + ": " + label + " inferred " + fixed + " for input shapes "
            + inputs + ", Keras: " + referenceShape);
        ok = false;
      }
      if (!compatible(loose.subList(1, loose.size()), expected)) {
        tally.mismatches.add(c.id + ": " + label + " inferred " + loose
            + " from the declared input shapes, Keras: " + referenceShape);
        ok = false;
      }
      if (ok) {
        tally.matched++;
        if (loose.subList(1, loose.size()).contains(null)) {
          partial++;
        }
      }
    }
    System.out.println("[OutputShapesTest] " + c.id + ": " + tally.matched + "/" + tally.compared
        + " layers match" + (partial > 0 ? " (" + partial + " of them with dimensions unknown"
        + " until the input size is known)" : "")
        + (tally.gaps.isEmpty() ? "" : ", " + tally.gaps.size() + " not inferred")
        + (tally.mismatches.isEmpty() ? "" : ", " + tally.mismatches.size() + " WRONG"));
    return tally;
  }

  /** Without a reference: every layer gets a shape. */
  private static Tally allInferred(CorpusCase c, LayersModel model) {
    Map<String, List<Long>> shapes = OutputShapes.infer(model);
    Tally tally = new Tally(c.id);
    for (LayersModel.Layer layer : model.layers()) {
      if (shapes.containsKey(layer.name())) {
        tally.inferredOnly++;
      } else {
        tally.gaps.add(c.id + ": " + layer.name() + " (" + layer.className() + ") not inferred");
      }
    }
    List<Long> last = shapes.get(model.outputNames().get(0));
    System.out.println("[OutputShapesTest] " + c.id + ": no reference; " + tally.inferredOnly + "/"
        + model.layers().size() + " layers inferred, output " + model.outputNames().get(0) + " "
        + last);
    return tally;
  }

  /** Known dimensions must equal; unknown ones ({@code null}) match anything. */
  private static boolean compatible(List<Long> inferred, List<Long> expected) {
    if (inferred.size() != expected.size()) {
      return false;
    }
    for (int i = 0; i < inferred.size(); i++) {
      if (inferred.get(i) != null && !inferred.get(i).equals(expected.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static final class Tally {
    final String name;
    int compared;
    int matched;
    int inferredOnly;
    final List<String> gaps = new ArrayList<>();
    final List<String> mismatches = new ArrayList<>();

    Tally(String name) {
      this.name = name;
    }

    void add(Tally other) {
      compared += other.compared;
      matched += other.matched;
      inferredOnly += other.inferredOnly;
      gaps.addAll(other.gaps);
      mismatches.addAll(other.mismatches);
    }

    void assertClean() {
      System.out.println("[OutputShapesTest] " + name + " total: " + matched + "/" + compared
          + " reference layers match" + (inferredOnly > 0 ? ", " + inferredOnly
          + " layers without reference inferred" : "") + ", " + gaps.size() + " not inferred, "
          + mismatches.size() + " wrong");
      gaps.forEach(g -> System.out.println("[OutputShapesTest]   gap: " + g));
      mismatches.forEach(m -> System.out.println("[OutputShapesTest]   WRONG: " + m));
      assertTrue(compared + inferredOnly > 0, name + ": no layer was checked");
      assertTrue(mismatches.isEmpty(), name + ": wrong shapes:\n" + String.join("\n", mismatches));
      assertTrue(gaps.isEmpty(), name + ": shapes not inferred:\n" + String.join("\n", gaps));
    }
  }

  // ------------------------------------------------------------------ corpus access

  private record CorpusCase(String id, Path dir, String mainFile) {
    Path main() {
      Path here = dir.resolve(mainFile);
      if (Files.exists(here)) {
        return here;
      }
      Path shared = dir.resolve("shared-files.json");
      if (Files.isRegularFile(shared)) {
        JsonNode target = read(shared).path(mainFile);
        if (target.isTextual()) {
          return root().resolve(target.asText());
        }
      }
      throw new IllegalStateException(id + ": no " + mainFile + " in " + dir);
    }

    boolean hasReference() {
      return Files.isRegularFile(dir.resolve("reference/reference.json"));
    }

    boolean expectsError() {
      return Files.isRegularFile(dir.resolve("reference/expect-error.json"));
    }

    JsonNode reference() {
      return read(dir.resolve("reference/reference.json"));
    }
  }

  private static Path root() {
    String configured = System.getProperty("tensorspace.models");
    Path root = Paths.get(configured == null || configured.isBlank() ? "../shared/models" : configured)
        .toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("MANIFEST.tsv"))) {
      fail("model corpus not found at " + root + ": set -Dtensorspace.models=<shared/models>");
    }
    return root;
  }

  private static List<CorpusCase> cases(String format) {
    Path root = root();
    List<CorpusCase> cases = new ArrayList<>();
    try {
      List<String> lines = Files.readAllLines(root.resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
      List<String> header = Arrays.asList(lines.get(0).split("\t", -1));
      int id = header.indexOf("case");
      int main = header.indexOf("main_file");
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split("\t", -1);
        if (cells.length > Math.max(id, main) && cells[id].startsWith(format + "/")) {
          cases.add(new CorpusCase(cells[id], root.resolve(cells[id]), cells[main]));
        }
      }
    } catch (IOException e) {
      fail("cannot read " + root.resolve("MANIFEST.tsv"), e);
    }
    assertFalse(cases.isEmpty(), "no " + format + " cases in " + root.resolve("MANIFEST.tsv"));
    return cases;
  }

  /** The model file; a weights-only HDF5 main file goes with the case's topology JSON. */
  private static LayersModel open(CorpusCase c) throws ConversionException, IOException {
    try {
      return ModelReaders.open(c.main(), null);
    } catch (ConversionException e) {
      try (Stream<Path> files = Files.list(c.dir())) {
        for (Path json : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
          JsonNode node = read(json);
          if (node.has("class_name") || node.has("model_config")) {
            return ModelReaders.open(json, c.main());
          }
        }
      }
      throw e;
    }
  }

  /** A tfjs model.json's, a Keras 3 zip's or a bare topology; null for graph models. */
  private static JsonNode topology(CorpusCase c) throws IOException {
    Path main = c.main();
    JsonNode node;
    if (main.toString().endsWith(".keras")) {
      try (ZipFile zip = new ZipFile(main.toFile());
          InputStream in = zip.getInputStream(zip.getEntry("config.json"))) {
        node = JSON.readTree(in);
      }
    } else if (main.toString().endsWith(".json")) {
      node = read(main);
    } else {
      return null;
    }
    if (node.has("modelTopology")) {
      node = node.get("modelTopology");
    }
    if (node.has("model_config")) {
      node = node.get("model_config");
    }
    return node.has("class_name") ? node : null;
  }

  /** The functional form the readers produce (as KerasTopology does for HDF5 models). */
  private static ObjectNode toFunctional(JsonNode topology) {
    ObjectNode model = JSON.createObjectNode();
    model.put("class_name", "Model");
    JsonNode config = topology.path("config");
    if (!topology.path("class_name").asText().equals("Sequential")) {
      model.set("config", config.deepCopy());
      return model;
    }
    JsonNode layers = config.isArray() ? config : config.path("layers");
    ArrayNode out = JSON.createArrayNode();
    String previous = null;
    for (JsonNode each : layers) {
      ObjectNode layer = (ObjectNode) each.deepCopy();
      String name = layer.path("config").path("name").asText();
      layer.put("name", name);
      if (previous == null && !layer.path("class_name").asText().equals("InputLayer")) {
        JsonNode shape = layer.path("config").has("batch_input_shape")
            ? layer.path("config").path("batch_input_shape")
            : layer.path("config").path("batch_shape");
        ObjectNode input = out.addObject();
        input.put("name", name + "_input");
        input.put("class_name", "InputLayer");
        input.putObject("config").put("name", name + "_input").set("batch_input_shape", shape);
        input.putArray("inbound_nodes");
        previous = name + "_input";
      }
      ArrayNode inbound = layer.putArray("inbound_nodes");
      if (previous != null) {
        inbound.addArray().addArray().add(previous).add(0).add(0).addObject();
      }
      out.add(layer);
      previous = name;
    }
    ObjectNode functional = model.putObject("config");
    functional.put("name", "sequential");
    functional.set("layers", out);
    functional.set("input_layers", LayersModel.triples(functional, List.of(out.get(0).path("name").asText())));
    functional.set("output_layers", LayersModel.triples(functional, List.of(previous)));
    return model;
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static List<Long> dims(JsonNode array) {
    List<Long> dims = new ArrayList<>();
    array.forEach(d -> dims.add(d.isNull() ? null : d.asLong()));
    return dims;
  }
}
