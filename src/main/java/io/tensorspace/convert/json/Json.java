package io.tensorspace.convert.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The converter's one Jackson mapper. Each mapper builds its own serializers and deserializers on
 * first use, so a mapper per class paid that several times per conversion; a configured mapper is
 * thread-safe, so the companion-file thread and parallel conversions share it.
 */
public final class Json {
  /** Reads trees and writes compact JSON. */
  public static final ObjectMapper MAPPER = new ObjectMapper();
  /** Writes JSON indented as {@link SerializationFeature#INDENT_OUTPUT} does. */
  public static final ObjectWriter INDENTED = MAPPER.writer(SerializationFeature.INDENT_OUTPUT);

  private Json() {}
}
