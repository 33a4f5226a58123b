package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;

/** Test access to the config stage of the Keras readers, for tests in other packages. */
public final class KerasConfigs {
  private KerasConfigs() {}

  /**
   * A model config as the Keras HDF5 reader hands it on (Keras 1 translated, Keras 3 normalised),
   * given the {@code keras_version} the file would carry.
   */
  public static JsonNode asRead(Path file, String kerasVersion, JsonNode modelConfig)
      throws ConversionException {
    return KerasH5Reader.kerasTwoConfig(file, kerasVersion, modelConfig);
  }
}
