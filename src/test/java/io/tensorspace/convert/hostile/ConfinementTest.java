package io.tensorspace.convert.hostile;

import static io.tensorspace.convert.hostile.Hostile.Kind.LAYERS;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model must not make the build read files outside its folder: tfjs manifest paths that climb
 * out ({@code ../}, absolute, URLs, encoded dots, symbolic links), {@code .keras} entries with
 * {@code ../} or absolute names, and manifests that are malformed or disagree with their shards.
 */
class ConfinementTest {
  @TempDir Path temp;

  private Path model(String tag) {
    return Hostile.copy(Hostile.TFJS, temp.resolve(tag)).resolve("model.json");
  }

  /** Points the manifest's only path at {@code entry}, with a real file of the right size there. */
  private static void path(Path modelJson, String entry) {
    ObjectNode root = Edits.readJson(modelJson);
    ArrayNode paths = (ArrayNode) root.at("/weightsManifest/0/paths");
    paths.removeAll();
    paths.add(entry);
    Edits.writeJson(modelJson, root);
  }

  @TestFactory
  List<DynamicTest> escapingPaths() throws IOException {
    // a real weights file outside the model folder, so only confinement can stop the read
    Path outside = temp.resolve("outside.bin");
    Files.copy(Hostile.corpus(Hostile.TFJS).dir().resolve("weights.bin"), outside);
    List<String> entries = List.of(
        "../outside.bin",
        "sub/../../outside.bin",
        "..\\outside.bin",
        "%2e%2e/outside.bin",
        "%2E%2E%2Foutside.bin",
        outside.toAbsolutePath().toString(),
        "/etc/passwd",
        "file://" + outside.toAbsolutePath(),
        "http://example.com/weights.bin",
        "https://127.0.0.1:9/weights.bin",
        "C:\\weights.bin",
        "~/weights.bin",
        "",
        "weights.bin\u0000.png",
        ".");
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (String entry : entries) {
      String tag = "p" + n++;
      tests.add(dynamicTest("weight path '" + entry + "'", () -> {
        Path json = model(tag);
        path(json, entry);
        Hostile.assertRefused(LAYERS, json, temp.resolve(tag + "-out"));
      }));
    }
    return tests;
  }

  @Test
  void symbolicLinkOutOfTheFolder() throws IOException {
    Path outside = Files.copy(Hostile.corpus(Hostile.TFJS).dir().resolve("weights.bin"),
        temp.resolve("secret.bin"));
    Path json = model("s1");
    Files.delete(json.resolveSibling("weights.bin"));
    Files.createSymbolicLink(json.resolveSibling("weights.bin"), outside);
    ConversionException e = Hostile.assertRefused(LAYERS, json, temp.resolve("s1-out"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    // a linked sub-folder that leads out
    Path json2 = model("s2");
    Files.createSymbolicLink(json2.resolveSibling("sub"), temp);
    path(json2, "sub/secret.bin");
    Hostile.assertRefused(LAYERS, json2, temp.resolve("s2-out"));
  }

  @TestFactory
  List<DynamicTest> badManifests() {
    Map<String, java.util.function.Consumer<ObjectNode>> edits = new java.util.LinkedHashMap<>();
    edits.put("no weightsManifest", root -> root.remove("weightsManifest"));
    edits.put("weightsManifest is an object", root -> root.putObject("weightsManifest"));
    edits.put("a group without paths", root -> ((ObjectNode) root.at("/weightsManifest/0")).remove("paths"));
    edits.put("paths is a string", root -> ((ObjectNode) root.at("/weightsManifest/0")).put("paths", "weights.bin"));
    edits.put("a path is a number", root -> ((ArrayNode) root.at("/weightsManifest/0/paths")).set(0, root.numberNode(7)));
    edits.put("a weight without name", root -> ((ObjectNode) root.at("/weightsManifest/0/weights/0")).remove("name"));
    edits.put("a weight without shape", root -> ((ObjectNode) root.at("/weightsManifest/0/weights/0")).remove("shape"));
    edits.put("a negative dimension", root -> ((ArrayNode) root.at("/weightsManifest/0/weights/0/shape")).set(0, root.numberNode(-20)));
    edits.put("a fractional dimension", root -> ((ArrayNode) root.at("/weightsManifest/0/weights/0/shape")).set(0, root.numberNode(2.5)));
    edits.put("a textual dimension", root -> ((ArrayNode) root.at("/weightsManifest/0/weights/0/shape")).set(0, root.textNode("a")));
    edits.put("an unknown dtype", root -> ((ObjectNode) root.at("/weightsManifest/0/weights/0")).put("dtype", "complex128"));
    edits.put("an unknown quantization", root -> ((ObjectNode) root.at("/weightsManifest/0/weights/0")).putObject("quantization").put("dtype", "int4"));
    edits.put("uint8 quantization without scale", root -> ((ObjectNode) root.at("/weightsManifest/0/weights/0")).putObject("quantization").put("dtype", "uint8"));
    edits.put("the same weight twice", root -> ((ArrayNode) root.at("/weightsManifest/0/weights")).add(root.at("/weightsManifest/0/weights/0").deepCopy()));
    edits.put("a weight of no layer", root -> ((ObjectNode) root.at("/weightsManifest/0/weights/0")).put("name", "nowhere/kernel"));
    edits.put("a weight missing", root -> ((ArrayNode) root.at("/weightsManifest/0/weights")).remove(3));
    edits.put("weights need more bytes than the shard", root -> ((ArrayNode) root.at("/weightsManifest/0/weights/0/shape")).set(0, root.numberNode(101)));
    edits.put("a second shard that does not exist", root -> ((ArrayNode) root.at("/weightsManifest/0/paths")).add("weights2.bin"));
    edits.put("modelTopology is a string", root -> root.put("modelTopology", "{"));
    edits.put("format is graph-model", root -> root.put("format", "graph-model"));
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (var edit : edits.entrySet()) {
      String tag = "m" + n++;
      tests.add(dynamicTest(edit.getKey(), () -> {
        Path json = model(tag);
        ObjectNode root = Edits.readJson(json);
        edit.getValue().accept(root);
        Edits.writeJson(json, root);
        Hostile.assertRefused(LAYERS, json, temp.resolve(tag + "-out"));
      }));
    }
    return tests;
  }

  @Test
  void shortShardOverAPreviousOutput() throws IOException {
    Path json = model("short");
    Path out = temp.resolve("short-out");
    Hostile.previousOutput(LAYERS, json, null, out);
    Path shard = json.resolveSibling("weights.bin");
    byte[] bytes = Files.readAllBytes(shard);
    Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    Hostile.assertRefused(LAYERS, json, null, out, json);
  }

  @TestFactory
  List<DynamicTest> zipSlipEntries() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (String entry : List.of("../evil.txt", "/etc/evil.txt", "a/../../evil.txt", "C:/evil.txt",
        "..\\evil.txt")) {
      String tag = "z" + n++;
      tests.add(dynamicTest(".keras entry '" + entry + "'", () -> {
        Path keras = Hostile.copy(Hostile.KERAS3, temp.resolve(tag)).resolve("model.keras");
        Edits.rewriteZip(keras, Map.of(entry, "x".getBytes(StandardCharsets.UTF_8)));
        Hostile.assertRefused(LAYERS, keras, temp.resolve(tag + "-out"));
        assertTrue(Files.notExists(temp.resolve("evil.txt")));
      }));
    }
    return tests;
  }
}
