package io.tensorspace.convert.tfjs.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.write.Quantize;
import io.tensorspace.testing.Conformance;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorFlow.js layers models as input: every {@code tfjs-layers} case of the corpus and the two
 * tfjs goldens convert and match their references in real tfjs 1.7.4 and 4.22.0; weights spanning
 * shards, quantized inputs, nested models and damaged manifests.
 */
class TfjsLayersConversionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path OUT = Path.of("target", "conformance", "tfjs-layers-input");

  @TempDir Path tmp;

  private static ConversionResult convert(Path source, Path target, Quantize quantize, long shard)
      throws ConversionException, IOException {
    return new Converter().convert(
        new ConversionRequest(source, null, target, List.of(), List.of(), shard)
            .withWeightOptions(quantize, List.of(), false));
  }

  @TestFactory
  Stream<DynamicTest> everyTfjsLayersCaseAndGoldenMatchesInTfjs() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    List<TfjsJob> jobs = new ArrayList<>();
    for (CorpusCase c : ModelCorpus.cases("tfjs-layers")) {
      Path target = OUT.resolve(c.id());
      ConversionResult result = convert(c.mainPath(), target, Quantize.NONE,
          ConversionRequest.DEFAULT_SHARD_SIZE);
      jobs.addAll(TfjsJob.layersInEveryVersion(c.id(), target.resolve("model.json"),
          c.referencePath(), result.outputs()));
    }
    // goldens: a copy with the shared weight file in place, the golden's own output layers
    record Golden(String id, String model, String reference, List<String> outputs) {}
    List<Golden> goldens = List.of(
        new Golden("golden/tsc-tfjs-lenet", "model.json", "reference/reference.json",
            List.of("myPadding", "myConv1", "myMaxPooling1", "myConv2", "myMaxPooling2",
                "myDense1", "myDense2", "myDense3")),
        new Golden("golden/tsp-preprocess-tfjs", "tfjs_lenet_enc/encModel.json",
            "reference/reference.json",
            List.of("MyConv2D_1", "MyMaxPooling_1", "MyConv2D_2", "MyMaxPooling_2", "MySoftMax")),
        new Golden("golden/tsp-preprocess-tfjs", "tfjs_lenet/mnist.json",
            "reference/tfjs_lenet.reference.json",
            List.of("conv2d_Conv2D1", "max_pooling2d_MaxPooling2D1", "conv2d_Conv2D2",
                "max_pooling2d_MaxPooling2D2", "dense_Dense1", "dense_Dense2", "dense_Dense3")));
    for (Golden g : goldens) {
      CorpusCase c = ModelCorpus.byId(g.id());
      Path copy = c.copyTo(tmp.resolve(g.id()));
      Path target = OUT.resolve(g.id() + "/" + g.model().replace('/', '_'));
      ConversionResult result = new Converter().convert(new ConversionRequest(
          copy.resolve(g.model()), null, target, g.outputs(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
      assertEquals(g.outputs(), result.outputs());
      jobs.addAll(TfjsJob.layersInEveryVersion(g.id() + ":" + g.model(),
          target.resolve("model.json"), c.dir().resolve(g.reference()), result.outputs()));
    }
    List<TfjsResult> results = TfjsClient.check(jobs);
    Conformance.writeReport(results, OUT.resolve("report.tsv"));
    results.forEach(r -> tests.add(Conformance.matchesReference(r)));
    return tests.stream();
  }

  @Test
  void aWeightSpanningShardsIsReadInOrder() throws Exception {
    CorpusCase c = ModelCorpus.byId("tfjs-layers/tensorspace-tfjs-lenet-raw");
    Path small = tmp.resolve("small");
    convert(c.mainPath(), small, Quantize.NONE, 1000);   // 247 shards; many weights span two
    Path again = tmp.resolve("again");
    ConversionResult result = convert(small.resolve("model.json"), again, Quantize.NONE, 1 << 22);
    assertEquals(246824, result.weightBytes());
    assertArrayEquals(Files.readAllBytes(c.file("mnist.weights.bin")),
        Files.readAllBytes(again.resolve("group1-shard1of1.bin")), "weights unchanged");
  }

  @Test
  void weightsCopiedIntoOneGroupPerLayerComeBackUnchanged() throws Exception {
    CorpusCase c = ModelCorpus.byId("tfjs-layers/tensorspace-tfjs-lenet-raw");
    Path split = tmp.resolve("split");
    new Converter().convert(new ConversionRequest(c.mainPath(), null, split, List.of(), List.of(),
        1000).withWeightOptions(Quantize.NONE, List.of(), true));
    assertTrue(manifest(split).size() > 1, "one weight group per layer");
    Path again = tmp.resolve("again");
    convert(split.resolve("model.json"), again, Quantize.NONE, 1 << 22);
    assertArrayEquals(Files.readAllBytes(c.file("mnist.weights.bin")),
        Files.readAllBytes(again.resolve("group1-shard1of1.bin")), "weights unchanged");
  }

  @Test
  void quantizedInputPassesThroughUnlessAnotherKindIsAsked() throws Exception {
    CorpusCase c = ModelCorpus.byId("tfjs-layers/tsp-preprocess-tfjs-lenet-seq");
    Path uint8 = tmp.resolve("uint8");
    convert(c.mainPath(), uint8, Quantize.UINT8, 1 << 22);
    Path none = tmp.resolve("none");
    Path same = tmp.resolve("same");
    Path uint16 = tmp.resolve("uint16");
    convert(uint8.resolve("model.json"), none, Quantize.NONE, 1 << 22);
    convert(uint8.resolve("model.json"), same, Quantize.UINT8, 1 << 22);
    convert(uint8.resolve("model.json"), uint16, Quantize.UINT16, 1 << 22);
    byte[] original = Files.readAllBytes(uint8.resolve("group1-shard1of1.bin"));
    assertArrayEquals(original, Files.readAllBytes(none.resolve("group1-shard1of1.bin")));
    assertArrayEquals(original, Files.readAllBytes(same.resolve("group1-shard1of1.bin")));
    assertEquals(manifest(uint8), manifest(none), "quantization entries kept");
    assertEquals(manifest(uint8), manifest(same));
    JsonNode requantized = manifest(uint16).get(0).path("weights").get(0);
    assertEquals("uint16", requantized.path("quantization").path("dtype").asText());
    assertEquals(2L * original.length, Files.size(uint16.resolve("group1-shard1of1.bin")),
        "every weight re-quantized from one byte to two");
    // the uint8 grid is a subset of the uint16 grid: re-quantizing loses nothing
    List<TfjsJob> jobs = new ArrayList<>();
    for (Path p : List.of(uint8, none, uint16)) {
      jobs.addAll(TfjsJob.layersInEveryVersion(p.getFileName().toString(),
          p.resolve("model.json"), c.referencePath(), outputs(p)));
    }
    List<TfjsResult> results = TfjsClient.check(jobs);
    for (TfjsResult r : results) {
      assertTrue(r.error() == null || !r.error().contains("load"), r.describe());
      assertFalse(r.outputs().isEmpty(), r.describe());
      assertEquals(results.get(0).maxAbsDiff(), r.maxAbsDiff(), 1e-6, r.describe());
    }
  }

  /** Weights that every kind of quantization represents exactly, so tfjs must decode them exactly. */
  @Test
  void tfjsDecodesOurQuantizedWeightsExactly() throws Exception {
    // kernel and bias span [0, 63.75] in steps of 0.25: exact in uint8 (scale 0.25), in uint16
    // (every 257th step) and in float16
    float[] kernel = {0f, 63.75f, 1.5f, 2.25f, 10f, 0.75f};
    float[] bias = {63.75f, 0f};
    Path model = tmp.resolve("dense");
    Files.createDirectories(model);
    Files.writeString(model.resolve("model.json"), """
        {"format": "layers-model", "generatedBy": "test",
         "modelTopology": {"class_name": "Sequential", "config": {"name": "s", "layers": [
           {"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "linear",
            "use_bias": true, "batch_input_shape": [null, 3], "dtype": "float32"}}]},
          "keras_version": "tfjs-layers test", "backend": "tensor_flow.js"},
         "weightsManifest": [{"paths": ["weights.data"], "weights": [
           {"name": "d/kernel", "shape": [3, 2], "dtype": "float32"},
           {"name": "d/bias", "shape": [2], "dtype": "float32"}]}]}""");
    Files.write(model.resolve("weights.data"), floats(kernel, bias));
    float[] x = {1f, 2f, 3f};
    double[] y = new double[2];
    for (int j = 0; j < 2; j++) {
      y[j] = bias[j];
      for (int i = 0; i < 3; i++) {
        y[j] += x[i] * kernel[i * 2 + j];
      }
    }
    Path reference = tmp.resolve("reference.json");
    ObjectNode ref = JSON.createObjectNode();
    ref.put("source", "test");
    ref.put("tolerance", 0);
    ObjectNode in = ref.putArray("inputs").addObject();
    in.put("name", "d_input");
    in.putArray("shape").add(1).add(3);
    in.put("dtype", "float32");
    ArrayNode data = in.putArray("data");
    for (float v : x) {
      data.add(v);
    }
    ObjectNode out = ref.putArray("outputs").addObject();
    out.put("layer", "d");
    out.putArray("shape").add(1).add(2);
    out.put("dtype", "float32");
    out.putArray("data").add(y[0]).add(y[1]);
    JSON.writeValue(reference.toFile(), ref);

    List<TfjsJob> jobs = new ArrayList<>();
    Map<String, Quantize> kinds = new LinkedHashMap<>();
    for (Quantize q : Quantize.values()) {
      Path target = tmp.resolve("q-" + q.jsonName());
      ConversionResult result = convert(model.resolve("model.json"), target, q, 1 << 20);
      assertEquals(q == Quantize.FLOAT16, result.warnings().contains(Quantize.FLOAT16_WARNING));
      for (TfjsJob job : TfjsJob.layersInEveryVersion(q.jsonName(), target.resolve("model.json"),
          reference, List.of("d"))) {
        jobs.add(job);
        kinds.put(job.id(), q);
      }
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      if (kinds.get(r.id()) == Quantize.FLOAT16 && r.id().endsWith("@1")) {
        assertFalse(r.ok(), "tfjs 1.x cannot decode float16: " + r.describe());
        assertTrue(r.error().contains("float16"), r.describe());
        continue;
      }
      r.assertOk();
      assertEquals(0.0, r.maxAbsDiff(), r.describe());
    }
  }

  @Test
  void aNestedModelsWeightsStayWithItAndItLoads() throws Exception {
    Path model = tmp.resolve("nested");
    Files.createDirectories(model);
    Files.writeString(model.resolve("model.json"), """
        {"modelTopology": {"model_config": {"class_name": "Model", "config": {"name": "outer",
          "layers": [
           {"name": "in", "class_name": "InputLayer",
            "config": {"batch_input_shape": [null, 3], "dtype": "float32", "name": "in"},
            "inbound_nodes": []},
           {"name": "inner", "class_name": "Sequential", "config": {"name": "inner", "layers": [
              {"class_name": "Dense", "config": {"name": "a", "units": 2, "activation": "relu",
               "batch_input_shape": [null, 3], "dtype": "float32"}},
              {"class_name": "Dense", "config": {"name": "b", "units": 1, "activation": "linear"}}]},
            "inbound_nodes": [[["in", 0, 0, {}]]]},
           {"name": "top", "class_name": "Dense", "config": {"name": "top", "units": 1},
            "inbound_nodes": [[["inner", 1, 0, {}]]]}],
          "input_layers": [["in", 0, 0]], "output_layers": [["top", 0, 0]]}},
          "keras_version": "tfjs-layers 1.7.4", "backend": "tensor_flow.js"},
         "weightsManifest": [{"paths": ["p1", "p2"], "weights": [
           {"name": "a/kernel", "shape": [3, 2], "dtype": "float32"},
           {"name": "a/bias", "shape": [2], "dtype": "float32"},
           {"name": "b/kernel", "shape": [2, 1], "dtype": "float32"},
           {"name": "b/bias", "shape": [1], "dtype": "float32"},
           {"name": "top/kernel", "shape": [1, 1], "dtype": "float32"},
           {"name": "top/bias", "shape": [1], "dtype": "float32"}]}]}""");
    byte[] all = floats(new float[] {1, -1, 2, 0.5f, -3, 1}, new float[] {0.5f, -0.5f},
        new float[] {2, -1}, new float[] {0.25f}, new float[] {3}, new float[] {-1});
    Files.write(model.resolve("p1"), java.util.Arrays.copyOfRange(all, 0, 17));
    Files.write(model.resolve("p2"), java.util.Arrays.copyOfRange(all, 17, all.length));
    // Keras numbers the outer call of a nested model node 1 (node 0 is its own construction).
    // Only "top" is selected: exposing the nested model itself is the layer selection's business
    // (it must then use node 1 in output_layers).
    Path target = tmp.resolve("nested-out");
    ConversionResult result = new Converter().convert(new ConversionRequest(
        model.resolve("model.json"), null, target, List.of("top"), List.of(), 1 << 20));
    assertEquals(List.of("top"), result.outputs());
    JsonNode manifest = manifest(target);
    List<String> names = new ArrayList<>();
    manifest.get(0).path("weights").forEach(w -> names.add(w.path("name").asText()));
    assertEquals(List.of("a/kernel", "a/bias", "b/kernel", "b/bias", "top/kernel", "top/bias"), names);

    // x = [1, 2, 3]: a = relu(x K + b) = relu([1+4-9+0.5, -1+1+3-0.5]) = [0, 2.5]
    // inner = a . [2, -1] + 0.25 = -2.25; top = 3 * -2.25 - 1 = -7.75 (values of kernel a are
    // row-major [3, 2]: rows [1, -1], [2, 0.5], [-3, 1])
    Path reference = tmp.resolve("nested-reference.json");
    Files.writeString(reference, """
        {"source": "test", "tolerance": 0,
         "inputs": [{"name": "in", "shape": [1, 3], "dtype": "float32", "data": [1, 2, 3]}],
         "outputs": [{"layer": "inner", "shape": [1, 1], "dtype": "float32", "data": [-2.25]},
                     {"layer": "top", "shape": [1, 1], "dtype": "float32", "data": [-7.75]}]}""");
    List<TfjsJob> jobs = new ArrayList<>();
    jobs.addAll(TfjsJob.layersInEveryVersion("nested", target.resolve("model.json"), reference,
        result.outputs()));
    TfjsClient.check(jobs).forEach(TfjsResult::assertOk);
  }

  @Test
  void damagedManifestsAreRefusedClearly() throws Exception {
    Path model = tmp.resolve("bad");
    Files.createDirectories(model);
    Files.write(model.resolve("w.bin"), new byte[8]);
    String head = """
        {"format": "layers-model", "modelTopology": {"class_name": "Sequential", "config": {
          "name": "s", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 1,
          "batch_input_shape": [null, 1]}}]}}""";
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put(head + "}", "has no weightsManifest");
    cases.put(head + ", \"weightsManifest\": [{\"paths\": [\"w.bin\"], \"weights\": ["
        + "{\"name\": \"d/kernel\", \"shape\": [1, 4], \"dtype\": \"float32\"}]}]}", "truncated");
    cases.put(head + ", \"weightsManifest\": [{\"paths\": [\"w.bin\"], \"weights\": ["
        + "{\"name\": \"e/kernel\", \"shape\": [1, 1], \"dtype\": \"float32\"}]}]}", "no layer is named 'e'");
    cases.put(head + ", \"weightsManifest\": [{\"paths\": [\"w.bin\"], \"weights\": ["
        + "{\"name\": \"d/kernel\", \"shape\": [1, 1], \"dtype\": \"float32\", \"quantization\": "
        + "{\"dtype\": \"uint8\"}}]}]}", "without numeric 'min' and 'scale'");
    cases.put(head + ", \"weightsManifest\": [{\"paths\": [\"w.bin\"], \"weights\": ["
        + "{\"name\": \"d/kernel\", \"shape\": [1, 1], \"dtype\": \"string\"}]}]}", "dtype 'string'");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      Files.writeString(model.resolve("model.json"), e.getKey());
      Path out = tmp.resolve("bad-out");
      ConversionException x = assertThrows(ConversionException.class,
          () -> convert(model.resolve("model.json"), out, Quantize.NONE, 1 << 20), e.getValue());
      assertTrue(x.getMessage().contains(e.getValue()), x.getMessage());
      assertTrue(x.getMessage().contains("model.json"), x.getMessage());
      assertFalse(Files.exists(out));
    }
    Files.writeString(model.resolve("model.json"), head + ", \"weightsManifest\": []}");
    ConversionException x = assertThrows(ConversionException.class, () -> new Converter().convert(
        new ConversionRequest(model.resolve("model.json"), model.resolve("w.bin"), tmp.resolve("o"),
            List.of(), List.of(), 1 << 20)));
    assertTrue(x.getMessage().contains("remove <weights>"), x.getMessage());
  }

  @Test
  void aGraphModelIsNotTakenForALayersModel() throws Exception {
    Path graph = tmp.resolve("graph.json");
    Files.writeString(graph, "{\"format\": \"graph-model\", \"modelTopology\": {\"node\": []},"
        + " \"weightsManifest\": []}");
    assertFalse(TfjsLayersReader.isLayersModel(graph));
    Path keras = tmp.resolve("keras.json");
    Files.writeString(keras, "{\"class_name\": \"Sequential\", \"config\": []}");
    assertFalse(TfjsLayersReader.isLayersModel(keras), "a Keras to_json() topology is not tfjs");
    assertTrue(TfjsLayersReader.isLayersModel(
        ModelCorpus.byId("tfjs-layers/tensorspace-tfjs-lenet-raw").mainPath()), "no format field");
  }

  private static List<String> outputs(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    JSON.readTree(dir.resolve("model.json").toFile()).path("modelTopology").path("model_config")
        .path("config").path("output_layers").forEach(t -> names.add(t.get(0).asText()));
    return names;
  }

  private static JsonNode manifest(Path dir) throws IOException {
    return JSON.readTree(dir.resolve("model.json").toFile()).path("weightsManifest");
  }

  private static byte[] floats(float[]... arrays) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (float[] values : arrays) {
      ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      out.writeBytes(b.array());
    }
    return out.toByteArray();
  }
}
