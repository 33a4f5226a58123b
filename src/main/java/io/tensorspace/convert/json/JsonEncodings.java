package io.tensorspace.convert.json;

import java.nio.charset.StandardCharsets;

/**
 * The encodings {@link JsonTokenizer} reads as Jackson does: a file's encoding is detected from a
 * byte order mark or from the zero bytes of its first (ASCII) chars, UTF-8 otherwise; UTF-16 and
 * UTF-32 are decoded to text first, which is read as Jackson's parser of text reads it.
 */
final class JsonEncodings {
  private JsonEncodings() {}

  static JsonTokenizer tokenizer(byte[] b) throws JsonSyntaxException {
    if (b.length >= 4) {
      int quad = (b[0] << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
      switch (quad) {
        case 0x0000FEFF -> {
          return text(utf32(b, 4, true));
        }
        case 0xFFFE0000 -> {
          return text(utf32(b, 4, false));
        }
        case 0x0000FFFE, 0xFEFF0000 -> throw unsupported();
        default -> { }
      }
      int first16 = quad >>> 16;
      if (first16 == 0xFEFF) {
        return text(new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE));
      }
      if (first16 == 0xFFFE) {
        return text(new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE));
      }
      if ((quad >>> 8) == 0xEFBBBF) {
        return JsonTokenizer.utf8(b, 3);
      }
      if ((quad >> 8) == 0) {
        return text(utf32(b, 0, true));
      }
      if ((quad & 0x00FFFFFF) == 0) {
        return text(utf32(b, 0, false));
      }
      if ((quad & ~0x00FF0000) == 0 || (quad & ~0x0000FF00) == 0) {
        throw unsupported();
      }
      return utf16(b, first16);
    }
    return b.length >= 2 ? utf16(b, ((b[0] & 0xFF) << 8) | (b[1] & 0xFF)) : JsonTokenizer.utf8(b, 0);
  }

  /** UTF-16 when one of the first two bytes is zero, UTF-8 otherwise. */
  private static JsonTokenizer utf16(byte[] b, int first16) {
    if ((first16 & 0xFF00) == 0) {
      return text(new String(b, StandardCharsets.UTF_16BE));
    }
    if ((first16 & 0x00FF) == 0) {
      return text(new String(b, StandardCharsets.UTF_16LE));
    }
    return JsonTokenizer.utf8(b, 0);
  }

  private static JsonTokenizer text(String text) {
    return JsonTokenizer.of(text);
  }

  /** UTF-32 as Jackson's reader decodes it: code points above 0x10FFFF are refused. */
  private static String utf32(byte[] b, int start, boolean bigEndian) throws JsonSyntaxException {
    StringBuilder out = new StringBuilder((b.length - start) / 4);
    int i = start;
    for (; i + 4 <= b.length; i += 4) {
      int hi = bigEndian ? ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF)
          : (b[i + 2] & 0xFF) | ((b[i + 3] & 0xFF) << 8);
      int lo = bigEndian ? ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF)
          : (b[i] & 0xFF) | ((b[i + 1] & 0xFF) << 8);
      if (hi != 0) {
        if (hi > 0x10) {
          throw new JsonSyntaxException("invalid UTF-32 character 0x"
              + Integer.toHexString((hi << 16) | lo) + " (above 0x10ffff)", 1, i / 4 + 1);
        }
        int c = ((hi - 1) << 16) | lo;
        out.append((char) (0xD800 + (c >> 10)));
        lo = 0xDC00 | (c & 0x3FF);
      }
      out.append((char) lo);
    }
    if (i != b.length) {
      throw new JsonSyntaxException("unexpected end of input in a UTF-32 character", 1, i / 4 + 1);
    }
    return out.toString();
  }

  private static JsonSyntaxException unsupported() {
    return new JsonSyntaxException("unsupported UCS-4 byte order (2143 or 3412)", 1, 1);
  }

  /**
   * Text as bytes for the UTF-8 tokenizer, each char on its own (a surrogate as three bytes):
   * the tokenizer's decoder gives the same chars back, lone surrogates included, and a literal
   * followed by a supplementary char is judged on its first surrogate, as Jackson's text parser
   * judges it.
   */
  static byte[] cesu8(String text) {
    int n = text.length();
    int length = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      length += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    if (length == n) {
      return text.getBytes(StandardCharsets.ISO_8859_1);
    }
    byte[] out = new byte[length];
    int o = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        out[o++] = (byte) c;
      } else if (c < 0x800) {
        out[o++] = (byte) (0xC0 | (c >> 6));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      } else {
        out[o++] = (byte) (0xE0 | (c >> 12));
        out[o++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        out[o++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return out;
  }
}
