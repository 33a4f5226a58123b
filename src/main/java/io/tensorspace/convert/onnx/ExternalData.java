package io.tensorspace.convert.onnx;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.tfjs.layers.ConfinedPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Initializers stored outside the .onnx file ({@code data_location = EXTERNAL}): the file named by
 * {@code location} must sit in the model's folder, under the rule tfjs weight paths follow.
 */
final class ExternalData {
  private ExternalData() {}

  static OnnxTensor tensor(Path model, String name, long[] dims, int type, long expected,
      Map<String, String> entries) throws ConversionException, IOException {
    String location = entries.get("location");
    Path data = ConfinedPaths.resolve(model, location, "external data of tensor '" + name + "'",
        "ONNX external data files must sit in the .onnx file's folder (or below it)");
    long offset = number(model, name, entries, "offset", 0);
    long size = Files.size(data);
    long length = number(model, name, entries, "length", size - offset);
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new ConversionException(model + ": tensor '" + name + "' is refused: its external data"
          + " (offset " + offset + ", length " + length + ") lies outside " + data + " ("
          + size + " bytes). Export the model again.");
    }
    if (expected >= 0 && length != expected) {
      throw new ConversionException(model + ": tensor '" + name + "' is refused: its shape and type"
          + " need " + expected + " bytes but its external data holds " + length
          + ". Export the model again.");
    }
    return OnnxTensor.inFile(name, dims, type, data, offset, length);
  }

  private static long number(Path model, String name, Map<String, String> entries, String key,
      long fallback) throws ConversionException {
    String value = entries.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ConversionException(model + ": tensor '" + name + "' has external data " + key
          + " '" + value + "', which is not a number. Export the model again.");
    }
  }
}
