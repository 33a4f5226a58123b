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
 * @param minimumTfjsVersion the oldest TensorFlow.js that loads the result ({@code 1.7.4} unless a
 *     layer or setting needs more)
 */
public record ConversionResult(Path outputDirectory, List<String> outputs, long weightBytes,
    List<String> warnings, String minimumTfjsVersion) {
  /** The TensorFlow.js line TensorSpace 0.6.1 ships, and the oldest this plugin tests. */
  public static final String BASELINE_TFJS = "1.7.4";

  public ConversionResult {
    outputs = List.copyOf(outputs);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    minimumTfjsVersion = minimumTfjsVersion == null ? BASELINE_TFJS : minimumTfjsVersion;
  }

  /** A result that loads in the baseline TensorFlow.js. */
  public ConversionResult(
      Path outputDirectory, List<String> outputs, long weightBytes, List<String> warnings) {
    this(outputDirectory, outputs, weightBytes, warnings, BASELINE_TFJS);
  }

  /** A result without warnings. */
  public ConversionResult(Path outputDirectory, List<String> outputs, long weightBytes) {
    this(outputDirectory, outputs, weightBytes, List.of(), BASELINE_TFJS);
  }

  /** Whether TensorSpace's own TensorFlow.js 1.x can load the result. */
  public boolean loadsInTfjs1() {
    return minimumTfjsVersion.startsWith("1.");
  }
}
