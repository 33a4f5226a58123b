package io.tensorspace.convert.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.json.JsonTokenizer.Token;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The reading and writing of Jackson's JSON trees with our own tokenizer and writer, without
 * jackson-core's parser and generator machinery (about 90 classes, ~40 ms of a fresh Maven JVM,
 * before that an {@code ObjectMapper}'s 300). Trees are built as {@code ObjectMapper.readTree}
 * builds them, node class for node class, and written as its serializer writes them, byte for
 * byte. Never call {@code JsonNode.toString()} on a hot path: it builds a mapper.
 */
public final class Json {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final BigInteger MIN_LONG = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);

  private Json() {}

  /** A tokenizer over {@code file}'s bytes. */
  public static JsonTokenizer tokens(Path file) throws IOException {
    return JsonTokenizer.of(JsonTokenizer.fileBytes(file));
  }

  /** The tree of {@code file}, as {@code ObjectMapper.readTree(File)} gives it. */
  public static JsonNode read(Path file) throws IOException {
    return tree(tokens(file));
  }

  /** The tree of a file's bytes, as {@code ObjectMapper.readTree(byte[])} gives it. */
  public static JsonNode read(byte[] bytes) throws JsonSyntaxException {
    return tree(JsonTokenizer.of(bytes));
  }

  /** The tree of {@code text}, as {@code ObjectMapper.readTree(String)} gives it. */
  public static JsonNode read(String text) throws JsonSyntaxException {
    return tree(JsonTokenizer.of(text));
  }

  /** The first value of the input, the rest unread; a missing node when there is none. */
  private static JsonNode tree(JsonTokenizer tokens) throws JsonSyntaxException {
    Token first = tokens.next();
    return first == null ? NODES.missingNode() : value(tokens, first);
  }

  /**
   * The tree of the value starting at {@code token}, the tokenizer's current token, as
   * {@code readTree} builds it; a repeated key keeps its first position, last value.
   */
  public static JsonNode value(JsonTokenizer tokens, Token token) throws JsonSyntaxException {
    // tests rather than a switch, whose enum lookup costs the interpreter a call per token
    if (token == Token.START_OBJECT) {
      ObjectNode object = NODES.objectNode();
      for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
        String key = tokens.text();
        object.replace(key, value(tokens, tokens.next()));
      }
      return object;
    }
    if (token == Token.START_ARRAY) {
      ArrayNode array = NODES.arrayNode();
      for (Token next = tokens.next(); next != Token.END_ARRAY; next = tokens.next()) {
        array.add(value(tokens, next));
      }
      return array;
    }
    return scalar(tokens, token);
  }

  /**
   * The node of a scalar token, typed as readTree types it: an integer as the narrowest of int,
   * long and BigInteger that holds it; any other number as a double, via Double.parseDouble
   * (so 1e309 is Infinity), which is Jackson's default.
   */
  public static JsonNode scalar(JsonTokenizer tokens, Token token) {
    return switch (token) {
      case STRING -> NODES.textNode(tokens.text());
      case INT -> integer(tokens.numberText());
      case FLOAT -> NODES.numberNode(Double.parseDouble(tokens.numberText()));
      case TRUE -> NODES.booleanNode(true);
      case FALSE -> NODES.booleanNode(false);
      case NULL -> NODES.nullNode();
      default -> throw new IllegalArgumentException("no scalar: " + token);
    };
  }

  private static JsonNode integer(String digits) {
    int length = digits.length() - (digits.charAt(0) == '-' ? 1 : 0);
    if (length <= 18) {
      long value = Long.parseLong(digits);
      return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }
    BigInteger value = new BigInteger(digits);
    return value.compareTo(MIN_LONG) >= 0 && value.compareTo(MAX_LONG) <= 0
        ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
  }

  /** {@code node} as compact JSON text. */
  public static String compact(JsonNode node) {
    return JsonWriter.write(node, false, false);
  }

  /** {@code node} as JSON text indented as {@code SerializationFeature.INDENT_OUTPUT} does. */
  public static String indented(JsonNode node) {
    return JsonWriter.write(node, true, false);
  }

  /** {@code node} as compact JSON in UTF-8. */
  public static byte[] bytes(JsonNode node) {
    return JsonWriter.write(node, false, true).getBytes(StandardCharsets.UTF_8);
  }
}
