package io.tensorspace.convert;

/**
 * A problem with the user's input: an unreadable or unsupported model, a wrong layer name, a bad setting.
 * The message is meant to be shown as is: it names the file, what is wrong and what to do.
 */
public final class ConversionException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConversionException(String message) {
    super(message);
  }

  public ConversionException(String message, Throwable cause) {
    super(message, cause);
  }
}
