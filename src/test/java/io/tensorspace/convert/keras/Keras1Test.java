package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Weight;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras 1 configs and weights translated to their Keras 2 / tfjs form. */
class Keras1Test {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FILE = Path.of("keras1.h5");

  private static ObjectNode layer(String json) throws Exception {
    return Keras1Config.translateLayer(FILE, (ObjectNode) JSON.readTree(json), true);
  }

  @Test
  void convolution2dThBecomesConv2dChannelsFirst() throws Exception {
    ObjectNode conv = layer("""
        {"class_name": "Convolution2D", "config": {"name": "c", "nb_filter": 6, "nb_row": 3,
         "nb_col": 2, "init": "glorot_uniform", "border_mode": "same", "subsample": [2, 1],
         "dim_ordering": "th", "W_regularizer": {"l1": 0.0, "l2": 0.1, "name": "WeightRegularizer"},
         "b_regularizer": null, "bias": true, "input_dtype": "float32",
         "batch_input_shape": [null, 3, 8, 8]}}""");
    assertEquals("Conv2D", conv.path("class_name").asText());
    JsonNode c = conv.path("config");
    assertEquals(6, c.path("filters").asInt());
    assertEquals("[3,2]", c.path("kernel_size").toString());
    assertEquals("[2,1]", c.path("strides").toString());
    assertEquals("same", c.path("padding").asText());
    assertEquals("channels_first", c.path("data_format").asText());
    assertEquals("GlorotUniform", c.path("kernel_initializer").path("class_name").asText());
    assertEquals("L1L2", c.path("kernel_regularizer").path("class_name").asText());
    assertTrue(c.path("use_bias").asBoolean());
    assertEquals("float32", c.path("dtype").asText());
    for (String old : List.of("nb_filter", "nb_row", "init", "border_mode", "subsample",
        "dim_ordering", "W_regularizer", "bias", "input_dtype")) {
      assertFalse(c.has(old), old);
    }
  }

  @Test
  void fullBorderModeAndBatchStatisticsModesAreRefused() {
    ConversionException full = assertThrows(ConversionException.class, () -> layer("""
        {"class_name": "Convolution2D", "config": {"name": "c", "nb_filter": 1, "nb_row": 3,
         "nb_col": 3, "border_mode": "full", "dim_ordering": "tf"}}"""));
    assertTrue(full.getMessage().contains("'c'") && full.getMessage().contains("full"));
    ConversionException bn = assertThrows(ConversionException.class, () -> layer("""
        {"class_name": "BatchNormalization", "config": {"name": "bn", "mode": 2, "axis": -1}}"""));
    assertTrue(bn.getMessage().contains("'bn'") && bn.getMessage().contains("mode 2"));
  }

  @Test
  void recurrentKeysAndTimeDistributedDense() throws Exception {
    JsonNode lstm = layer("""
        {"class_name": "LSTM", "config": {"name": "l", "output_dim": 5, "init": "glorot_uniform",
         "inner_init": "orthogonal", "inner_activation": "hard_sigmoid", "forget_bias_init": "one",
         "dropout_W": 0.2, "dropout_U": 0.1, "consume_less": "cpu", "input_dim": 3,
         "input_length": null, "return_sequences": true}}""").path("config");
    assertEquals(5, lstm.path("units").asInt());
    assertEquals("hard_sigmoid", lstm.path("recurrent_activation").asText());
    assertEquals("Orthogonal", lstm.path("recurrent_initializer").path("class_name").asText());
    assertTrue(lstm.path("unit_forget_bias").asBoolean());
    assertEquals(0.2, lstm.path("dropout").asDouble());
    assertFalse(lstm.has("input_dim") || lstm.has("consume_less") || lstm.has("output_dim"));

    ObjectNode td = layer("""
        {"class_name": "TimeDistributedDense", "config": {"name": "tdd", "output_dim": 3,
         "init": "glorot_uniform", "activation": "linear", "bias": true}}""");
    assertEquals("TimeDistributed", td.path("class_name").asText());
    assertEquals("Dense", td.path("config").path("layer").path("class_name").asText());
    assertEquals(3, td.path("config").path("layer").path("config").path("units").asInt());
  }

