package io.tensorspace.convert.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The converter's one Jackson mapper, and the writing of trees. Each mapper built its own
 * serializers and deserializers on first use, so a mapper per class paid that several times per
 * conversion; a configured mapper is thread-safe, so the companion-file thread and parallel
 * conversions share it. Trees are written with the streaming generator directly, as the mapper
 * writes them, without loading databind's serializer machinery.
 */
public final class Json {
  /** Reads trees. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

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
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
      write(node, gen);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String text(JsonNode node, boolean indented) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
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
