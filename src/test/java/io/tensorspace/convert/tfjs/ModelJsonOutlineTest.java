package io.tensorspace.convert.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonSyntaxException;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelJsonOutline} says what the whole tree of the file ({@link Json#read}) says: whether
 * it is a tfjs layers or graph model (the rules format detection had on the tree) and the paths of
 * its weights manifest. Checked on every JSON file of the corpus, on variants of them that Jackson
 * writes (keys shuffled and repeated, white space, unicode escapes, other forms of
 * {@code modelTopology}, {@code format} and {@code weightsManifest}) and on damaged bytes, which
 * read as "not JSON" (null) exactly where the tree reader refuses them, never as an exception.
 */
class ModelJsonOutlineTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What the outline tells of a file. */
  private record Facts(boolean layers, boolean graph, List<String> paths) {}

  @Test
  void everyCorpusJsonFileOutlinesAsItsTree(@TempDir Path temp) throws IOException {
    List<Path> files = corpusJson();
    long models = files.stream().filter(f -> f.getFileName().toString().equals("model.json"))
        .count();
    int layers = 0;
    int graphs = 0;
    for (Path file : files) {
      Facts facts = assertOutlinedAsTree(file, Files.readAllBytes(file), temp);
      layers += facts.layers() ? 1 : 0;
      graphs += facts.graph() ? 1 : 0;
    }
    assertTrue(models >= 25, "corpus model.json files: " + models);
    assertTrue(layers >= 15 && graphs >= 5, "layers " + layers + ", graphs " + graphs);
  }

  @Test
  void variantsJacksonWritesOutlineAsTheirTree(@TempDir Path temp) throws IOException {
    Random random = new Random(15);
    int variants = 0;
    int[] kinds = new int[3];
    for (Path file : corpusJson()) {
      JsonNode base = MAPPER.readTree(file.toFile());
      Facts original = facts(base);
      int count = original.layers() || original.graph() ? 40 : 4;
      for (int i = 0; i < count; i++) {
        JsonNode tree = mutated(base, random);
        byte[] bytes = write(tree, random);
        Facts facts = assertOutlinedAsTree(file, bytes, temp);
        kinds[facts.layers() ? 0 : facts.graph() ? 1 : 2]++;
        variants++;
      }
    }
    System.out.println("[model-json-outline] " + variants + " variants: " + kinds[0]
        + " layers models, " + kinds[1] + " graph models, " + kinds[2] + " neither");
    assertTrue(kinds[0] > 500 && kinds[1] > 150 && kinds[2] > 300, Arrays.toString(kinds));
  }

  @Test
  void damagedModelJsonReadsAsNotJsonWhereTheTreeReaderRefusesIt(@TempDir Path temp)
      throws IOException {
    Random random = new Random(16);
    int refused = 0;
    int members = 0;
    for (Path file : corpusJson()) {
      if (!file.getFileName().toString().equals("model.json")) {
        continue;
      }
      byte[] bytes = Files.readAllBytes(file);
      for (int i = 0; i < 40; i++) {
        byte[] damaged = i < 20
            ? Arrays.copyOf(bytes, random.nextInt(bytes.length))
            : flipped(bytes, random, 1 + random.nextInt(3));
        Facts facts = assertOutlinedAsTree(file, damaged, temp);
        refused += facts == null ? 1 : 0;
        members++;
      }
    }
    System.out.println("[model-json-outline] " + members + " damaged model.json: " + refused
        + " not JSON, the rest outlined as their tree");
    assertTrue(refused > members / 2, refused + " of " + members + " refused");
  }

  @Test
  void bytesThatAreNoJsonOutlineAsNull(@TempDir Path temp) throws IOException {
    for (String text : List.of("{", "[", "{\"format\":", "{\"format\" \"layers-model\"}",
        "{\"modelTopology\":{\"node\":[}}", "\u0000\u0000\u0000{", "PK\u0003\u0004",
        "{\"weightsManifest\":[{\"paths\":[\"a\",]}]}", "\"unterminated", "[1 2]", "nul")) {
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      assertNull(assertOutlinedAsTree(temp.resolve("x"), bytes, temp), text);
    }
  }

  // ------------------------------------------------------------------ the oracle

  /**
   * Writes the bytes to a file, outlines it, and checks the outline against the tree reader: null
   * exactly when the tree reader refuses the bytes, else the facts of the tree. Returns the facts
   * (null when refused).
   */
  private static Facts assertOutlinedAsTree(Path origin, byte[] bytes, Path temp)
      throws IOException {
    Path file = temp.resolve("model.json");
    Files.write(file, bytes);
    JsonNode tree;
    try {
      tree = Json.read(bytes);
    } catch (JsonSyntaxException e) {
      tree = null;
    }
    ModelJsonOutline outline;
    try {
      outline = ModelJsonOutline.read(file);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError(origin + ": the outline threw " + e + " on "
          + describe(bytes), e);
    }
    if (tree == null) {
      assertNull(outline, origin + ": the tree reader refuses " + describe(bytes));
      return null;
    }
    if (outline == null) {
      fail(origin + ": the outline says not JSON, the tree reader reads " + describe(bytes));
    }
    Facts expected = facts(tree);
    assertEquals(expected, new Facts(outline.isLayersModel(), outline.isGraphModel(),
        outline.manifestPaths()), origin + ": " + describe(bytes));
    return expected;
  }

  /**
   * The rules as they were written on the tree before the outline: a layers model declares its
   * format so, or (no format) has a Keras topology without a node list; a graph model has a
   * topology with a node list and does not declare itself a layers model; the manifest is
   * {@code weightsManifest} (or the root array of a 0.x graph's manifest file), its groups the
   * array's elements or the object's values, a path each scalar of a group's {@code paths}.
   */
  private static Facts facts(JsonNode root) {
    JsonNode topology = root.path("modelTopology");
    String format = root.path("format").asText("");
    boolean layers = root.isObject() && (format.equals("layers-model") || format.isEmpty()
        && topology.isObject() && !topology.has("node")
        && (topology.has("model_config") || topology.has("class_name")));
    boolean graph = topology.isObject() && topology.path("node").isArray()
        && !root.path("format").asText("graph-model").equals("layers-model");
    List<String> paths = new ArrayList<>();
    for (JsonNode group : root.isArray() ? root : root.path("weightsManifest")) {
      for (JsonNode path : group.path("paths")) {
        if (path.isValueNode()) {
          paths.add(path.asText());
        }
      }
    }
    return new Facts(layers, graph, paths);
  }

  // ------------------------------------------------------------------ inputs

  /** Every JSON file of the corpus but the references (numbers of activations, no model). */
  private static List<Path> corpusJson() throws IOException {
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      List<Path> files = walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)
          && !p.getParent().getFileName().toString().equals("reference")).sorted().toList();
      assertTrue(files.size() > 100, "corpus JSON files: " + files.size());
      return files;
    }
  }

  /** Changes to the parts the outline reads, each variant a few of them at random. */
  private static final List<UnaryOperator<JsonNode>> CHANGES = List.of(
      root -> set(root, "format", NODES.textNode("layers-model")),
      root -> set(root, "format", NODES.textNode("graph-model")),
      root -> set(root, "format", NODES.nullNode()),
      root -> set(root, "format", NODES.numberNode(2)),
      root -> set(root, "format", NODES.objectNode().put("name", "layers-model")),
      root -> set(root, "format", NODES.textNode("")),
      root -> remove(root, "format"),
      root -> remove(root, "modelTopology"),
      root -> set(root, "modelTopology", NODES.nullNode()),
      root -> set(root, "modelTopology", NODES.textNode("{\"class_name\":\"Sequential\"}")),
      root -> root.has("modelTopology")
          ? set(root, "modelTopology", NODES.arrayNode().add(root.get("modelTopology"))) : root,
      ModelJsonOutlineTest::unwrapModelConfig,
      ModelJsonOutlineTest::wrapModelConfig,
      root -> setInTopology(root, "node", NODES.arrayNode()),
      root -> setInTopology(root, "node", NODES.objectNode()),
      root -> setInTopology(root, "node", NODES.nullNode()),
      root -> removeInTopology(root, "node"),
      root -> removeInTopology(root, "class_name"),
      root -> setInTopology(root, "class_name", NODES.textNode("Functional")),
      root -> root.has("modelTopology") ? set(root, "nested", NODES.objectNode()
          .set("modelTopology", root.get("modelTopology").deepCopy())) : root,
      root -> remove(root, "weightsManifest"),
      root -> set(root, "weightsManifest", NODES.nullNode()),
      root -> set(root, "weightsManifest", NODES.arrayNode()),
      root -> set(root, "weightsManifest", NODES.objectNode()),
      root -> set(root, "weightsManifest", NODES.textNode("group1-shard1of1.bin")),
      ModelJsonOutlineTest::manifestAsObject,
      ModelJsonOutlineTest::oddPaths,
      ModelJsonOutlineTest::pathsAsObject,
      root -> root.path("weightsManifest").isArray() ? root.path("weightsManifest") : root,
      root -> NODES.arrayNode().add(root),
      root -> NODES.textNode("model"),
      ModelJsonOutlineTest::unicodeNames);

  private static JsonNode mutated(JsonNode base, Random random) {
    JsonNode tree = base.deepCopy();
    for (int n = random.nextInt(4), i = 0; i < n; i++) {
      tree = CHANGES.get(random.nextInt(CHANGES.size())).apply(tree);
    }
    return tree;
  }

  private static JsonNode set(JsonNode root, String key, JsonNode value) {
    if (root instanceof ObjectNode object) {
      object.set(key, value);
    }
    return root;
  }

  private static JsonNode remove(JsonNode root, String key) {
    if (root instanceof ObjectNode object) {
      object.remove(key);
    }
    return root;
  }

  private static JsonNode setInTopology(JsonNode root, String key, JsonNode value) {
    set(root.path("modelTopology"), key, value);
    return root;
  }

  private static JsonNode removeInTopology(JsonNode root, String key) {
    remove(root.path("modelTopology"), key);
    return root;
  }

  /** tf.keras's {@code {"keras_version", "backend", "model_config"}} to the bare model config. */
  private static JsonNode unwrapModelConfig(JsonNode root) {
    JsonNode config = root.path("modelTopology").path("model_config");
    return config.isObject() ? set(root, "modelTopology", config) : root;
  }

  /** The bare model config to tf.keras's wrapped form. */
  private static JsonNode wrapModelConfig(JsonNode root) {
    JsonNode topology = root.path("modelTopology");
    return topology.has("class_name") ? set(root, "modelTopology", NODES.objectNode()
        .put("keras_version", "2.15.0").put("backend", "tensorflow")
        .set("model_config", topology)) : root;
  }

  /** The manifest's groups as the values of an object. */
  private static JsonNode manifestAsObject(JsonNode root) {
    ObjectNode groups = NODES.objectNode();
    int i = 0;
    for (JsonNode group : root.path("weightsManifest")) {
      groups.set("group" + i++, group);
    }
    return set(root, "weightsManifest", groups);
  }

  /** Paths that are no file name: null, numbers, booleans, containers; a group that is no object. */
  private static JsonNode oddPaths(JsonNode root) {
    JsonNode manifest = root.path("weightsManifest");
    if (manifest instanceof ArrayNode groups) {
      groups.add(NODES.textNode("group"));
      groups.add(NODES.arrayNode().add(NODES.objectNode().set("paths",
          NODES.arrayNode().add("inner.bin"))));
      groups.add(NODES.objectNode().set("paths", NODES.arrayNode().addNull().add(7).add(1.5e300)
          .add(true).add(NODES.arrayNode().add("nested.bin")).add(NODES.objectNode())
          .add("weights \u00e9\ud83d\ude00.bin")));
      groups.add(NODES.objectNode().set("paths", NODES.textNode("one.bin")));
      groups.add(NODES.objectNode().put("weights", "no paths"));
    }
    return root;
  }

  /** A group's paths as the values of an object. */
  private static JsonNode pathsAsObject(JsonNode root) {
    for (JsonNode group : root.path("weightsManifest")) {
      if (group instanceof ObjectNode object && group.path("paths").isArray()) {
        ObjectNode paths = NODES.objectNode();
        int i = 0;
        for (JsonNode path : group.path("paths")) {
          paths.set("p" + i++, path);
        }
        object.set("paths", paths);
      }
    }
    return root;
  }

  /** Non-ASCII text in names and paths the outline reads. */
  private static JsonNode unicodeNames(JsonNode root) {
    for (JsonNode group : root.path("weightsManifest")) {
      if (group.path("paths") instanceof ArrayNode paths && !paths.isEmpty()) {
        paths.set(0, NODES.textNode("\u4e2d\u6587/" + paths.get(0).asText() + "\u20ac"));
      }
    }
    return set(root, "\u00fcbersicht \ud834\udd1e", NODES.textNode("\u2028"));
  }

  // ------------------------------------------------------------------ writing

  /**
   * The tree as Jackson's generator writes it with random key order, a repeated key before some
   * keys (the last value counts), random white space and random characters as unicode escapes;
   * sometimes in UTF-16 or with a byte order mark.
   */
  private static byte[] write(JsonNode tree, Random random) throws IOException {
    StringWriter text = new StringWriter();
    JsonFactory factory = JsonFactory.builder()
        .configure(JsonWriteFeature.ESCAPE_NON_ASCII, random.nextBoolean()).build();
    try (JsonGenerator generator = factory.createGenerator(text)) {
      generator.setCodec(MAPPER);
      generator.setPrettyPrinter(randomSpace(random));
      generator.setCharacterEscapes(new RandomEscapes(random));
      write(generator, tree, random);
    }
    String json = SPACES[random.nextInt(SPACES.length)] + text
        + SPACES[random.nextInt(SPACES.length)];
    return switch (random.nextInt(8)) {
      case 0 -> ("\ufeff" + json).getBytes(StandardCharsets.UTF_8);
      case 1 -> json.getBytes(StandardCharsets.UTF_16BE);
      default -> json.getBytes(StandardCharsets.UTF_8);
    };
  }

  private static void write(JsonGenerator out, JsonNode node, Random random) throws IOException {
    if (node.isObject()) {
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        entries.add(it.next());
      }
      Collections.shuffle(entries, random);
      out.writeStartObject();
      for (Map.Entry<String, JsonNode> entry : entries) {
        if (random.nextInt(20) == 0) {
          out.writeFieldName(entry.getKey());
          write(out, decoy(random), random);
        }
        out.writeFieldName(entry.getKey());
        write(out, entry.getValue(), random);
      }
      out.writeEndObject();
    } else if (node.isArray()) {
      out.writeStartArray();
      for (JsonNode element : node) {
        write(out, element, random);
      }
      out.writeEndArray();
    } else {
      out.writeTree(node);
    }
  }

  /** A value a later repeat of its key replaces. */
  private static JsonNode decoy(Random random) {
    return switch (random.nextInt(5)) {
      case 0 -> NODES.textNode("layers-model");
      case 1 -> NODES.objectNode().set("node", NODES.arrayNode());
      case 2 -> NODES.arrayNode().add(NODES.objectNode().set("paths",
          NODES.arrayNode().add("decoy.bin")));
      case 3 -> NODES.nullNode();
      default -> NODES.objectNode().put("class_name", "Sequential");
    };
  }

  private static final String[] SPACES = {"", " ", "\n", "\t", "\r\n", "\r", " \n\t  "};

  /**
   * Jackson's pretty printer with random spacing around ':' and ',', random indents and line
   * ends (tabs, CR, CRLF) in objects and arrays; or none (compact).
   */
  private static PrettyPrinter randomSpace(Random random) {
    Separators.Spacing[] spacings = Separators.Spacing.values();
    Separators separators = Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(spacings[random.nextInt(spacings.length)])
        .withObjectEntrySpacing(spacings[random.nextInt(spacings.length)])
        .withArrayValueSpacing(spacings[random.nextInt(spacings.length)]);
    return random.nextInt(4) == 0 ? new MinimalPrettyPrinter() : new DefaultPrettyPrinter(separators)
        .withObjectIndenter(randomIndenter(random)).withArrayIndenter(randomIndenter(random));
  }

  private static DefaultPrettyPrinter.Indenter randomIndenter(Random random) {
    String[] indents = {"", " ", "  ", "\t", " \t"};
    String[] lineEnds = {"\n", "\r\n", "\r", " "};
    return random.nextInt(3) == 0 ? DefaultPrettyPrinter.FixedSpaceIndenter.instance
        : new DefaultIndenter(indents[random.nextInt(indents.length)],
            lineEnds[random.nextInt(lineEnds.length)]);
  }

  /** A random third of the ASCII letters (so often part of "format" or "paths") as \\uXXXX. */
  private static final class RandomEscapes extends CharacterEscapes {
    private final int[] codes = standardAsciiEscapesForJSON();

    RandomEscapes(Random random) {
      for (int c = 'A'; c <= 'z'; c++) {
        if (Character.isLetter(c) && random.nextInt(3) == 0) {
          codes[c] = ESCAPE_STANDARD;
        }
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return codes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }

  private static final String STRUCTURE = "{}[]\",:\\ 0n";

  private static byte[] flipped(byte[] bytes, Random random, int flips) {
    byte[] copy = bytes.clone();
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(copy.length);
      copy[at] = random.nextBoolean() ? (byte) random.nextInt(256)
          : (byte) STRUCTURE.charAt(random.nextInt(STRUCTURE.length()));
    }
    return copy;
  }

  private static String describe(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.UTF_8);
    return bytes.length + " bytes: " + text + (bytes.length > 300 ? "..." : "");
  }
}