  @Test
  void mergeModesBecomeKeras2MergeLayers() throws Exception {
    ObjectNode concat = layer("""
        {"class_name": "Merge", "name": "m", "config": {"name": "m", "mode": "concat",
         "concat_axis": 1, "mode_type": "raw"},
         "inbound_nodes": [[["a", 0, 0], ["b", 0, 0]]]}""");
    assertEquals("Concatenate", concat.path("class_name").asText());
    assertEquals(1, concat.path("config").path("axis").asInt());
    assertEquals("[[[\"a\",0,0,{}],[\"b\",0,0,{}]]]", concat.path("inbound_nodes").toString());
    assertEquals("Add", layer("""
        {"class_name": "Merge", "config": {"name": "s", "mode": "sum"}}""").path("class_name").asText());
    ObjectNode cos = layer("""
        {"class_name": "Merge", "config": {"name": "c", "mode": "cos", "dot_axes": [1, 1]}}""");
    assertEquals("Dot", cos.path("class_name").asText());
    assertTrue(cos.path("config").path("normalize").asBoolean());
    assertThrows(ConversionException.class, () -> layer("""
        {"class_name": "Merge", "config": {"name": "f", "mode": "x", "mode_type": "lambda"}}"""));
  }

  @Test
  void lstmGateArraysAreConcatenatedInKeras2Order() throws Exception {
    JsonNode lstm = layer("""
        {"class_name": "LSTM", "config": {"name": "lstm_1", "output_dim": 1}}""");
    List<Weight> stored = new ArrayList<>();
    // Keras 1 order: i, c, f, o; values encode the gate so the concatenation order shows
    String[] gates = {"i", "c", "f", "o"};
    float[] code = {1, 3, 2, 4};
    for (int g = 0; g < 4; g++) {
      stored.add(weight("lstm_1_W_" + gates[g], new long[] {2, 1}, code[g], code[g] + 10));
      stored.add(weight("lstm_1_U_" + gates[g], new long[] {1, 1}, code[g] * 100));
      stored.add(weight("lstm_1_b_" + gates[g], new long[] {1}, code[g] * 1000));
    }
    List<Weight> out = Keras1Weights.translate(FILE, "lstm_1", lstm, stored, false);
    assertEquals(List.of("lstm_1/kernel", "lstm_1/recurrent_kernel", "lstm_1/bias"),
        out.stream().map(Weight::name).toList());
    assertArrayEquals(new long[] {2, 4}, out.get(0).shape());
    assertArrayEquals(new float[] {1, 2, 3, 4, 11, 12, 13, 14}, FloatTensors.values(out.get(0)));
    assertArrayEquals(new float[] {100, 200, 300, 400}, FloatTensors.values(out.get(1)));
    assertArrayEquals(new float[] {1000, 2000, 3000, 4000}, FloatTensors.values(out.get(2)));
  }

  @Test
  void thKernelsAreTransposedAndTheanoKernelsRotated() throws Exception {
    JsonNode conv = layer("""
        {"class_name": "Convolution2D", "config": {"name": "c", "nb_filter": 1, "nb_row": 2,
         "nb_col": 2, "dim_ordering": "th"}}""");
    // th layout (out=1, in=1, rows=2, cols=2)
    Weight kernel = weight("c_W", new long[] {1, 1, 2, 2}, 1, 2, 3, 4);
    List<Weight> plain = Keras1Weights.translate(FILE, "c", conv, List.of(kernel), false);
    assertArrayEquals(new long[] {2, 2, 1, 1}, plain.get(0).shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, FloatTensors.values(plain.get(0)));
    List<Weight> theano = Keras1Weights.translate(FILE, "c", conv, List.of(kernel), true);
    assertArrayEquals(new float[] {4, 3, 2, 1}, FloatTensors.values(theano.get(0)));
  }

  @Test
  void batchNormalizationRunningStdIsTheVariance() throws Exception {
    JsonNode bn = layer("""
        {"class_name": "BatchNormalization", "config": {"name": "bn", "mode": 0, "axis": -1,
         "epsilon": 0.001}}""");
    List<Weight> out = Keras1Weights.translate(FILE, "bn", bn, List.of(
        weight("bn_gamma", new long[] {1}, 1), weight("bn_beta", new long[] {1}, 2),
        weight("bn_running_mean", new long[] {1}, 3), weight("bn_running_std", new long[] {1}, 4)),
        false);
    assertEquals(List.of("bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance"),
        out.stream().map(Weight::name).toList());
    assertArrayEquals(new float[] {4}, FloatTensors.values(out.get(3)));
  }

  @Test
  void recognisesKeras1ByVersionOrKeys() throws Exception {
    JsonNode config = JSON.readTree("""
        {"class_name": "Sequential", "config": [{"class_name": "Dense",
         "config": {"name": "d", "output_dim": 2}}]}""");
    assertTrue(KerasGeneration.isKeras1("1.2.2", config));
    assertTrue(KerasGeneration.isKeras1(null, config));
    assertFalse(KerasGeneration.isKeras1("2.1.6", config));
  }

  private static Weight weight(String name, long[] shape, float... values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bytes.putFloat(v);
    }
    byte[] data = bytes.array();
    return new Weight(name, shape, DType.FLOAT32, out -> out.write(data));
  }
}
