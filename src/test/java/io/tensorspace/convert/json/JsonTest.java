package io.tensorspace.convert.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
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

/** {@link Json#read} gives the tree {@code ObjectMapper.readTree} gives, node class for node class. */
class JsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> everyCorpusJsonFileReadsAsTheMapperReadsIt() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      files = walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted().toList();
    }
    assertTrue(files.size() > 100, "corpus JSON files: " + files.size());
    return files.stream().map(file -> DynamicTest.dynamicTest(
        ModelCorpus.root().relativize(file).toString(),
        () -> assertSameTree(MAPPER.readTree(file.toFile()), Json.read(file))));
  }

  @Test
  void edgeCasesReadAsTheMapperReadsThem(@TempDir Path dir) throws IOException {
    List<String> texts = new ArrayList<>(List.of(
        "{}", "[]", "null", "true", "\"text\"", "0", "-0", "-0.0", "1e3", "1E-7", "1.5e308",
        "2147483647", "2147483648", "-2147483649", "9223372036854775807",
        "9223372036854775808", "123456789012345678901234567890", "0.1", "3.4028235e38",
        "1.7976931348623157e309", "4.9e-325", "\"\\u00e9\\ud83d\\ude00\\n\"",
        "{\"a\": 1, \"b\": 2, \"a\": [3]}", "{\"a\": {\"x\": 1}, \"a\": {\"y\": 2}}",
        "[1, 1.0, 1e0, \"1\", null, false]", "{\"nested\": [[[[{\"k\": [[]]}]]]]}",
        "  {\"trailing\": 1}  ", "{\"trailing\": 1} {\"second\": 2}", "", "   \n"));
    texts.addAll(generated(new Random(20261203), 300));
    for (String text : texts) {
      assertSameTree(MAPPER.readTree(text), Json.read(text));
      Path file = Files.writeString(dir.resolve("x.json"), text);
      assertSameTree(MAPPER.readTree(file.toFile()), Json.read(file));
    }
  }

  @Test
  void invalidJsonFailsAsTheMapperFails() {
    for (String text : List.of("{", "[1,", "{\"a\" 1}", "[1 2]", "{\"a\": NaN}", "tru",
        "\"open", "{\"a\": 1,}", "[01]", "}")) {
      JsonProcessingException expected =
          assertThrows(JsonProcessingException.class, () -> MAPPER.readTree(text), text);
      JsonProcessingException actual =
          assertThrows(JsonProcessingException.class, () -> Json.read(text), text);
      assertEquals(expected.getClass(), actual.getClass(), text);
      assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage(), text);
    }
  }

  @Test
  void writtenTreesReadBackEqual() throws IOException {
    for (String text : generated(new Random(7), 100)) {
      JsonNode tree = Json.read(text);
      assertSameTree(tree, Json.read(Json.compact(tree)));
      assertSameTree(tree, Json.read(Json.indented(tree)));
      assertEquals(MAPPER.writeValueAsString(tree), Json.compact(tree));
    }
  }

  /** Random documents: nested containers, repeated keys, numbers of every width and form. */
  private static List<String> generated(Random random, int count) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder();
      value(random, text, 0);
      texts.add(text.toString());
    }
    return texts;
  }

  private static void value(Random random, StringBuilder out, int depth) {
    int kind = random.nextInt(depth > 4 ? 6 : 8);
    switch (kind) {
      case 0 -> out.append(random.nextInt());
      case 1 -> out.append(random.nextLong());
      case 2 -> out.append(random.nextBoolean() ? random.nextDouble() * 1e-5
          : random.nextGaussian() * Math.pow(10, random.nextInt(40)));
      case 3 -> out.append('"').append(Long.toString(random.nextLong(), 36)).append('"');
      case 4 -> out.append(random.nextBoolean() ? "null" : "true");
      case 5 -> out.append(random.nextBoolean() ? "18446744073709551617" : "-1.5E-3");
      case 6 -> {
        out.append('[');
        for (int n = random.nextInt(4), i = 0; i < n; i++) {
          out.append(i == 0 ? "" : ",");
          value(random, out, depth + 1);
        }
        out.append(']');
      }
      default -> {
        out.append('{');
        for (int n = random.nextInt(5), i = 0; i < n; i++) {
          out.append(i == 0 ? "" : ",").append("\"k").append(random.nextInt(4)).append("\":");
          value(random, out, depth + 1);
        }
        out.append('}');
      }
    }
  }

  /** Equal trees whose nodes have the same classes, and keys in the same order. */
  private static void assertSameTree(JsonNode expected, JsonNode actual) {
    if (expected == null) {
      assertEquals(null, actual);
      return;
    }
    assertEquals(expected.getClass(), actual.getClass(), () -> "node class of " + expected);
    assertEquals(expected, actual);
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> e = expected.fields();
      Iterator<Map.Entry<String, JsonNode>> a = actual.fields();
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
