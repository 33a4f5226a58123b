package io.tensorspace.convert.tfjs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.select.LayerSelection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TfjsRewritesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A functional model: input of the given shape, then the given layers called in a chain. */
  private static LayersModel model(String inputShape, Map<String, List<Weight>> weights,
      String... layers) throws Exception {
    StringBuilder json = new StringBuilder("{\"class_name\":\"Model\",\"config\":{\"name\":\"m\","
        + "\"layers\":[{\"name\":\"in\",\"class_name\":\"InputLayer\",\"config\":{\"name\":\"in\","
        + "\"batch_input_shape\":" + inputShape + ",\"dtype\":\"float32\"},\"inbound_nodes\":[]}");
    String previous = "in";
    for (String layer : layers) {
      ObjectNode node = (ObjectNode) JSON.readTree(layer);
      String name = node.path("config").path("name").asText();
      node.put("name", name);
      if (!node.has("inbound_nodes")) {
        node.set("inbound_nodes", JSON.readTree("[[[\"" + previous + "\",0,0,{}]]]"));
      }
      json.append(',').append(node);
      previous = name;
    }
    json.append("],\"input_layers\":[[\"in\",0,0]],\"output_layers\":[[\"" + previous
        + "\",0,0]]}}");
    return new LayersModel(Path.of("m.h5"), "keras", (ObjectNode) JSON.readTree(json.toString()),
        weights, () -> { });
  }

  private static Weight weight(String name, long[] shape) {
    int count = 1;
    for (long d : shape) {
      count *= (int) d;
    }
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = i + 1;
    }
    return FloatTensor.weight(name, shape, values);
  }

  private static Map<String, JsonNode> layers(LayersModel model) {
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    model.modelConfig().path("config").path("layers")
        .forEach(layer -> byName.put(layer.path("name").asText(), layer));
    return byName;
  }

  private static List<String> classes(LayersModel model) {
    List<String> classes = new ArrayList<>();
    model.modelConfig().path("config").path("layers")
        .forEach(layer -> classes.add(layer.path("name").asText() + ":"
            + layer.path("class_name").asText()));
    return classes;
  }

  private static String input(JsonNode layer) {
    return layer.path("inbound_nodes").path(0).path(0).path(0).asText();
  }

  @Test
  void eluWithAlphaBecomesEluThenLeakyRelu() throws Exception {
    LayersModel model = new TfjsCompatibility().apply(model("[null,4]", Map.of(),
        "{\"class_name\":\"ELU\",\"config\":{\"name\":\"elu\",\"alpha\":0.7}}",
        "{\"class_name\":\"Activation\",\"config\":{\"name\":\"after\",\"activation\":\"tanh\"}}"));
    assertEquals(List.of("in:InputLayer", "elu__elu:Activation", "elu:LeakyReLU",
        "after:Activation"), classes(model));
    Map<String, JsonNode> layers = layers(model);
    assertEquals("elu", layers.get("elu__elu").path("config").path("activation").asText());
    assertEquals("in", input(layers.get("elu__elu")));
    assertEquals(0.7, layers.get("elu").path("config").path("alpha").asDouble(), 1e-9);
    assertEquals("elu__elu", input(layers.get("elu")));
    assertEquals("elu", input(layers.get("after")));
    assertEquals(java.util.Set.of("elu__elu"), model.helperLayers());
  }

  @Test
  void eluWithAlphaAboveOneIsRefused() throws Exception {
    LayersModel model = model("[null,4]", Map.of(),
        "{\"class_name\":\"ELU\",\"config\":{\"name\":\"elu\",\"alpha\":1.5}}");
    ConversionException e =
        assertThrows(ConversionException.class, () -> new TfjsCompatibility().apply(model));
    assertTrue(e.getMessage().contains("layer 'elu' (ELU)"), e.getMessage());
    assertTrue(e.getMessage().contains("alpha = 1.5"), e.getMessage());
  }

  @Test
  void helperLayersAreNotDefaultOutputs() throws Exception {
    LayersModel model = new TfjsCompatibility().apply(model("[null,4]", Map.of(),
        "{\"class_name\":\"ELU\",\"config\":{\"name\":\"elu\",\"alpha\":0.5}}"));
    LayersModel selected = new LayerSelection(List.of(), List.of()).apply(model);
    assertEquals(List.of("elu"), selected.outputNames());
    assertTrue(layers(selected).containsKey("elu__elu"));
  }

  @Test
  void causalConv1dIsLeftPaddedThenValid() throws Exception {
    Map<String, List<Weight>> weights = Map.of("conv", List.of(
        weight("conv/kernel", new long[] {3, 3, 4}), weight("conv/bias", new long[] {4})));
    LayersModel model = new TfjsCompatibility().apply(model("[null,16,3]", weights,
        "{\"class_name\":\"Conv1D\",\"config\":{\"name\":\"conv\",\"filters\":4,"
            + "\"kernel_size\":[3],\"strides\":[1],\"padding\":\"causal\",\"data_format\":"
            + "\"channels_last\",\"dilation_rate\":[2],\"activation\":\"tanh\",\"use_bias\":true}}"));
    assertEquals(List.of("in:InputLayer", "conv__causal_in:Reshape", "conv__causal_pad:ZeroPadding2D",
        "conv__causal_out:Reshape", "conv:Conv1D"), classes(model));
    Map<String, JsonNode> layers = layers(model);
    assertEquals("[16,1,3]", layers.get("conv__causal_in").path("config").path("target_shape").toString());
    assertEquals("[[4,0],[0,0]]", layers.get("conv__causal_pad").path("config").path("padding").toString());
    assertEquals("[20,3]", layers.get("conv__causal_out").path("config").path("target_shape").toString());
    assertEquals("valid", layers.get("conv").path("config").path("padding").asText());
    assertEquals("conv__causal_out", input(layers.get("conv")));
    assertEquals(List.of("conv/kernel", "conv/bias"),
        model.weightsByLayer().get("conv").stream().map(Weight::name).toList());
  }

  @Test
  void channelsFirstConv1dIsPermutedAround() throws Exception {
    Map<String, List<Weight>> weights = Map.of("conv", List.of(
        weight("conv/kernel", new long[] {2, 3, 4}), weight("conv/bias", new long[] {4})));
    LayersModel model = new TfjsCompatibility().apply(model("[null,3,16]", weights,
        "{\"class_name\":\"Conv1D\",\"config\":{\"name\":\"conv\",\"filters\":4,"
            + "\"batch_input_shape\":[null,3,16],\"kernel_size\":[2],\"strides\":[2],"
            + "\"padding\":\"valid\",\"data_format\":\"channels_first\",\"dilation_rate\":[1],"
            + "\"activation\":\"sigmoid\",\"use_bias\":true}}"));
    assertEquals(List.of("in:InputLayer", "conv__channels_last:Permute", "conv__conv:Conv1D",
        "conv:Permute"), classes(model));
    Map<String, JsonNode> layers = layers(model);
    assertEquals("[2,1]", layers.get("conv__channels_last").path("config").path("dims").toString());
    assertEquals("channels_last", layers.get("conv__conv").path("config").path("data_format").asText());
    assertTrue(layers.get("conv__conv").path("config").path("batch_input_shape").isMissingNode());
    assertEquals("[2,1]", layers.get("conv").path("config").path("dims").toString());
    assertEquals(List.of("conv__conv/kernel", "conv__conv/bias"),
        model.weightsByLayer().get("conv__conv").stream().map(Weight::name).toList());
    assertTrue(!model.weightsByLayer().containsKey("conv"));
  }

  @Test
  void cropping3dUsesTimeDistributedCropping2d() throws Exception {
    LayersModel model = new TfjsCompatibility().apply(model("[null,10,10,10,3]", Map.of(),
        "{\"class_name\":\"Cropping3D\",\"config\":{\"name\":\"crop\",\"cropping\":"
            + "[[1,2],[3,0],[0,1]],\"data_format\":\"channels_last\"}}"));
    assertEquals(List.of("in:InputLayer", "crop__crop:TimeDistributed", "crop__swap:Permute",
        "crop__crop_last:TimeDistributed", "crop:Permute"), classes(model));
    Map<String, JsonNode> layers = layers(model);
    JsonNode first = layers.get("crop__crop").path("config").path("layer");
    assertEquals("Cropping2D", first.path("class_name").asText());
    assertEquals("[[3,0],[0,1]]", first.path("config").path("cropping").toString());
    assertEquals("[2,1,3,4]", layers.get("crop__swap").path("config").path("dims").toString());
    assertEquals("[[1,2],[0,0]]", layers.get("crop__crop_last").path("config").path("layer")
        .path("config").path("cropping").toString());
    assertEquals("[2,1,3,4]", layers.get("crop").path("config").path("dims").toString());
  }

  @Test
  void cropping3dOfTheFirstAxisOnlyNeedsNoFirstStep() throws Exception {
    LayersModel model = new TfjsCompatibility().apply(model("[null,10,10,10,3]", Map.of(),
        "{\"class_name\":\"Cropping3D\",\"config\":{\"name\":\"crop\",\"cropping\":"
            + "[[1,1],[0,0],[0,0]],\"data_format\":\"channels_last\"}}"));
    assertEquals(List.of("in:InputLayer", "crop__swap:Permute", "crop__crop_last:TimeDistributed",
        "crop:Permute"), classes(model));
  }

  @Test
  void rank2AttentionBecomesDotSoftmaxDot() throws Exception {
    Map<String, List<Weight>> weights = Map.of("dense", List.of(
        weight("dense/kernel", new long[] {4, 8}), weight("dense/bias", new long[] {8})));
    LayersModel model = new TfjsCompatibility().apply(model("[null,4]", weights,
        "{\"class_name\":\"Dense\",\"config\":{\"name\":\"dense\",\"units\":8,"
            + "\"activation\":\"relu\",\"use_bias\":true}}",
        "{\"class_name\":\"Attention\",\"config\":{\"name\":\"att\",\"use_scale\":false,"
            + "\"dropout\":0.2,\"score_mode\":\"dot\"},\"inbound_nodes\":"
            + "[[[\"dense\",0,0,{}],[\"dense\",0,0,{}]]]}",
        "{\"class_name\":\"Concatenate\",\"config\":{\"name\":\"cat\",\"axis\":-1},"
            + "\"inbound_nodes\":[[[\"dense\",0,0,{}],[\"att\",0,0,{}]]]}"));
    assertEquals(List.of("in:InputLayer", "dense:Dense", "att__query:Reshape", "att__value:Reshape",
        "att__scores:Dot", "att__weights:Softmax", "att__steps:Dot", "att:Reshape",
        "cat:Concatenate"), classes(model));
    Map<String, JsonNode> layers = layers(model);
    assertEquals("[1,8]", layers.get("att__query").path("config").path("target_shape").toString());
    assertEquals("[[[\"att__query\",0,0,{}],[\"att__value\",0,0,{}]]]",
        layers.get("att__scores").path("inbound_nodes").toString());
    assertEquals("[2,2]", layers.get("att__scores").path("config").path("axes").toString());
    assertEquals("[[[\"att__weights\",0,0,{}],[\"att__value\",0,0,{}]]]",
        layers.get("att__steps").path("inbound_nodes").toString());
    assertEquals("[2,1]", layers.get("att__steps").path("config").path("axes").toString());
    assertEquals("[8]", layers.get("att").path("config").path("target_shape").toString());
  }

  @Test
  void additiveAttentionIsRefused() throws Exception {
    LayersModel model = model("[null,3,4]", Map.of(),
        "{\"class_name\":\"Attention\",\"config\":{\"name\":\"att\",\"score_mode\":\"concat\"},"
            + "\"inbound_nodes\":[[[\"in\",0,0,{}],[\"in\",0,0,{}]]]}");
    ConversionException e =
        assertThrows(ConversionException.class, () -> new TfjsCompatibility().apply(model));
    assertTrue(e.getMessage().contains("layer 'att' (Attention)"), e.getMessage());
  }

  @Test
  void channelsFirstLocallyConnected2dIsRebuiltFromTfjsLayers() throws Exception {
    // input (2, 4, 4) channels_first, 3x3 kernel -> 2x2 positions, 3 filters
    Map<String, List<Weight>> weights = Map.of("lc", List.of(
        weight("lc/kernel", new long[] {4, 18, 3}), weight("lc/bias", new long[] {2, 2, 3})));
    LayersModel model = new TfjsCompatibility().apply(model("[null,2,4,4]", weights,
        "{\"class_name\":\"LocallyConnected2D\",\"config\":{\"name\":\"lc\",\"filters\":3,"
            + "\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"valid\",\"data_format\":"
            + "\"channels_first\",\"activation\":\"tanh\",\"use_bias\":true,\"implementation\":1}}"));
    assertEquals(List.of("in:InputLayer", "lc__channels_last:Permute", "lc__patches:Conv2D",
        "lc__flat:Reshape", "lc__products:DepthwiseConv2D", "lc__positions:Reshape",
        "lc__sum:Dense", "lc__grid:Reshape", "lc:Permute"), classes(model));
    Map<String, List<Weight>> made = model.weightsByLayer();
    assertArrayEquals(new long[] {3, 3, 2, 19}, made.get("lc__patches").get(0).shape());
    assertArrayEquals(new long[] {1, 1, 4 * 19, 3}, made.get("lc__products").get(0).shape());
    assertArrayEquals(new long[] {19 * 3, 3}, made.get("lc__sum").get(0).shape());
    assertEquals("tanh", layers(model).get("lc__sum").path("config").path("activation").asText());
    assertEquals("[3,1,2]", layers(model).get("lc").path("config").path("dims").toString());
    // kernel value for position 1, feature 5, filter 2 lands at channel (1 * 19 + 5), filter 2
    float[] products = ((FloatTensor) made.get("lc__products").get(0).data()).values();
    assertEquals((1 * 18 + 5) * 3 + 2 + 1, products[(1 * 19 + 5) * 3 + 2]);
    // channels_first bias is reshaped: position (r=0, c=1), filter 2 reads flat (2 * 2 + 0) * 2 + 1
    assertEquals((2 * 2 + 0) * 2 + 1 + 1, products[(1 * 19 + 18) * 3 + 2]);
  }

  @Test
  void gruWithResetAfterIsRefused() throws Exception {
    LayersModel model = model("[null,5,3]", Map.of(),
        "{\"class_name\":\"GRU\",\"config\":{\"name\":\"gru\",\"units\":4,\"reset_after\":true}}");
    ConversionException e =
        assertThrows(ConversionException.class, () -> new TfjsCompatibility().apply(model));
    assertTrue(e.getMessage().contains("layer 'gru' (GRU)"), e.getMessage());
    assertTrue(e.getMessage().contains("reset_after"), e.getMessage());
  }

  @Test
  void convLstm2dNeedsTfjs24() throws Exception {
    LayersModel model = new TfjsCompatibility().apply(model("[null,3,4,10,10]", Map.of(),
        "{\"class_name\":\"Bidirectional\",\"config\":{\"name\":\"bi\",\"merge_mode\":\"concat\","
            + "\"layer\":{\"class_name\":\"ConvLSTM2D\",\"config\":{\"name\":\"cl\","
            + "\"filters\":2,\"kernel_size\":[3,3]}}}}"));
    assertEquals("2.4.0", TfjsCompatibility.minimumTfjsVersion(model));
    List<String> notes = TfjsCompatibility.requirements(model);
    assertEquals(1, notes.size());
    assertTrue(notes.get(0).contains("'cl' (ConvLSTM2D) needs TensorFlow.js >= 2.4.0"), notes.get(0));
  }

  @Test
  void plainModelsNeedOnlyTfjs1() throws Exception {
    LayersModel model = new TfjsCompatibility().apply(model("[null,4]", Map.of(),
        "{\"class_name\":\"Activation\",\"config\":{\"name\":\"a\",\"activation\":\"relu\"}}"));
    assertEquals("1.7.4", TfjsCompatibility.minimumTfjsVersion(model));
    assertEquals(List.of(), TfjsCompatibility.requirements(model));
  }
}
