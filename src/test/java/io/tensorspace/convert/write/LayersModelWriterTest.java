package io.tensorspace.convert.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
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
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the writer puts into model.json and the shards, with and without quantization. */
class LayersModelWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static final float[] KERNEL = {-0.75f, 0.5f, 0.25f, 1.5f, -0.125f, 0.0f};
  private static final float[] BIAS = {0.1f, 0.2f, 0.3f};
  private static final float[] KERNEL2 = {2f, 3f, 4f};
  private static final float[] BIAS2 = {-1f};

  private static LayersModel model(float[] kernel) throws IOException {
    ObjectNode config = (ObjectNode) JSON.readTree("""
        {"class_name": "Model", "config": {"name": "m", "layers": [
          {"name": "in", "class_name": "InputLayer",
           "config": {"batch_input_shape": [null, 2], "dtype": "float32", "name": "in"},
           "inbound_nodes": []},
          {"name": "d1", "class_name": "Dense", "config": {"name": "d1", "units": 3},
           "inbound_nodes": [[["in", 0, 0, {}]]]},
          {"name": "d2", "class_name": "Dense", "config": {"name": "d2", "units": 1},
           "inbound_nodes": [[["d1", 0, 0, {}]]]}],
          "input_layers": [["in", 0, 0]], "output_layers": [["d2", 0, 0]]}}""");
    Map<String, List<Weight>> weights = new LinkedHashMap<>();
    weights.put("d1", List.of(floats("d1/kernel", new long[] {2, 3}, kernel),
        floats("d1/bias", new long[] {3}, BIAS)));
    weights.put("d2", List.of(floats("d2/kernel", new long[] {3, 1}, KERNEL2),
        floats("d2/bias", new long[] {1}, BIAS2),
        new Weight("d2/steps", new long[] {2}, DType.INT32, out -> out.write(le(7, -3)))));
    return new LayersModel(Path.of("test.h5"), "keras v2.2.4", config, weights, () -> { });
  }

  static Weight floats(String name, long[] shape, float[] values) {
    return new Weight(name, shape, DType.FLOAT32, out -> {
      ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : values) {
        b.putFloat(v);
      }
      // deliberately odd chunks: a float split across writes must still decode
      byte[] bytes = b.array();
      for (int i = 0; i < bytes.length; i += 3) {
        out.write(bytes, i, Math.min(3, bytes.length - i));
      }
    });
  }

  private static byte[] le(int... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putInt(v);
    }
    return b.array();
  }

  private JsonNode write(LayersModelWriter writer, LayersModel model, Path out) throws IOException {
    Files.createDirectories(out);
    writer.write(model, out);
    return JSON.readTree(out.resolve("model.json").toFile());
  }

  private static byte[] allShards(Path out, JsonNode modelJson) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (JsonNode group : modelJson.path("weightsManifest")) {
      for (JsonNode path : group.path("paths")) {
        all.write(Files.readAllBytes(out.resolve(path.asText())));
      }
    }
    return all.toByteArray();
  }

  @Test
  void plainWeightsAreCopiedUnchanged() throws IOException {
    JsonNode json = write(new LayersModelWriter(1 << 20), model(KERNEL), dir);
    JsonNode specs = json.path("weightsManifest").get(0).path("weights");
    assertEquals(5, specs.size());
    specs.forEach(s -> assertFalse(s.has("quantization")));
    assertEquals((6 + 3 + 3 + 1 + 2) * 4, allShards(dir, json).length);
  }

  @Test
  void uint8ManifestEntryIsWhatTfjsReads() throws IOException {
    LayersModelWriter writer = new LayersModelWriter(1 << 20, Quantize.UINT8, List.of(), false);
    JsonNode json = write(writer, model(KERNEL), dir);
    JsonNode kernel = json.path("weightsManifest").get(0).path("weights").get(0);
    assertEquals("d1/kernel", kernel.path("name").asText());
    assertEquals("float32", kernel.path("dtype").asText(), "the manifest dtype stays float32");
    JsonNode q = kernel.path("quantization");
    List<String> keys = new ArrayList<>();
    q.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("dtype", "min", "scale", "original_dtype"), keys);
    assertEquals("uint8", q.path("dtype").asText());
    assertEquals("float32", q.path("original_dtype").asText());
    Quantizer.Affine expected = Quantizer.Affine.of(-0.75, 1.5, 255);
    assertEquals(expected.min(), q.path("min").asDouble(), 0.0);
    assertEquals(expected.scale(), q.path("scale").asDouble(), 0.0);

    JsonNode steps = json.path("weightsManifest").get(0).path("weights").get(4);
    assertEquals("int32", steps.path("dtype").asText());
    assertFalse(steps.has("quantization"), "only float32 weights are quantized");

    byte[] bytes = allShards(dir, json);
    assertEquals(6 + 3 + 3 + 1 + 8, bytes.length);
    for (int i = 0; i < KERNEL.length; i++) {
      assertEquals(expected.quantize(KERNEL[i]), bytes[i] & 0xff, "kernel element " + i);
      float decoded = (float) ((bytes[i] & 0xff) * q.path("scale").asDouble() + q.path("min").asDouble());
      assertEquals(KERNEL[i], decoded, expected.scale() / 2 + 1e-7);
    }
    assertEquals(0f, (float) ((bytes[5] & 0xff) * expected.scale() + expected.min()), "zero is exact");
    assertArrayEquals(le(7, -3), java.util.Arrays.copyOfRange(bytes, 13, 21));
    assertTrue(writer.warnings().isEmpty(), writer.warnings().toString());
  }

  @Test
  void constantTensorGetsScaleOne() throws IOException {
    JsonNode json = write(new LayersModelWriter(1 << 20, Quantize.UINT16, List.of(), false),
        model(KERNEL), dir);
    JsonNode bias2 = json.path("weightsManifest").get(0).path("weights").get(3);
    assertEquals("d2/bias", bias2.path("name").asText());
    assertEquals(-1.0, bias2.path("quantization").path("min").asDouble());
    assertEquals(1.0, bias2.path("quantization").path("scale").asDouble());
  }

  @Test
  void float16EntryAndBytes() throws IOException {
    JsonNode json = write(new LayersModelWriter(1 << 20, Quantize.FLOAT16, List.of(), false),
        model(KERNEL), dir);
    JsonNode q = json.path("weightsManifest").get(0).path("weights").get(0).path("quantization");
    assertEquals("{\"dtype\":\"float16\",\"original_dtype\":\"float32\"}", q.toString());
    byte[] bytes = allShards(dir, json);
    assertEquals((6 + 3 + 3 + 1) * 2 + 8, bytes.length);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : KERNEL) {
      assertEquals(v, Quantizer.fromFloat16(b.getShort()), "exact in half precision");
    }
  }

  @Test
  void patternsLimitWhichWeightsAreQuantized() throws IOException {
    LayersModelWriter writer =
        new LayersModelWriter(1 << 20, Quantize.UINT8, List.of("d1/*", "nothing*"), false);
    JsonNode json = write(writer, model(KERNEL), dir);
    JsonNode specs = json.path("weightsManifest").get(0).path("weights");
    assertTrue(specs.get(0).has("quantization"));
    assertTrue(specs.get(1).has("quantization"));
    assertFalse(specs.get(2).has("quantization"));
    assertFalse(specs.get(3).has("quantization"));
    assertEquals(6 + 3 + (3 + 1 + 2) * 4, allShards(dir, json).length);
    assertEquals(1, writer.warnings().size());
    assertTrue(writer.warnings().get(0).contains("'nothing*' matches no weight"));
  }

  @Test
  void nonFiniteWeightsStayFloat32WithAWarning() throws IOException {
    float[] bad = KERNEL.clone();
    bad[2] = Float.NaN;
    LayersModelWriter writer = new LayersModelWriter(1 << 20, Quantize.UINT8, List.of(), false);
    JsonNode json = write(writer, model(bad), dir);
    assertFalse(json.path("weightsManifest").get(0).path("weights").get(0).has("quantization"));
    assertTrue(json.path("weightsManifest").get(0).path("weights").get(1).has("quantization"));
    assertTrue(writer.warnings().get(0).contains("d1/kernel"), writer.warnings().toString());
    assertEquals(6 * 4 + 3 + 3 + 1 + 8, allShards(dir, json).length);
  }

  @Test
  void splitWeightsByLayerWritesOneGroupPerLayer() throws IOException {
    Path single = dir.resolve("single");
    Path split = dir.resolve("split");
    JsonNode one = write(new LayersModelWriter(5), model(KERNEL), single);
    JsonNode two = write(new LayersModelWriter(5, Quantize.NONE, List.of(), true), model(KERNEL), split);
    assertEquals(1, one.path("weightsManifest").size());
    assertEquals(2, two.path("weightsManifest").size());
    JsonNode g1 = two.path("weightsManifest").get(0);
    JsonNode g2 = two.path("weightsManifest").get(1);
    assertEquals(List.of("d1/kernel", "d1/bias"), names(g1));
    assertEquals(List.of("d2/kernel", "d2/bias", "d2/steps"), names(g2));
    // 36 bytes in 5-byte shards: 8 shards, the last one short; a float spans two shards
    assertEquals(8, g1.path("paths").size());
    assertEquals("group1-shard1of8.bin", g1.path("paths").get(0).asText());
    assertEquals("group2-shard1of5.bin", g2.path("paths").get(0).asText());
    assertEquals(1, Files.size(split.resolve("group1-shard8of8.bin")));
    assertArrayEquals(allShards(single, one), allShards(split, two));
    try (Stream<Path> files = Files.list(split)) {
      assertTrue(files.allMatch(p -> LayersModelWriter.writes(p.getFileName().toString())));
    }
  }

  @Test
  void sameInputGivesSameBytes() throws IOException {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    write(new LayersModelWriter(7, Quantize.UINT8, List.of(), true), model(KERNEL), a);
    write(new LayersModelWriter(7, Quantize.UINT8, List.of(), true), model(KERNEL), b);
    try (Stream<Path> files = Files.list(a)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(b.resolve(f.getFileName())));
      }
    }
  }

  @Test
  void warnsWhenPatternsComeWithoutQuantize() throws IOException {
    LayersModelWriter writer = new LayersModelWriter(1 << 20, Quantize.NONE, List.of("d1/*"), false);
    write(writer, model(KERNEL), dir);
    assertTrue(writer.warnings().get(0).contains("ignored"), writer.warnings().toString());
    assertTrue(Set.of(Quantize.values()).contains(Quantize.NONE));
  }

  private static List<String> names(JsonNode group) {
    List<String> names = new ArrayList<>();
    group.path("weights").forEach(w -> names.add(w.path("name").asText()));
    return names;
  }
}
