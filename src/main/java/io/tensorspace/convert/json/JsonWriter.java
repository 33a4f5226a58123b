package io.tensorspace.convert.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes JSON as Jackson 2.20's generator writes it, byte for byte: compact, or laid out as its
 * {@code DefaultPrettyPrinter} does ({@code "k" : v}, two-space indents, arrays on one line,
 * empty containers as {@code { }} and {@code [ ]}). Control chars are escaped as
 * {@code \\uXXXX} (upper-case hex) but for the five with short escapes; non-ASCII is written as
 * is, except that Jackson's UTF-8 generator escapes every surrogate char ({@code utf8}).
 * Non-finite numbers are written as quoted strings, as the generator's default quotes them.
 * A tree is written whole ({@link #write(JsonNode, boolean, boolean)}); a writer that has its
 * values elsewhere (a graph's nodes) writes them one by one, as the generator's calls do, without
 * building a tree first.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();
  /** Jackson's pretty printer ends lines with the platform's separator. */
  private static final String NEW_LINE = System.lineSeparator();

  private final StringBuilder out;
  private final boolean indented;
  private final boolean utf8;
  /** Per open container, outermost first: whether it has an entry already. */
  private boolean[] entries = new boolean[16];
  private int depth;
  /** Open objects: the indent level (arrays are written on one line and indent nothing). */
  private int level;
  /** Whether a name was just written, so the value needs no separator. */
  private boolean afterName;

  private JsonWriter(boolean indented, boolean utf8, int capacity) {
    this.out = new StringBuilder(capacity);
    this.indented = indented;
    this.utf8 = utf8;
  }

  /** A writer of compact JSON for UTF-8 output, as {@link Json#bytes} writes a tree. */
  public static JsonWriter compactUtf8(int capacity) {
    return new JsonWriter(false, true, capacity);
  }

  /** {@code node} as JSON text; {@code utf8}: escaping surrogates, for UTF-8 output. */
  static String write(JsonNode node, boolean indented, boolean utf8) {
    JsonWriter writer = new JsonWriter(indented, utf8, 256);
    writer.tree(node);
    return writer.out.toString();
  }

  /** What was written, in UTF-8. */
  public byte[] utf8Bytes() {
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  public JsonWriter startObject() {
    beforeValue();
    out.append('{');
    open();
    level++;
    return this;
  }

  public JsonWriter endObject() {
    level--;
    if (entries[--depth]) {
      newLine(level);
      out.append('}');
    } else {
      out.append(indented ? " }" : "}");
    }
    return this;
  }

  public JsonWriter startArray() {
    beforeValue();
    out.append('[');
    open();
    return this;
  }

  public JsonWriter endArray() {
    depth--;
    out.append(indented ? " ]" : "]");
    return this;
  }

  /** The name of the next value in the object being written. */
  public JsonWriter name(String name) {
    if (entries[depth - 1]) {
      out.append(',');
    }
    entries[depth - 1] = true;
    newLine(level);
    string(name);
    out.append(indented ? " : " : ":");
    afterName = true;
    return this;
  }

  /** A string; null is written as JSON null, as the generator and a tree's null text do. */
  public JsonWriter value(String text) {
    if (text == null) {
      return nullValue();
    }
    beforeValue();
    string(text);
    return this;
  }

  public JsonWriter value(boolean b) {
    beforeValue();
    out.append(b);
    return this;
  }

  public JsonWriter value(int i) {
    beforeValue();
    out.append(i);
    return this;
  }

  public JsonWriter value(long l) {
    beforeValue();
    out.append(l);
    return this;
  }

  /** A float as a {@code FloatNode} is written: quoted when not finite. */
  public JsonWriter value(float f) {
    beforeValue();
    finiteOrQuoted(Float.toString(f), Float.isFinite(f));
    return this;
  }

  /** A double as a {@code DoubleNode} is written: quoted when not finite. */
  public JsonWriter value(double d) {
    beforeValue();
    finiteOrQuoted(Double.toString(d), Double.isFinite(d));
    return this;
  }

  public JsonWriter nullValue() {
    beforeValue();
    out.append("null");
    return this;
  }

  /** A tree as the mapper writes it. */
  public JsonWriter tree(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      nullValue();
    } else if (node.isObject()) {
      startObject();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        name(field.getKey());
        tree(field.getValue());
      }
      endObject();
    } else if (node.isArray()) {
      startArray();
      for (JsonNode element : node) {
        tree(element);
      }
      endArray();
    } else if (node.isTextual()) {
      value(node.textValue());
    } else if (node.isBoolean()) {
      value(node.booleanValue());
    } else if (node.isNumber()) {
      number(node);
    } else {
      throw new IllegalArgumentException("no JSON for a " + node.getNodeType() + " node");
    }
    return this;
  }

  private void open() {
    if (depth == entries.length) {
      entries = Arrays.copyOf(entries, depth * 2);
    }
    entries[depth++] = false;
  }

  /** The separator before a value in an array (none after a name or at the root). */
  private void beforeValue() {
    if (afterName) {
      afterName = false;
    } else if (depth > 0) {
      if (entries[depth - 1]) {
        out.append(',');
      }
      entries[depth - 1] = true;
      if (indented) {
        out.append(' ');
      }
    }
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
      value(node.doubleValue());
    } else if (node.isFloat()) {
      value(node.floatValue());
    } else if (node.isBigDecimal()) {
      beforeValue();
      out.append(node.decimalValue().toString());
    } else if (node.isBigInteger()) {
      beforeValue();
      out.append(node.bigIntegerValue().toString());
    } else if (node.isLong()) {
      value(node.longValue());
    } else if (node.isInt() || node.isShort()) {
      value(node.intValue());
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

  /** A string; most need no escape, and the escaping is apart so that this stays small. */
  private void string(String s) {
    out.append('"');
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || utf8 && Character.isSurrogate(c)) {
        escaped(s, i);
        return;
      }
    }
    out.append(s).append('"');
  }

  /** The rest of a string from its first char to escape, {@code from}, and the closing quote. */
  private void escaped(String s, int from) {
    int n = s.length();
    out.append(s, 0, from);
    int plain = from;
    for (int i = from; i < n; i++) {
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
