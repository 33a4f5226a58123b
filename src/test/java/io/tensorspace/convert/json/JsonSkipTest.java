package io.tensorspace.convert.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.json.JsonTokenizer.Token;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonTokenizer#skipChildren()}, which scans a container's bytes without tokens, ends
 * where tokenizing the container ends, and refuses what tokenizing refuses with the same message
 * and position, whether the damage lies in a skipped part or not: on generated documents (as
 * bytes and as text) and on the corpus model.json files, whole and damaged.
 */
class JsonSkipTest {
  private static final String POOL =
      "{}[],:\"\\/ \t\n\r0123456789.eE+-truefalsnNaIiy'#*\u0000\u0001\u001f\u00e9\ud83d";

  @Test
  void generatedDocumentsSkipAsTheyTokenize() throws IOException {
    Random random = new Random(5);
    int refused = 0;
    int total = 0;
    for (String text : Documents.generate(random, 4000)) {
      for (String input : List.of(text, damage(random, text))) {
        refused += compare(input.getBytes(StandardCharsets.UTF_8), random.nextLong()) ? 1 : 0;
        refused += compare(input, random.nextLong()) ? 1 : 0;
        total += 2;
      }
    }
    assertTrue(refused > total / 6 && refused < total / 2, refused + " of " + total + " refused");
  }

  /** Nesting past the stack's first size and up to and past the limit, whole and damaged. */
  @Test
  void deepNestingSkipsAsItTokenizes() throws IOException {
    Random random = new Random(3);
    int refused = 0;
    for (int depth : new int[] {31, 32, 33, 64, 65, 999, 1000, 1001}) {
      for (String text : List.of("[".repeat(depth) + "]".repeat(depth),
          "{\"a\":".repeat(depth) + "[1, \"x\", true]" + "}".repeat(depth),
          "[{\"k\": [".repeat(depth / 2) + "null" + "]}]".repeat(depth / 2))) {
        refused += compare(text.getBytes(StandardCharsets.UTF_8), random.nextLong()) ? 1 : 0;
        for (int i = 0; i < 20; i++) {
          refused += compare(damage(random, text), random.nextLong()) ? 1 : 0;
        }
      }
    }
    assertTrue(refused > 60, "refused: " + refused);
  }

  @Test
  void corpusModelJsonFilesSkipAsTheyTokenize() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      files = walk.filter(p -> p.getFileName().toString().equals("model.json")).sorted().toList();
    }
    assertTrue(files.size() > 20, "model.json files: " + files.size());
    Random random = new Random(11);
    int refused = 0;
    int total = 0;
    for (Path file : files) {
      String text = Files.readString(file);
      refused += compare(text.getBytes(StandardCharsets.UTF_8), random.nextLong()) ? 1 : 0;
      for (int i = 0; i < 40; i++) {
        refused += compare(damage(random, text).getBytes(StandardCharsets.UTF_8),
            random.nextLong()) ? 1 : 0;
        total++;
      }
    }
    assertTrue(refused > total / 4, refused + " of " + total + " refused");
  }

  /** A char deleted, replaced or inserted, or the text cut short. */
  private static String damage(Random random, String text) {
    StringBuilder damaged = new StringBuilder(text);
    int at = damaged.length() == 0 ? 0 : random.nextInt(damaged.length());
    switch (random.nextInt(4)) {
      case 0 -> { if (damaged.length() > 0) damaged.deleteCharAt(at); }
      case 1 -> { if (damaged.length() > 0) damaged.setCharAt(at, POOL.charAt(random.nextInt(POOL.length()))); }
      case 2 -> damaged.insert(at, POOL.charAt(random.nextInt(POOL.length())));
      default -> damaged.setLength(at);
    }
    return damaged.toString();
  }

  /**
   * Reads the input twice, skipping the same randomly chosen containers, once with skipChildren
   * and once token by token; both see the same tokens, texts and end (or error). Whether refused.
   */
  private static boolean compare(Object input, long seed) throws IOException {
    List<String> skipped = trace(input, new Random(seed), true);
    List<String> tokenized = trace(input, new Random(seed), false);
    assertEquals(tokenized, skipped, () -> input instanceof String s ? s
        : new String((byte[]) input, StandardCharsets.UTF_8));
    return tokenized.get(tokenized.size() - 1).startsWith("refused");
  }

  /** Every token up to the end of the input (all root values), skipped ones left out. */
  private static List<String> trace(Object input, Random random, boolean skipChildren)
      throws IOException {
    List<String> seen = new ArrayList<>();
    try {
      JsonTokenizer tokens = input instanceof String s ? JsonTokenizer.of(s)
          : JsonTokenizer.of((byte[]) input);
      for (Token token = tokens.next(); token != null; token = tokens.next()) {
        seen.add(token + (token == Token.NAME || token == Token.STRING ? " " + tokens.text()
            : token == Token.INT || token == Token.FLOAT ? " " + tokens.numberText() : ""));
        if (token.isStructStart() && random.nextInt(3) > 0) {
          if (skipChildren) {
            tokens.skipChildren();
          } else {
            tokenizeToEnd(tokens);
          }
          seen.add("skipped to " + tokens.current());
        }
      }
      seen.add("end");
    } catch (JsonSyntaxException e) {
      seen.add("refused: " + e.getMessage());
    }
    return seen;
  }

  /** What skipChildren did before it scanned: a token at a time to the container's end. */
  private static void tokenizeToEnd(JsonTokenizer tokens) throws IOException {
    for (int open = 1; open > 0; ) {
      Token token = tokens.next();
      if (token == null) {
        throw new AssertionError("the input ended inside a container without a refusal");
      }
      open += token.isStructStart() ? 1 : token == Token.END_OBJECT || token == Token.END_ARRAY
          ? -1 : 0;
    }
  }
}
