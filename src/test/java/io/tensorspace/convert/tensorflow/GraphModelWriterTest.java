package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph-model files: what tfjs 1.x and 4.x need, recorded selection, same bytes every time. */
class GraphModelWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private Path convert(Path source, String name, long shardSize) throws Exception {
    Path out = tmp.resolve(name);
    new GraphConverter().convert(new ConversionRequest(source, null, out, List.of(), List.of(),
        shardSize));
    return out;
  }

  @Test
  void savedModelGraphModelHasWhatTfjsNeeds() throws Exception {
    Path out = convert(ModelCorpus.byId("savedmodel/tfjs-node-int64-multiply").dir(), "m", 4096);
    JsonNode root = JSON.readTree(out.resolve("model.json").toFile());
    List<String> keys = new ArrayList<>();
    root.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("format", "generatedBy", "convertedBy", "signature", "modelTopology",
        "userDefinedMetadata", "weightsManifest"), keys);
    assertEquals("graph-model", root.path("format").asText());
    assertEquals("TensorFlow 2.3.1", root.path("generatedBy").asText());
    assertTrue(root.path("convertedBy").asText().startsWith("tensorspace-maven-plugin"));
    // tfjs 1.x reads the signature only from userDefinedMetadata
    assertEquals(root.path("signature"), root.path("userDefinedMetadata").path("signature"));
    assertEquals("serving_default_x:0",
        root.path("signature").path("inputs").path("x").path("name").asText());
    assertEquals("DT_INT64",
        root.path("signature").path("inputs").path("x").path("dtype").asText());
    String output = root.path("signature").path("outputs").path("output_0").path("name").asText();
    assertEquals("Identity:0", output);
    assertEquals(List.of("Identity"),
        GraphJson.texts(root.path("userDefinedMetadata").path("outputNodes")));
    JsonNode topology = root.path("modelTopology");
    assertTrue(topology.path("versions").isObject(), "tfjs needs versions (tfjs#1432)");
    Set<String> names = new HashSet<>();
    Set<String> constants = new HashSet<>();
    for (JsonNode node : topology.path("node")) {
      names.add(node.path("name").asText());
      String op = node.path("op").asText();
      assertFalse(Set.of("VarHandleOp", "ReadVariableOp", "StatefulPartitionedCall",
          "PartitionedCall", "NoOp", "RestoreV2").contains(op), op + " left in " + node);
      for (JsonNode input : node.path("input")) {
        assertFalse(input.asText().startsWith("^"), "control input left: " + node);
        assertTrue(names.contains(input.asText().replaceFirst(":\\d+$", ""))
            || topology.toString().contains("\"name\":\"" + input.asText() + "\""), input.asText());
      }
      if (op.equals("Const")) {
        constants.add(node.path("name").asText());
        JsonNode tensor = node.path("attr").path("value").path("tensor");
        assertEquals(Set.of("dtype", "tensorShape"), fieldNames(tensor), "value removed: " + node);
      }
    }
    assertTrue(names.contains("StatefulPartitionedCall/mul"), names.toString());
    JsonNode group = root.path("weightsManifest").get(0);
    Set<String> weights = new HashSet<>();
    long bytes = 0;
    for (JsonNode w : group.path("weights")) {
      weights.add(w.path("name").asText());
      assertEquals("int32", w.path("dtype").asText(), "int64 variables are int32 in tfjs");
      bytes += 4;
    }
    assertEquals(constants, weights, "every Const is a weight of the same name");
    assertEquals(bytes, Files.size(out.resolve(group.path("paths").get(0).asText())));
  }

  @Test
  void sameInputGivesSameBytesAndWeightsSpanShards() throws Exception {
    Path source = ModelCorpus.byId("frozen-pb/tsc-test-lenet-frozen").mainPath();
    // same folder name: the TensorSpace companion files name the model after it
    Path a = convert(source, "a/lenet", 10_000);
    Path b = convert(source, "b/lenet", 10_000);
    List<String> files = list(a);
    assertEquals(files, list(b));
    assertTrue(files.size() > 10, "small shards: " + files);
    for (String f : files) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
    }
    JsonNode root = JSON.readTree(a.resolve("model.json").toFile());
    assertFalse(root.has("signature"), "a frozen graph has no signature to record");
    assertEquals(List.of("MyConv2D_1", "MyMaxPooling2D_1", "MyConv2D_2", "MyMaxPooling2D_2",
        "MyDense_1", "MyDense_2", "MySoftMax"),
        GraphJson.texts(root.path("userDefinedMetadata").path("outputNodes")));
  }

  /**
   * model.json, written as it goes, holds what the mapper writes of its own tree of it, byte for
   * byte, and reads back alike from the tokens and from the tree: graphs with a signature, without, read from a tfjs
   * graph-model, and an ONNX model's (whose metadata joins userDefinedMetadata).
   */
  @Test
  void modelJsonIsWhatTheMapperWritesOfItsTree() throws Exception {
    List<Path> sources = new ArrayList<>(List.of(
        ModelCorpus.byId("savedmodel/tfjs-node-int64-multiply").dir(),
        ModelCorpus.byId("frozen-pb/tsc-test-lenet-frozen").mainPath(),
        ModelCorpus.byId("golden/tsc-tf-graph-lenet").mainPath()));
    for (io.tensorspace.testing.CorpusCase c : ModelCorpus.cases("tfjs-graph")) {
      if (!c.expectsError()) {
        sources.add(c.mainPath());
      }
    }
    int onnx = 0;
    for (io.tensorspace.testing.OnnxCorpus.Case c : io.tensorspace.testing.OnnxCorpus.cases()) {
      if (onnx < 3 && !Files.exists(c.dir().resolve("expect-error.json"))) {
        sources.add(c.model());
        onnx++;
      }
    }
    int checked = 0;
    for (Path source : sources) {
      Path out = tmp.resolve("mapper-" + checked++);
      new io.tensorspace.convert.Converter().convert(new ConversionRequest(source, null, out,
          List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
      byte[] written = Files.readAllBytes(out.resolve("model.json"));
      JsonNode tree = JSON.readTree(written);
      assertArrayEquals(JSON.writeValueAsBytes(tree), written, source.toString());
      TfGraph read = new TfjsGraphReader().readJson(out.resolve("model.json"));
      assertEquals(GraphJson.readGraph(tree.path("modelTopology")).nodes(),
          List.copyOf(read.nodes.values()), source.toString());
    }
    assertTrue(checked >= 8 && onnx == 3, checked + " models, " + onnx + " ONNX");
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> out = new HashSet<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
