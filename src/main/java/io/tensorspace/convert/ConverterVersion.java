package io.tensorspace.convert;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This converter's version, recorded in every model it writes and in its up-to-date checks. */
public final class ConverterVersion {
  private static final String VERSION = load();

  private ConverterVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = ConverterVersion.class.getResourceAsStream("version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
