package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonTokenizer;
import io.tensorspace.convert.tensorflow.graph.GraphDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GraphTokens} reads a model.json's topology as the tree reader ({@link GraphJson#readGraph}
 * on {@code Json.read}) reads it: the same nodes, attrs in the same order, or the same exception.
 * Checked on every graph topology of the corpus and on graphs this plugin writes (each read wholly
 * from the tokens), and on thousands of variants with fields repeated, renamed to snake_case,
 * dropped, added, or given values of other types, which the token reader leaves to the tree reader
 * node by node. {@link TfjsGraphReader} reads whole files, with the topology repeated or moved, as
 * the tree of the file gives them.
 */
class GraphTokensTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @TempDir
  static Path temp;

  /** Graph model.json files: the corpus' and graph-models this plugin wrote of corpus graphs. */
  private static List<Path> graphs;

  @BeforeAll
  static void graphModels() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      for (Path p : walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)
          && !p.getParent().getFileName().toString().equals("reference")).sorted().toList()) {
        if (MAPPER.readTree(p.toFile()).path("modelTopology").path("node").isArray()) {
          files.add(p);
        }
      }
    }
    for (String id : List.of("savedmodel/tfjs-node-int64-multiply",
        "frozen-pb/tsc-test-lenet-frozen", "savedmodel/tensorspace-tf1-lenet-saved")) {
      Path out = temp.resolve("written-" + files.size());
      Path source = id.startsWith("savedmodel/") ? ModelCorpus.byId(id).dir()
          : ModelCorpus.byId(id).mainPath();
      new GraphConverter().convert(new ConversionRequest(source, null, out, List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
      files.add(out.resolve("model.json"));
    }
    assertTrue(files.size() >= 10, "graph model.json files: " + files);
    graphs = files;
  }

  @Test
  void graphsAsWrittenReadWhollyFromTheTokens() throws IOException {
    int nodes = 0;
    for (Path file : graphs) {
      byte[] topology = MAPPER.writeValueAsBytes(MAPPER.readTree(file.toFile())
          .path("modelTopology"));
      GraphDef graph = assertReadAsTree(file.toString(), topology);
      assertEquals(0, read(topology).treeNodes(), file + ": nodes left to the tree reader");
      nodes += graph.nodes().size();
    }
    assertTrue(nodes > 200, "nodes: " + nodes);
  }

  @Test
  void variantsReadAsTheirTree() throws IOException {
    Random random = new Random(14);
    int variants = 0;
    int left = 0;
    int failed = 0;
    for (Path file : graphs) {
      JsonNode topology = MAPPER.readTree(file.toFile()).path("modelTopology");
      for (int i = 0; i < 300; i++) {
        StringBuilder text = new StringBuilder();
        new Variant(random, 0.02 + 0.2 * random.nextDouble()).write(topology, text);
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        String what = file + " variant " + i;
        failed += assertReadAsTree(what, bytes) == null ? 1 : 0;
        left += read(bytes).treeNodes() > 0 ? 1 : 0;
        variants++;
      }
    }
    System.out.println("[graph-tokens] " + variants + " variants of " + graphs.size()
        + " graphs: " + left + " with nodes left to the tree reader, " + failed
        + " refused by both readers alike");
    assertTrue(left > variants / 2 && left < variants && failed > 100, left + " " + failed);
  }

  @Test
  void wholeFilesReadAsTheirTree() throws Exception {
    Random random = new Random(9);
    int files = 0;
    for (Path file : graphs) {
      JsonNode root = MAPPER.readTree(file.toFile());
      boolean present = root.has("weightsManifest");
      for (JsonNode group : root.path("weightsManifest")) {
        for (JsonNode path : group.path("paths")) {
          present &= Files.isRegularFile(file.resolveSibling(path.asText()));
        }
      }
      if (!present) {
        continue;
      }
      Path folder = Files.createDirectories(temp.resolve("whole-" + files));
      try (Stream<Path> shards = Files.list(file.getParent())) {
        for (Path shard : shards.filter(p -> !p.getFileName().toString().endsWith(".json"))
            .toList()) {
          Files.createSymbolicLink(folder.resolve(shard.getFileName()), shard);
        }
      }
      for (int i = 0; i < 20; i++) {
        Path copy = folder.resolve("model.json");
        StringBuilder text = new StringBuilder();
        new Variant(random, 0).writeRoot(root, text);
        Files.writeString(copy, text);
        TfGraph read = new TfjsGraphReader().readJson(copy);
        JsonNode tree = Json.read(copy);
        GraphDef expected = GraphJson.readGraph(tree.path("modelTopology"));
        assertSameGraph(file + " whole variant " + i, expected,
            new GraphDef(new ArrayList<>(read.nodes.values()), expected.versions()));
        assertEquals(expected.versions().producer(), read.producer, file.toString());
        files++;
      }
    }
    assertTrue(files >= 100, "files: " + files);
  }

  // ------------------------------------------------------------------ the oracle

  private static GraphTokens read(byte[] topology) throws IOException {
    JsonTokenizer tokens = JsonTokenizer.of(topology);
    return GraphTokens.read(tokens, tokens.next());
  }

  /** Both readers' graph, or both refuse alike; the graph (null when refused). */
  private static GraphDef assertReadAsTree(String what, byte[] topology) throws IOException {
    GraphDef expected = null;
    RuntimeException refusal = null;
    try {
      expected = GraphJson.readGraph(Json.read(topology));
    } catch (RuntimeException e) {
      refusal = e;
    }
    GraphDef actual = null;
    try {
      actual = read(topology).graph();
    } catch (RuntimeException e) {
      if (refusal == null) {
        throw new AssertionError(what + ": only the token reader refused: "
            + new String(topology, StandardCharsets.UTF_8), e);
      }
      assertEquals(refusal.getClass(), e.getClass(), what);
      assertEquals(refusal.getMessage(), e.getMessage(), what);
      return null;
    }
    if (refusal != null) {
      throw new AssertionError(what + ": only the tree reader refused", refusal);
    }
    assertSameGraph(what, expected, actual);
    return actual;
  }

  private static void assertSameGraph(String what, GraphDef expected, GraphDef actual) {
    assertEquals(expected, actual, what);
    for (int i = 0; i < expected.nodes().size(); i++) {
      NodeDef node = expected.nodes().get(i);
      assertEquals(List.copyOf(node.getAttrMap().keySet()),
          List.copyOf(actual.nodes().get(i).getAttrMap().keySet()), what + ": attr order");
    }
  }

  // ------------------------------------------------------------------ variants

  /**
   * Writes a tree as JSON text with changes at random objects and arrays: an entry repeated with
   * another value before or after it, its name in snake_case, dropped, a value of another type,
   * an entry the readers do not know, an array element of another type.
   */
  private record Variant(Random random, double rate) {
    private static final List<JsonNode> ODD = List.of(NODES.textNode("x"),
        NODES.textNode("12"), NODES.textNode(" 7 "), NODES.textNode("-3"), NODES.numberNode(3),
        NODES.numberNode(-2L), NODES.numberNode(1.5), NODES.numberNode(1e300),
        NODES.numberNode(new java.math.BigInteger("123456789012345678901234567890")),
        NODES.nullNode(), NODES.booleanNode(true), NODES.booleanNode(false), NODES.objectNode(),
        NODES.arrayNode(), NODES.arrayNode().add("a").add(7), NODES.objectNode().put("k", "v"),
        NODES.textNode("NaN"), NODES.textNode("-Infinity"), NODES.textNode("@@notbase64"),
        NODES.textNode("AAAA"), NODES.textNode("DT_INT32"), NODES.textNode("DT_NOPE"),
        NODES.objectNode().put("i", "5"), NODES.objectNode().put("type", "DT_FLOAT"),
        NODES.objectNode().set("dim", NODES.arrayNode().add(NODES.objectNode().put("size", 4))),
        NODES.arrayNode().add(NODES.objectNode().put("name", "n").put("op", "Relu")));

    void writeRoot(JsonNode root, StringBuilder out) {
      // the topology repeated (the last counts) and the keys in another order
      List<Map.Entry<String, JsonNode>> entries = entries(root);
      java.util.Collections.shuffle(entries, random);
      out.append('{');
      String separator = "";
      for (Map.Entry<String, JsonNode> e : entries) {
        if (e.getKey().equals("modelTopology") && random.nextBoolean()) {
          out.append(separator).append("\"modelTopology\":");
          write(NODES.objectNode().set("node", NODES.arrayNode().add(NODES.objectNode()
              .put("name", "decoy").put("op", "Const"))), out);
          separator = ",";
        }
        out.append(separator);
        string(e.getKey(), out);
        out.append(':');
        write(e.getValue(), out);
        separator = ",";
      }
      out.append('}');
    }

    void write(JsonNode node, StringBuilder out) {
      if (node.isObject()) {
        out.append('{');
        String separator = "";
        for (Map.Entry<String, JsonNode> e : entries(node)) {
          String key = e.getKey();
          JsonNode value = e.getValue();
          if (random.nextDouble() < rate) {
            switch (random.nextInt(6)) {
              case 0 -> {
                out.append(separator);
                entry(key, odd(), out);
                separator = ",";
              }
              case 1 -> key = snakeCase(key);
              case 2 -> {
                continue;
              }
              case 3 -> value = odd();
              case 4 -> {
                out.append(separator);
                entry("unknown_" + random.nextInt(3), odd(), out);
                separator = ",";
              }
              default -> {
                out.append(separator);
                entry(key, value, out);
                value = random.nextBoolean() ? odd() : value;
                separator = ",";
              }
            }
          }
          out.append(separator);
          entry(key, value, out);
          separator = ",";
        }
        out.append('}');
      } else if (node.isArray()) {
        out.append('[');
        String separator = "";
        for (JsonNode element : node) {
          out.append(separator);
          write(random.nextDouble() < rate / 4 ? odd() : element, out);
          separator = ",";
        }
        out.append(']');
      } else {
        out.append(node.toString());
      }
    }

    private void entry(String key, JsonNode value, StringBuilder out) {
      string(key, out);
      out.append(':');
      write(value, out);
    }

    private JsonNode odd() {
      return ODD.get(random.nextInt(ODD.size()));
    }

    private static List<Map.Entry<String, JsonNode>> entries(JsonNode object) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        entries.add(it.next());
      }
      return entries;
    }

    private static void string(String s, StringBuilder out) {
      out.append(NODES.textNode(s).toString());
    }

    private static String snakeCase(String camel) {
      return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
  }
}
