package io.tensorspace.convert.json;

import java.io.IOException;

/** JSON text that {@link JsonTokenizer} refuses: what is wrong, and where (1-based line, column). */
public final class JsonSyntaxException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final int line;
  private final int column;

  JsonSyntaxException(String what, int line, int column) {
    super(what + " (at line " + line + ", column " + column + ")");
    this.what = what;
    this.line = line;
    this.column = column;
  }

  /** What is wrong, without the position. */
  public String what() {
    return what;
  }

  public int line() {
    return line;
  }

  /** The byte column in the line, as Jackson's byte parser counts it. */
  public int column() {
    return column;
  }
}
