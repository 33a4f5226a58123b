package io.tensorspace.convert.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The reading and writing of JSON trees with Jackson's streaming parser and generator only. An
 * {@code ObjectMapper} loads about 300 classes of serializer and deserializer machinery before it
 * reads a byte: half of a small model's conversion in a fresh Maven JVM. Trees are built and written
 * here as {@code ObjectMapper.readTree} and its serializer do, node type for node type. Never call
 * {@code JsonNode.toString()} on a hot path: it builds a mapper.
 */
public final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** A streaming parser over {@code file}. */
  public static JsonParser parser(Path file) throws IOException {
    return FACTORY.createParser(file.toFile());
  }

  /** The tree of {@code file}, as {@code ObjectMapper.readTree(File)} gives it. */
  public static JsonNode read(Path file) throws IOException {
    try (JsonParser parser = parser(file)) {
      return tree(parser);
    }
  }

  /** The tree of {@code text}, as {@code ObjectMapper.readTree(String)} gives it. */
  public static JsonNode read(String text) throws IOException {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return tree(parser);
    }
  }

  /** The first value of the parser's input; a missing node when there is none. */
  private static JsonNode tree(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    return first == null ? NODES.missingNode() : value(parser, first);
  }

  /**
   * The value starting at {@code token}. Numbers get the node types readTree gives them; a repeated
   * key keeps its first position and its last value, as there.
   */
  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
          object.replace(key, value(parser, parser.nextToken()));
        }
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          array.add(value(parser, next));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        return integer(parser);
      case VALUE_NUMBER_FLOAT:
        return floating(parser);
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IOException("unexpected JSON token " + token);
    }
  }

  private static JsonNode integer(JsonParser parser) throws IOException {
    return switch (parser.getNumberType()) {
      case INT -> NODES.numberNode(parser.getIntValue());
      case LONG -> NODES.numberNode(parser.getLongValue());
      default -> NODES.numberNode(parser.getBigIntegerValue());
    };
  }

  private static JsonNode floating(JsonParser parser) throws IOException {
    return switch (parser.getNumberTypeFP()) {
      case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
      case FLOAT32 -> NODES.numberNode(parser.getFloatValue());
      default -> NODES.numberNode(parser.getDoubleValue());
    };
  }

  /** {@code node} as compact JSON text. */
  public static String compact(JsonNode node) {
    return text(node, false);
  }

  /** {@code node} as JSON text indented as {@code SerializationFeature.INDENT_OUTPUT} does. */
  public static String indented(JsonNode node) {
    return text(node, true);
  }

  /** {@code node} as compact JSON in UTF-8. */
  public static byte[] bytes(JsonNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      write(node, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String text(JsonNode node, boolean indented) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = FACTORY.createGenerator(out)) {
      if (indented) {
        gen.useDefaultPrettyPrinter();
      }
      write(node, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonNode node, JsonGenerator gen) throws IOException {
    switch (node == null ? com.fasterxml.jackson.databind.node.JsonNodeType.NULL
        : node.getNodeType()) {
      case OBJECT -> {
        gen.writeStartObject(node);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          gen.writeFieldName(field.getKey());
          write(field.getValue(), gen);
        }
        gen.writeEndObject();
      }
      case ARRAY -> {
        gen.writeStartArray(node, node.size());
        for (JsonNode element : node) {
          write(element, gen);
        }
        gen.writeEndArray();
      }
      case STRING -> gen.writeString(node.textValue());
      case BOOLEAN -> gen.writeBoolean(node.booleanValue());
      case NUMBER -> writeNumber(node, gen);
      case NULL, MISSING -> gen.writeNull();
      default -> throw new IllegalArgumentException("no JSON for a " + node.getNodeType() + " node");
    }
  }

  private static void writeNumber(JsonNode node, JsonGenerator gen) throws IOException {
    switch (node.numberType()) {
      case INT -> gen.writeNumber(node.intValue());
      case LONG -> gen.writeNumber(node.longValue());
      case BIG_INTEGER -> gen.writeNumber(node.bigIntegerValue());
      case FLOAT -> gen.writeNumber(node.floatValue());
      case DOUBLE -> gen.writeNumber(node.doubleValue());
      case BIG_DECIMAL -> gen.writeNumber(node.decimalValue());
      default -> throw new IllegalArgumentException("unknown number " + node);
    }
  }
}
