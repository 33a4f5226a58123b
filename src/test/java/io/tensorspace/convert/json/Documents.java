package io.tensorspace.convert.json;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random valid JSON documents for comparing our reader and writer with Jackson: nested containers,
 * repeated keys, integers of every width, decimals and exponents of every form (including ones
 * past double's range), strings with every escape, raw and escaped non-ASCII and surrogates, and
 * white space of every kind between tokens.
 */
final class Documents {
  private static final String[] SPACES = {"", "", "", " ", "\t", "\n", "\r\n", "\r", "  \n\t "};
  private static final String[] SHORT_ESCAPES = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n",
      "\\r", "\\t"};
  private static final String[] RAW = {"\u00e9", "\u20ac", "\u4e2d", "\ud83d\ude00", "\u007f",
      "\u0080", "\u07ff", "\u0800", "\uffff", "\ud834\udd1e", "\u2028"};

  private Documents() {}

  static List<String> generate(Random random, int count) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder text = new StringBuilder();
      space(random, text);
      value(random, text, 0, random.nextInt(7));
      space(random, text);
      texts.add(text.toString());
    }
    return texts;
  }

  private static void value(Random random, StringBuilder out, int depth, int maxDepth) {
    int kind = random.nextInt(depth >= maxDepth ? 5 : 7);
    switch (kind) {
      case 0 -> integer(random, out);
      case 1 -> decimal(random, out);
      case 2 -> string(random, out);
      case 3 -> out.append(random.nextInt(3) == 0 ? "null" : random.nextBoolean() ? "true" : "false");
      case 4 -> out.append(random.nextBoolean() ? random.nextDouble() * 1e-5
          : random.nextGaussian() * Math.pow(10, random.nextInt(40)));
      case 5 -> {
        out.append('[');
        for (int n = random.nextInt(5), i = 0; i < n; i++) {
          space(random, out);
          out.append(i == 0 ? "" : ",");
          space(random, out);
          value(random, out, depth + 1, maxDepth);
        }
        space(random, out);
        out.append(']');
      }
      default -> {
        out.append('{');
        for (int n = random.nextInt(6), i = 0; i < n; i++) {
          space(random, out);
          out.append(i == 0 ? "" : ",");
          space(random, out);
          if (random.nextInt(3) == 0) {
            string(random, out);
          } else {
            out.append("\"k").append(random.nextInt(4)).append('"');
          }
          space(random, out);
          out.append(':');
          space(random, out);
          value(random, out, depth + 1, maxDepth);
        }
        space(random, out);
        out.append('}');
      }
    }
  }

  private static void integer(Random random, StringBuilder out) {
    if (random.nextBoolean()) {
      out.append('-');
    }
    int digits = random.nextInt(8) == 0 ? 1 + random.nextInt(60) : 1 + random.nextInt(21);
    if (digits == 1) {
      out.append(random.nextInt(10));
      return;
    }
    out.append(1 + random.nextInt(9));
    for (int i = 1; i < digits; i++) {
      out.append(random.nextInt(10));
    }
  }

  private static void decimal(Random random, StringBuilder out) {
    if (random.nextInt(3) == 0) {
      out.append('0');
      if (random.nextBoolean()) {
        out.insert(out.length() - 1, '-');
      }
    } else {
      integer(random, out);
    }
    boolean fraction = random.nextBoolean();
    if (fraction) {
      out.append('.');
      for (int n = 1 + random.nextInt(random.nextInt(6) == 0 ? 40 : 18), i = 0; i < n; i++) {
        out.append(random.nextInt(10));
      }
    }
    if (!fraction || random.nextBoolean()) {
      out.append(random.nextBoolean() ? 'e' : 'E');
      out.append(new String[] {"", "+", "-"}[random.nextInt(3)]);
      if (random.nextInt(5) == 0) {
        out.append('0');
      }
      out.append(random.nextInt(random.nextInt(4) == 0 ? 500 : 40));
    }
  }

  private static void string(Random random, StringBuilder out) {
    out.append('"');
    for (int n = random.nextInt(random.nextInt(10) == 0 ? 200 : 12), i = 0; i < n; i++) {
      switch (random.nextInt(6)) {
        case 0 -> out.append(SHORT_ESCAPES[random.nextInt(SHORT_ESCAPES.length)]);
        case 1 -> {
          String hex = String.format("%04x", random.nextInt(4) == 0
              ? 0xD800 + random.nextInt(0x800) : random.nextInt(random.nextBoolean() ? 0x80 : 0x10000));
          out.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase());
        }
        case 2 -> out.append(RAW[random.nextInt(RAW.length)]);
        case 3 -> {
          char c = (char) (0x80 + random.nextInt(0xFF80));
          out.append(Character.isSurrogate(c) ? 'x' : c);
        }
        default -> {
          char c = (char) (0x20 + random.nextInt(0x5F));
          out.append(c == '"' || c == '\\' ? 'q' : c);
        }
      }
    }
    out.append('"');
  }

  private static void space(Random random, StringBuilder out) {
    out.append(SPACES[random.nextInt(SPACES.length)]);
  }
}
