package io.tensorspace.convert.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a tree as Jackson 2.20's generator writes it, byte for byte: compact, or laid out as its
 * {@code DefaultPrettyPrinter} does ({@code "k" : v}, two-space indents, arrays on one line,
 * empty containers as {@code { }} and {@code [ ]}). Control chars are escaped as
 * {@code \\uXXXX} (upper-case hex) but for the five with short escapes; non-ASCII is written as
 * is, except that Jackson's UTF-8 generator escapes every surrogate char ({@code utf8}).
 * Non-finite numbers are written as quoted strings, as the generator's default quotes them.
 */
final class JsonWriter {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  /** Jackson's pretty printer ends lines with the platform's separator. */
  private static final String NEW_LINE = System.lineSeparator();

  private final StringBuilder out = new StringBuilder(256);
  private final boolean indented;
  private final boolean utf8;

  private JsonWriter(boolean indented, boolean utf8) {
    this.indented = indented;
    this.utf8 = utf8;
  }

  /** {@code node} as JSON text; {@code utf8}: escaping surrogates, for UTF-8 output. */
  static String write(JsonNode node, boolean indented, boolean utf8) {
    JsonWriter writer = new JsonWriter(indented, utf8);
    writer.value(node, 0);
    return writer.out.toString();
  }

  private void value(JsonNode node, int level) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      out.append("null");
    } else if (node.isObject()) {
      object(node, level);
    } else if (node.isArray()) {
      array(node, level);
    } else if (node.isTextual()) {
      string(node.textValue());
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isNumber()) {
      number(node);
    } else {
      throw new IllegalArgumentException("no JSON for a " + node.getNodeType() + " node");
    }
  }

  private void object(JsonNode node, int level) {
    out.append('{');
    Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
    if (!fields.hasNext()) {
      out.append(indented ? " }" : "}");
      return;
    }
    boolean first = true;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!first) {
        out.append(',');
      }
      first = false;
      newLine(level + 1);
      string(field.getKey());
      out.append(indented ? " : " : ":");
      value(field.getValue(), level + 1);
    }
    newLine(level);
    out.append('}');
  }

  private void array(JsonNode node, int level) {
    out.append('[');
    if (node.isEmpty()) {
      out.append(indented ? " ]" : "]");
      return;
    }
    boolean first = true;
    for (JsonNode element : node) {
      out.append(first ? "" : ",").append(indented ? " " : "");
      first = false;
      value(element, level);
    }
    out.append(indented ? " ]" : "]");
  }

  private void newLine(int level) {
    if (indented) {
      out.append(NEW_LINE);
      for (int i = 0; i < level; i++) {
        out.append("  ");
      }
    }
  }

  private void number(JsonNode node) {
    if (node.isDouble()) {
      double d = node.doubleValue();
      finiteOrQuoted(Double.toString(d), Double.isFinite(d));
    } else if (node.isFloat()) {
      float f = node.floatValue();
      finiteOrQuoted(Float.toString(f), Float.isFinite(f));
    } else if (node.isBigDecimal()) {
      out.append(node.decimalValue().toString());
    } else if (node.isBigInteger()) {
      out.append(node.bigIntegerValue().toString());
    } else if (node.isLong()) {
      out.append(node.longValue());
    } else if (node.isInt() || node.isShort()) {
      out.append(node.intValue());
    } else {
      throw new IllegalArgumentException("unknown number node " + node.getClass().getName());
    }
  }

  private void finiteOrQuoted(String text, boolean finite) {
    if (finite) {
      out.append(text);
    } else {
      out.append('"').append(text).append('"');
    }
  }

  private void string(String s) {
    out.append('"');
    int n = s.length();
    int plain = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && !(utf8 && Character.isSurrogate(c))) {
        continue;
      }
      out.append(s, plain, i);
      plain = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\f' -> out.append("\\f");
        case '\r' -> out.append("\\r");
        default -> out.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xF])
            .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
      }
    }
    out.append(s, plain, n).append('"');
  }
}
