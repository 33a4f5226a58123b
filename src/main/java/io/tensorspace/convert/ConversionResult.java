package io.tensorspace.convert;

import java.nio.file.Path;
import java.util.List;

/**
 * What a conversion wrote.
 *
 * @param outputDirectory the folder holding model.json
 * @param outputs the exposed layers, in the model's output order
 * @param weightBytes bytes of weights written
 * @param warnings what the user should know about the result (e.g. float16 needs tfjs 2), for the log
 */
public record ConversionResult(
    Path outputDirectory, List<String> outputs, long weightBytes, List<String> warnings) {
  public ConversionResult {
    outputs = List.copyOf(outputs);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** A result without warnings. */
  public ConversionResult(Path outputDirectory, List<String> outputs, long weightBytes) {
    this(outputDirectory, outputs, weightBytes, List.of());
  }
}
