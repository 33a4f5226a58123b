package io.tensorspace.convert.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pull tokenizer over JSON bytes that accepts and refuses what Jackson 2.20's default parser
 * does, and decodes what it accepts to the same text: jackson-core's parser machinery (factory,
 * features, buffer recyclers, symbol tables: ~90 classes) cost a fresh Maven JVM ~40 ms before the
 * first model.json was read. Jackson's default limits stay ({@code StreamReadConstraints}): 1000
 * levels of nesting, numbers of 1000 digits, strings of 20 million chars, names of 50000 bytes.
 * A caller that stops after the first value leaves the rest unread, as {@code ObjectMapper.readTree}
 * does; one that calls {@link #next()} on reads further root values, as Jackson's parser does.
 */
public final class JsonTokenizer {
  /** What {@link #next()} found. */
  public enum Token {
    START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY, NAME, STRING, INT, FLOAT, TRUE, FALSE, NULL;

    public boolean isStructStart() {
      return this == START_OBJECT || this == START_ARRAY;
    }

    public boolean isScalar() {
      return ordinal() >= STRING.ordinal();
    }

    public boolean isNumber() {
      return this == INT || this == FLOAT;
    }

    public boolean isBoolean() {
      return this == TRUE || this == FALSE;
    }
  }

  static final int MAX_DEPTH = 1000;
  static final int MAX_NUMBER_LENGTH = 1000;
  static final int MAX_STRING_LENGTH = 20_000_000;
  static final int MAX_NAME_BYTES = 50_000;

  private final byte[] in;
  private final int end;
  /**
   * Whether the bytes encode text (a String, or a UTF-16/32 file) that Jackson reads with its
   * char parser, which judges a few things on chars where its byte parser judges bytes.
   */
  private final boolean fromText;
  private int pos;
  private int line = 1;
  private int lineStart;
  /** Per open container, outermost first: whether it is an object. */
  private boolean[] objects = new boolean[32];
  private int depth;
  /** Whether the innermost container is an object (false at the root): objects[depth - 1]. */
  private boolean inObject;
  /** Whether the innermost container has an entry already, so a comma must come first. */
  private boolean hasEntry;
  private Token current;
  /** The current name or string; null while {@link #skipChildren()} skips. */
  private String text;
  /** Whether {@link #skipChildren()} is skipping: strings are checked, not kept. */
  private boolean skipping;
  private int numberStart;
  private int numberEnd;
  /** What {@link #mark()} saved: position, line, nesting and the current token. */
  private int markPos;
  private int markLine;
  private int markLineStart;
  private int markDepth;
  private boolean markInObject;
  private boolean markHasEntry;
  private Token markCurrent;

  private JsonTokenizer(byte[] in, int start, boolean fromText) {
    this.in = in;
    this.fromText = fromText;
    this.end = in.length;
    this.pos = start;
    this.lineStart = start;
  }

  /**
   * The bytes of a JSON file, refused when over what this reader reads. Here rather than in
   * {@link Json}, whose first use loads Jackson's tree classes, which a reader of tokens needs not.
   */
  public static byte[] fileBytes(Path file) throws IOException {
    if (Files.size(file) > Integer.MAX_VALUE - 16) {
      throw new JsonSyntaxException("a JSON file over 2 GiB, more than this reader reads", 1, 1);
    }
    return Files.readAllBytes(file);
  }

  /** The tokens of a file's bytes, in the encoding Jackson detects (UTF-8 unless zero bytes say otherwise). */
  public static JsonTokenizer of(byte[] bytes) throws JsonSyntaxException {
    return JsonEncodings.tokenizer(bytes);
  }

  /** The tokens of text, as Jackson's parser of a String reads it. */
  public static JsonTokenizer of(String text) {
    return new JsonTokenizer(JsonEncodings.cesu8(text), 0, true);
  }

  /** Tokens of UTF-8 bytes from {@code start}. */
  static JsonTokenizer utf8(byte[] bytes, int start) {
    return new JsonTokenizer(bytes, start, false);
  }

  /** The token last returned by {@link #next()}. */
  public Token current() {
    return current;
  }

  /** The current name, or the current string's text. */
  public String text() {
    return text;
  }

  /** The current number as written in the input. */
  public String numberText() {
    return new String(in, numberStart, numberEnd - numberStart, StandardCharsets.ISO_8859_1);
  }

  /** The next token; null at the end of the input after the last root value. */
  public Token next() throws JsonSyntaxException {
    // each white space skip is called only at white space: compact JSON has none, and a call
    // costs the interpreter more than the test
    int c = pos < end ? in[pos] & 0xFF : -1;
    if (current == Token.NAME) {
      return current = value(c > ' ' ? c : spaceThenByte("a value"));
    }
    if (c <= ' ') {
      c = skipSpace();
    }
    if (c < 0) {
      if (depth > 0) {
        throw error("unexpected end of input in " + (inObject ? "an object" : "an array"));
      }
      return current = null;
    }
    if (c == ']' || c == '}') {
      return current = close(c);
    }
    if (depth > 0 && hasEntry) {
      if (c != ',') {
        throw unexpected(c, "expected ',' or '" + (inObject ? '}' : ']') + "'");
      }
      c = ++pos < end ? in[pos] & 0xFF : -1;
      if (c <= ' ') {
        c = spaceThenByte(inObject ? "a name" : "a value");
      }
    }
    hasEntry = true;
    if (inObject) {
      if (c != '"') {
        throw unexpected(c, "expected '\"' to start a name");
      }
      text = string(true);
      int colon = pos < end ? in[pos] & 0xFF : -1;
      if (colon <= ' ') {
        colon = spaceThenByte("':'");
      }
      if (colon != ':') {
        throw unexpected(colon, "expected ':' after a name");
      }
      pos++;
      return current = Token.NAME;
    }
    return current = value(c);
  }

  /**
   * Remembers where the tokenizer is, for {@link #reset()}: a reader that finds a value it does not
   * read itself comes back to read it again another way. One mark at a time.
   */
  public void mark() {
    markPos = pos;
    markLine = line;
    markLineStart = lineStart;
    markDepth = depth;
    markInObject = inObject;
    markHasEntry = hasEntry;
    markCurrent = current;
  }

  /**
   * Goes back to the last {@link #mark()}, which must lie inside the container the tokenizer is
   * in (or in one it has opened since), so that the nesting it recorded still holds.
   */
  public void reset() {
    pos = markPos;
    line = markLine;
    lineStart = markLineStart;
    depth = markDepth;
    inObject = markInObject;
    hasEntry = markHasEntry;
    current = markCurrent;
  }

  /** Skips the current container's remaining tokens when at its start; else does nothing. */
  public void skipChildren() throws JsonSyntaxException {
    if (current == null || !current.isStructStart()) {
      return;
    }
    int level = depth;
    skipping = true;
    try {
      while (depth >= level) {
        next();
      }
    } finally {
      skipping = false;
    }
  }

  private Token value(int c) throws JsonSyntaxException {
    switch (c) {
      case '"' -> {
        text = string(false);
        return Token.STRING;
      }
      case '[' -> {
        open(false);
        return Token.START_ARRAY;
      }
      case '{' -> {
        open(true);
        return Token.START_OBJECT;
      }
      case 't' -> {
        literal("true");
        return Token.TRUE;
      }
      case 'f' -> {
        literal("false");
        return Token.FALSE;
      }
      case 'n' -> {
        literal("null");
        return Token.NULL;
      }
      default -> {
        if (c == '-' || c >= '0' && c <= '9') {
          return number();
        }
        throw unexpected(c, "expected a value");
      }
    }
  }

  private void open(boolean object) throws JsonSyntaxException {
    if (depth == MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }
    if (depth == objects.length) {
      objects = java.util.Arrays.copyOf(objects, depth * 2);
    }
    objects[depth++] = object;
    inObject = object;
    pos++;
    hasEntry = false;
  }

  private Token close(int c) throws JsonSyntaxException {
    boolean object = c == '}';
    if (depth == 0 || inObject != object) {
      throw unexpected(c, depth == 0 ? "no container to close"
          : "expected '" + (inObject ? '}' : ']') + "' to close the " + (inObject ? "object"
              : "array"));
    }
    depth--;
    inObject = depth > 0 && objects[depth - 1];
    pos++;
    hasEntry = true;
    return object ? Token.END_OBJECT : Token.END_ARRAY;
  }

  /**
   * A literal; what follows must not be a Java identifier part. Jackson's byte parser refuses
   * any non-ASCII byte there (its decoder rereads the lead byte as the second); its char parser
   * tests the char.
   */
  private void literal(String word) throws JsonSyntaxException {
    int n = word.length();
    for (int i = 0; i < n; i++) {
      if (pos + i >= end || in[pos + i] != word.charAt(i)) {
        throw error("unrecognized token (expected '" + word + "')");
      }
    }
    pos += n;
    if (pos < end) {
      int b = in[pos] & 0xFF;
      if (b >= '0' && b != ']' && b != '}'
          && (b >= 0x80 && !fromText || Character.isJavaIdentifierPart(charAt(pos)))) {
        throw error("unrecognized token '" + word + "...' (expected '" + word + "')");
      }
    }
  }

  /** The char the UTF-8 sequence at {@code at} decodes to. */
  private char charAt(int at) throws JsonSyntaxException {
    int c = in[at] & 0xFF;
    if (c < 0x80) {
      return (char) c;
    }
    int needed = continuations(c, at);
    c &= needed == 1 ? 0x1F : needed == 2 ? 0x0F : 0x07;
    for (int i = 1; i <= needed; i++) {
      c = (c << 6) | continuation(at + i);
    }
    return (char) c;
  }

  /** How many continuation bytes the lead byte {@code c} at {@code at} announces. */
  private int continuations(int c, int at) throws JsonSyntaxException {
    if ((c & 0xE0) == 0xC0) {
      return 1;
    }
    if ((c & 0xF0) == 0xE0) {
      return 2;
    }
    if ((c & 0xF8) == 0xF0) {
      return 3;
    }
    pos = at;
    throw error("invalid UTF-8 start byte " + hexByte(c));
  }

  /** The low 6 bits of the continuation byte at {@code at}. */
  private int continuation(int at) throws JsonSyntaxException {
    if (at >= end) {
      pos = end;
      throw error("unexpected end of input in a UTF-8 sequence");
    }
    int d = in[at];
    if ((d & 0xC0) != 0x80) {
      pos = at;
      throw error("invalid UTF-8 middle byte " + hexByte(d & 0xFF));
    }
    return d & 0x3F;
  }

  /**
   * A number, mirroring Jackson's grammar: no leading zeros, digits after '.' and after the
   * exponent's sign; at the root it must be followed by white space or the end.
   */
  private Token number() throws JsonSyntaxException {
    numberStart = pos;
    if (in[pos] == '-') {
      pos++;
      if (pos >= end) {
        throw error("unexpected end of input in a number");
      }
      if (!digit(in[pos])) {
        throw unexpected(in[pos] & 0xFF, "expected a digit after '-'");
      }
    }
    if (in[pos] == '0' && pos + 1 < end && digit(in[pos + 1])) {
      throw error("leading zeroes are not allowed in a number");
    }
    int intLength = digits();
    boolean floating = false;
    int fractionLength = 0;
    int exponentLength = 0;
    if (pos < end && in[pos] == '.') {
      floating = true;
      pos++;
      fractionLength = digits();
      if (fractionLength == 0) {
        throw error("decimal point not followed by a digit");
      }
    }
    if (pos < end && (in[pos] | 0x20) == 'e') {
      floating = true;
      pos++;
      if (pos < end && (in[pos] == '+' || in[pos] == '-')) {
        pos++;
      }
      if (pos >= end) {
        throw error("unexpected end of input in a number's exponent");
      }
      exponentLength = digits();
      if (exponentLength == 0) {
        throw error("exponent indicator not followed by a digit");
      }
    }
    numberEnd = pos;
    int length = intLength + fractionLength + exponentLength;
    if (fromText && floating && pos == end && (fractionLength == 0 || exponentLength == 0)) {
      // Jackson's char parser, for a number that runs to the end of its input, counts a missing
      // fraction or exponent as -1 digits
      length--;
    }
    if (length > MAX_NUMBER_LENGTH) {
      throw error("a number longer than " + MAX_NUMBER_LENGTH + " digits");
    }
    if (depth == 0 && pos < end) {
      int b = in[pos];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        throw unexpected(b & 0xFF, "expected white space after a root-level number");
      }
    }
    return floating ? Token.FLOAT : Token.INT;
  }

  private int digits() {
    final byte[] in = this.in;
    int start = pos;
    int p = start;
    while (p < end && in[p] >= '0' && in[p] <= '9') {
      p++;
    }
    pos = p;
    return p - start;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  /**
   * The string starting at the quote at {@code pos}. Escapes and UTF-8 decode as in Jackson,
   * which checks continuation bytes but neither overlong forms nor surrogates.
   */
  private String string(boolean name) throws JsonSyntaxException {
    final byte[] in = this.in;
    final int end = this.end;
    int start = pos + 1;
    int p = start;
    while (p < end) {
      byte b = in[p];
      if (b == '"') {
        pos = p + 1;
        if (skipping && p - start <= MAX_NAME_BYTES) {
          return null; // a skipped ASCII string within both limits: nothing to check or keep
        }
        String s = new String(in, start, p - start, StandardCharsets.ISO_8859_1);
        // ASCII: as many chars as bytes, and within both limits unless longer than a name's
        return s.length() > MAX_NAME_BYTES ? checkLength(s, name, s.length()) : s;
      }
      if (b == '\\' || b < 0x20) {
        break;
      }
      p++;
    }
    pos = p;
    StringBuilder out = new StringBuilder(pos - start + 16);
    out.append(new String(in, start, pos - start, StandardCharsets.ISO_8859_1));
    int utf8Length = pos - start;
    while (true) {
      if (pos >= end) {
        throw error("unexpected end of input in a " + (name ? "name" : "string"));
      }
      int c = in[pos] & 0xFF;
      if (c == '"') {
        pos++;
        return checkLength(out.toString(), name, utf8Length);
      }
      if (c == '\\') {
        char e = escape();
        out.append(e);
        utf8Length += e < 0x80 ? 1 : e < 0x800 ? 2 : 3;
      } else if (c < 0x20) {
        throw error("unescaped control character " + hexByte(c) + " in a "
            + (name ? "name" : "string"));
      } else if (c < 0x80) {
        out.append((char) c);
        pos++;
        utf8Length++;
      } else {
        int at = pos;
        int needed = continuations(c, at);
        c &= needed == 1 ? 0x1F : needed == 2 ? 0x0F : 0x07;
        for (int i = 1; i <= needed; i++) {
          c = (c << 6) | continuation(at + i);
        }
        pos = at + needed + 1;
        utf8Length += needed + 1;
        if (needed < 3) {
          out.append((char) c);
        } else {
          // Jackson's string and name decoders differ for overlong 4-byte forms ('|' and '+')
          c -= 0x10000;
          out.append((char) (name ? 0xD800 + (c >> 10) : 0xD800 | (c >> 10)));
          out.append((char) (0xDC00 | (c & 0x3FF)));
        }
      }
    }
  }

  private String checkLength(String s, boolean name, int utf8Length) throws JsonSyntaxException {
    // Jackson's byte parser limits a name's UTF-8 bytes, its char parser the name's chars
    int nameLength = fromText ? s.length() : utf8Length;
    if (name ? nameLength > MAX_NAME_BYTES : s.length() > MAX_STRING_LENGTH) {
      throw error(name ? "a name longer than " + MAX_NAME_BYTES + " bytes"
          : "a string longer than " + MAX_STRING_LENGTH + " characters");
    }
    return s;
  }

  /** The char of the escape at the backslash at {@code pos}. */
  private char escape() throws JsonSyntaxException {
    if (++pos >= end) {
      throw error("unexpected end of input in an escape");
    }
    int c = in[pos++];
    switch (c) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case '"', '/', '\\':
        return (char) c;
      case 'u':
        break;
      default:
        pos--;
        throw error("unrecognized escape '\\" + printable(c & 0xFF) + "'");
    }
    int value = 0;
    for (int i = 0; i < 4; i++) {
      if (pos >= end) {
        throw error("unexpected end of input in an escape");
      }
      value = (value << 4) | hexDigit();
    }
    return (char) value;
  }

  /**
   * The hex digit at {@code pos}. Jackson's char parser looks up only a char's low byte, so for
   * it any char whose low byte is a hex digit is one.
   */
  private int hexDigit() throws JsonSyntaxException {
    int b = in[pos] & 0xFF;
    int length = 1;
    if (b >= 0x80 && fromText) {
      b = charAt(pos) & 0xFF;
      length = (in[pos] & 0xE0) == 0xC0 ? 2 : 3;
    }
    int digit = hex(b);
    if (digit < 0) {
      throw unexpected(in[pos] & 0xFF, "expected a hex digit in a \\u escape");
    }
    pos += length;
    return digit;
  }

  private static int hex(int b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int lower = b | 0x20;
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  /** Skips white space; the byte after it, or -1 at the end. */
  private int skipSpace() throws JsonSyntaxException {
    final byte[] in = this.in;
    final int end = this.end;
    int p = pos;
    while (p < end) {
      int b = in[p] & 0xFF;
      if (b > ' ') {
        pos = p;
        return b;
      }
      p++;
      if (b == '\n') {
        line++;
        lineStart = p;
      } else if (b == '\r') {
        if (p < end && in[p] == '\n') {
          p++;
        }
        line++;
        lineStart = p;
      } else if (b != ' ' && b != '\t') {
        pos = p - 1;
        throw error("control character " + hexByte(b) + " outside a string");
      }
    }
    pos = p;
    return -1;
  }

  private int spaceThenByte(String expected) throws JsonSyntaxException {
    int c = skipSpace();
    if (c < 0) {
      throw error("unexpected end of input, expected " + expected);
    }
    return c;
  }

  private JsonSyntaxException unexpected(int c, String expected) {
    return error("unexpected character '" + printable(c) + "' (code " + c + "), " + expected);
  }

  private static String printable(int c) {
    return c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : hexByte(c);
  }

  private static String hexByte(int b) {
    return "0x" + Character.forDigit(b >> 4, 16) + Character.forDigit(b & 0xF, 16);
  }

  private JsonSyntaxException error(String what) {
    return new JsonSyntaxException(what, line, pos - lineStart + 1);
  }
}
