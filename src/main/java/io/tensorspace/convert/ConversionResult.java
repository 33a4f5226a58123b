package io.tensorspace.convert;

import java.nio.file.Path;
import java.util.List;

/**
 * What a conversion wrote.
 *
 * @param outputDirectory the folder holding model.json
 * @param outputs the exposed layers, in the model's output order
 * @param weightBytes bytes of weights written
 */
public record ConversionResult(Path outputDirectory, List<String> outputs, long weightBytes) {
  public ConversionResult {
    outputs = List.copyOf(outputs);
  }
}
