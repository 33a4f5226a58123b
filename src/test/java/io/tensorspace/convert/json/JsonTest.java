package io.tensorspace.convert.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Json#read} gives the tree {@code ObjectMapper.readTree} gives, node class for node class,
 * refuses what it refuses, and {@link Json#compact}, {@link Json#indented} and {@link Json#bytes}
 * write what the mapper writes, byte for byte. Jackson is the oracle throughout.
 */
class JsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @TestFactory
  Stream<DynamicTest> everyCorpusJsonFileReadsAndWritesAsTheMapperDoes() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      files = walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted().toList();
    }
    assertTrue(files.size() > 100, "corpus JSON files: " + files.size());
    return files.stream().map(file -> DynamicTest.dynamicTest(
        ModelCorpus.root().relativize(file).toString(), () -> {
          JsonNode expected = MAPPER.readTree(file.toFile());
          assertSameTree(expected, Json.read(file));
          assertWrittenAsTheMapperWrites(expected);
        }));
  }

  @Test
  void edgeCasesReadAsTheMapperReadsThem(@TempDir Path dir) throws IOException {
    List<String> texts = new ArrayList<>(List.of(
        "{}", "[]", "null", "true", "\"text\"", "0", "-0", "-0.0", "1e3", "1E-7", "1.5e308",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "0.1", "3.4028235e38", "1e309", "-1e309", "1e-400",
        "1.7976931348623157e309", "4.9e-325", "2.2250738585072014E-308", "0e0", "0E+0", "-0e-0",
        "\"\\u00e9\\ud83d\\ude00\\n\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u0000\"",
        "{\"a\": 1, \"b\": 2, \"a\": [3]}", "{\"a\": {\"x\": 1}, \"a\": {\"y\": 2}}",
        "[1, 1.0, 1e0, \"1\", null, false]", "{\"nested\": [[[[{\"k\": [[]]}]]]]}",
        "  {\"trailing\": 1}  ", "{\"trailing\": 1} {\"second\": 2}", "", "   \n", "\r\n\t 7\r",
        "{}x", "[]]", "\"a\"b", "true]", "true}", "true:", "false,", "null-", "1 x", "1\tx",
        "1\nx", "1\rx", "{\"\":\"\"}", "{\"\\u0041\":\"\\/\"}", "[\"\u00e9\u20ac\ud83d\ude00\"]",
        "\"\u007f\"", "true\u0001", "\"\\uABCD\\uabcd\\uAbCd\""));
    texts.add("[".repeat(1000) + "]".repeat(1000));
    texts.add("[" + "9".repeat(1000) + "]");
    texts.add("-" + "9".repeat(1000));
    texts.add("1." + "0".repeat(999));
    texts.add("1." + "0".repeat(498) + "e" + "0".repeat(500));
    texts.add("{\"" + "k".repeat(50_000) + "\":1}");
    texts.add("{\"" + "\u00e9".repeat(25_000) + "\":1}");
    texts.addAll(Documents.generate(new Random(20261203), 300));
    for (String text : texts) {
      assertReadAsTheMapperReads(text);
      Path file = Files.writeString(dir.resolve("x.json"), text);
      assertSameTree(MAPPER.readTree(file.toFile()), Json.read(file));
    }
  }

  /** Thousands of random documents as text, as UTF-8 bytes with and without a BOM, in UTF-16/32. */
  @Test
  void generatedDocumentsReadAsTheMapperReadsThem() throws IOException {
    Random random = new Random(42);
    List<String> texts = Documents.generate(random, 4000);
    int compared = 0;
    for (String text : texts) {
      assertReadAsTheMapperReads(text);
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      assertBytesReadAsTheMapperReads(utf8);
      assertBytesReadAsTheMapperReads(withBom(utf8));
      compared += 3;
      if (random.nextInt(8) == 0) {
        for (Charset charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
            Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE"), StandardCharsets.UTF_16)) {
          assertBytesReadAsTheMapperReads(text.getBytes(charset));
          compared++;
        }
      }
    }
    assertTrue(compared > 12_000, "compared: " + compared);
  }

  /**
   * Damaged documents: a char deleted, replaced or inserted, or the text cut short; and random
   * bytes. Either both refuse or both read the same tree; ours refuses with a JsonSyntaxException
   * only, never another exception.
   */
  @Test
  void damagedDocumentsFailWhereTheMapperFails() throws IOException {
    Random random = new Random(99);
    String pool = "{}[],:\"\\/ \t\n\r0123456789.eE+-truefalsnNaIiy'#*\u0000\u0001\u001f\u00e9\ud83d";
    int refused = 0;
    int total = 0;
    for (String text : Documents.generate(random, 3000)) {
      StringBuilder damaged = new StringBuilder(text);
      int at = damaged.length() == 0 ? 0 : random.nextInt(damaged.length());
      switch (random.nextInt(4)) {
        case 0 -> { if (damaged.length() > 0) damaged.deleteCharAt(at); }
        case 1 -> { if (damaged.length() > 0) damaged.setCharAt(at, pool.charAt(random.nextInt(pool.length()))); }
        case 2 -> damaged.insert(at, pool.charAt(random.nextInt(pool.length())));
        default -> damaged.setLength(at);
      }
      refused += compareDamaged(damaged.toString().getBytes(StandardCharsets.UTF_8)) ? 1 : 0;
      refused += compareDamaged(damaged.toString()) ? 1 : 0;
      total += 2;
    }
    for (int i = 0; i < 3000; i++) {
      byte[] bytes = new byte[random.nextInt(12)];
      random.nextBytes(bytes);
      if (random.nextBoolean() && bytes.length > 0) {
        bytes[0] = (byte) "[{\"-1tfn".charAt(random.nextInt(8));
      }
      refused += compareDamaged(bytes) ? 1 : 0;
      total++;
    }
    assertTrue(refused > total / 3 && refused < total, refused + " of " + total + " refused");
  }

  @Test
  void invalidJsonFailsAsTheMapperFails() throws IOException {
    List<String> texts = new ArrayList<>(List.of("{", "[1,", "{\"a\" 1}", "[1 2]", "{\"a\": NaN}",
        "tru", "\"open", "{\"a\": 1,}", "[01]", "}", "]", "[1,]", "[,1]", "{,}", "{\"a\":}",
        "{\"a\":1]", "[1}", "NaN", "Infinity", "-Infinity", "+1", ".5", "1.", "1.e5", "1e",
        "1e+", "-", "-a", "00", "-01", "1]", "1,", "1x", "1/", "true1", "truex", "true\u00e9",
        "nul", "[tru]", "// c\n1", "/* c */ 1", "# c\n1", "'a'", "{'a':1}", "{a:1}",
        "\"a\u0001\"", "\"a\nb\"", "\"\\x\"", "\"\\'\"", "\"\\u12G4\"", "\"\\u12\"", "\"\\",
        "\u0001 1", "\u001e1", "[1\u000b]", "1e309x", "[\"a\" \"b\"]",
        "{\"a\":1 \"b\":2}", "{\"a\"::1}", "[\"\\ud83d\\ude0\"]"));
    texts.add("[".repeat(1001) + "]".repeat(1001));
    texts.add("{\"a\":".repeat(1001) + "1" + "}".repeat(1001));
    texts.add("[" + "9".repeat(1001) + "]");
    texts.add("[1." + "0".repeat(1000) + "]");
    texts.add("1." + "0".repeat(1000) + " ");
    texts.add("1e" + "1".repeat(1001));
    texts.add("{\"" + "k".repeat(50_001) + "\":1}");
    for (String text : texts) {
      String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
      assertThrows(IOException.class, () -> MAPPER.readTree(text), shown);
      JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.read(text), shown);
      assertTrue(e.getMessage().matches("(?s).+ \\(at line \\d+, column \\d+\\)"), e.getMessage());
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      assertThrows(IOException.class, () -> MAPPER.readTree(utf8), shown);
      assertThrows(JsonSyntaxException.class, () -> Json.read(utf8), shown);
    }
    for (byte[] bytes : List.of(bytes(0xC3, '"'), bytes('"', 0xC3, '"'), bytes('"', 0x80, '"'),
        bytes('"', 0xF8, 0x80, 0x80, 0x80, '"'), bytes('"', 0xE2, 0x82, '"'),
        bytes('{', '"', 0xC3, '"', ':', '1', '}'), bytes('t', 'r', 'u', 'e', 0xC3), bytes('t', 'r', 'u', 'e', 0xE2, 0x82, 0xAC),
        bytes('t', 'r', 'u', 'e', 0xC2, 0xA0),
        bytes(0, 0, 0xFF, 0xFE, 0, 0, 0, '1'), bytes(0, 0, 0x11, 0, 0, 0, 0, '1'),
        bytes(0, 0, 0, '1', 0), bytes(0xEF, 0xBB, 0xBF))) {
      assertThrows(IOException.class, () -> MAPPER.readTree(bytes), describe(bytes));
      assertThrows(JsonSyntaxException.class, () -> Json.read(bytes), describe(bytes));
    }
  }

  /**
   * Where Jackson's text and byte parsers differ, each is matched: a root number that ends the
   * text is counted one digit short, a name is limited in chars, not UTF-8 bytes.
   */
  @Test
  void limitsOfTextAndBytesAsTheMapperHasThem() throws IOException {
    for (String text : List.of("1." + "0".repeat(1000), "1e" + "0".repeat(1000),
        "{\"" + "\u00e9".repeat(25_001) + "\":1}")) {
      assertReadAsTheMapperReads(text);
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      assertThrows(IOException.class, () -> MAPPER.readTree(utf8));
      assertThrows(JsonSyntaxException.class, () -> Json.read(utf8));
    }
  }

  /** A byte order mark starts a file, never text; a file's bytes read, text's chars refuse. */
  @Test
  void byteOrderMarkOnlyInBytes() throws IOException {
    String text = "\ufeff[1]";
    assertThrows(IOException.class, () -> MAPPER.readTree(text));
    assertThrows(JsonSyntaxException.class, () -> Json.read(text));
    assertBytesReadAsTheMapperReads(text.getBytes(StandardCharsets.UTF_8));
    // after a root literal, the text parser tests the char (no identifier part), the byte parser
    // refuses any non-ASCII byte
    assertReadAsTheMapperReads("true\u00a0");
  }

  /** Jackson decodes UTF-8 leniently (overlong forms, encoded surrogates): so do we. */
  @Test
  void lenientUtf8ReadsAsTheMapperReadsIt() throws IOException {
    for (byte[] bytes : List.of(bytes('"', 0xC0, 0x80, '"'), bytes('"', 0xED, 0xA0, 0x80, '"'),
        bytes('"', 0xF0, 0x80, 0x80, 0x80, '"'), bytes('"', 0xF7, 0xBF, 0xBF, 0xBF, '"'),
        bytes('{', '"', 0xF0, 0x80, 0x80, 0x80, '"', ':', '1', '}'),
        bytes('{', '"', 0xED, 0xA0, 0x80, '"', ':', '1', '}'), bytes('1', ' ', 0xFF), bytes(0, 0, 0xFE, 0xFF, 0, 0, 0, '1'),
        bytes(0xFF, 0xFE, 0, 0, '1', 0, 0, 0), bytes(0xFE, 0xFF, 0, '1'), bytes(0xFF, 0xFE, '1', 0), bytes('{', '}', 0xFF))) {
      assertBytesReadAsTheMapperReads(bytes);
    }
  }

  /** Every generated tree, and trees of every node type, written as the mapper writes them. */
  @Test
  void writtenAsTheMapperWrites() throws IOException {
    int written = 0;
    for (String text : Documents.generate(new Random(7), 3000)) {
      JsonNode tree = MAPPER.readTree(text);
      assertWrittenAsTheMapperWrites(tree);
      // non-finite numbers are written as strings, so read back with the mapper too
      assertReadAsTheMapperReads(Json.compact(tree));
      assertReadAsTheMapperReads(Json.indented(tree));
      written++;
    }
    ObjectNode every = NODES.objectNode();
    every.put("int", 7).put("long", 1L << 40).put("short", (short) -3)
        .put("float", 1.1f).put("double", 0.1).put("big", new BigInteger("1" + "0".repeat(30)))
        .put("decimal", new BigDecimal("1.50E+3")).put("plain", new BigDecimal("0.000001"))
        .put("nan", Double.NaN).put("inf", Double.POSITIVE_INFINITY)
        .put("-inf", Double.NEGATIVE_INFINITY).put("fnan", Float.NaN)
        .put("finf", Float.NEGATIVE_INFINITY).put("tiny", Double.MIN_VALUE)
        .put("max", Double.MAX_VALUE).put("e", 1e21).put("e-", 1e-7).put("ftiny", Float.MIN_VALUE)
        .put("t", true).put("f", false).putNull("null");
    every.set("missing", NODES.missingNode());
    every.set("empty", NODES.objectNode());
    every.set("emptyArray", NODES.arrayNode());
    every.set("nested", NODES.arrayNode().add(NODES.objectNode()).add(NODES.arrayNode()
        .add(NODES.objectNode().put("k", 1))).add(1));
    StringBuilder chars = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      chars.append(c);
    }
    chars.append("\u2028\u20ac\uffff\ud83d\ude00\ud800x\udc00\ud83d");
    every.put("chars", chars.toString());
    every.put(chars.toString(), "key");
    assertWrittenAsTheMapperWrites(every);
    ArrayNode array = NODES.arrayNode().add(every).add(NODES.arrayNode()).add("x".repeat(70_000)
        + "\u0001\ud800".repeat(10_000));
    assertWrittenAsTheMapperWrites(array);
    assertWrittenAsTheMapperWrites(NODES.textNode("root"));
    assertWrittenAsTheMapperWrites(NODES.numberNode(1.5));
    assertTrue(written == 3000);
  }

  private static void assertWrittenAsTheMapperWrites(JsonNode tree) throws IOException {
    assertEquals(MAPPER.writeValueAsString(tree), Json.compact(tree));
    assertEquals(PRETTY.writeValueAsString(tree), Json.indented(tree));
    assertArrayEquals(MAPPER.writeValueAsBytes(tree), Json.bytes(tree),
        () -> new String(Json.bytes(tree), StandardCharsets.UTF_8));
  }

  private static void assertReadAsTheMapperReads(String text) throws IOException {
    assertSameTree(MAPPER.readTree(text), Json.read(text));
  }

  private static void assertBytesReadAsTheMapperReads(byte[] bytes) throws IOException {
    assertSameTree(MAPPER.readTree(bytes), Json.read(bytes));
  }

  /** Whether both refused; fails when only one does, or when the trees differ. */
  private static boolean compareDamaged(Object input) throws IOException {
    JsonNode expected;
    try {
      expected = input instanceof String s ? MAPPER.readTree(s) : MAPPER.readTree((byte[]) input);
    } catch (IOException | RuntimeException e) {
      try {
        JsonNode actual = input instanceof String s ? Json.read(s) : Json.read((byte[]) input);
        fail("read " + actual + " where Jackson said " + e + ": " + describe(input));
      } catch (JsonSyntaxException expectedRefusal) {
        return true;
      }
      return true;
    }
    try {
      assertSameTree(expected, input instanceof String s ? Json.read(s) : Json.read((byte[]) input));
    } catch (JsonSyntaxException e) {
      fail("refused what Jackson read (" + e.getMessage() + "): " + describe(input));
    }
    return false;
  }

  private static String describe(Object input) {
    return input instanceof String s ? s : java.util.Arrays.toString((byte[]) input);
  }

  private static byte[] withBom(byte[] utf8) {
    byte[] out = new byte[utf8.length + 3];
    out[0] = (byte) 0xEF;
    out[1] = (byte) 0xBB;
    out[2] = (byte) 0xBF;
    System.arraycopy(utf8, 0, out, 3, utf8.length);
    return out;
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** Equal trees whose nodes have the same classes, and keys in the same order. */
  static void assertSameTree(JsonNode expected, JsonNode actual) {
    if (expected == null) {
      assertEquals(null, actual);
      return;
    }
    assertEquals(expected.getClass(), actual.getClass(), () -> "node class of " + expected);
    assertEquals(expected, actual);
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> e = expected.properties().iterator();
      Iterator<Map.Entry<String, JsonNode>> a = actual.properties().iterator();
      while (e.hasNext()) {
        Map.Entry<String, JsonNode> x = e.next();
        Map.Entry<String, JsonNode> y = a.next();
        assertEquals(x.getKey(), y.getKey());
        assertSameTree(x.getValue(), y.getValue());
      }
    } else if (expected.isArray()) {
      for (int i = 0; i < expected.size(); i++) {
        assertSameTree(expected.get(i), actual.get(i));
      }
    }
  }
}
