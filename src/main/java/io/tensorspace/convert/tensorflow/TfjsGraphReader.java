package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.file.Path;

/** Reads TensorFlow.js graph-models: model.json with shards, and the old 0.x .pb format. */
final class TfjsGraphReader {
  TfGraph readJson(Path modelJson) throws ConversionException, IOException {
    throw new ConversionException(modelJson + ": TensorFlow.js graph-models are not supported yet.");
  }

  TfGraph readOldFormat(Path pb) throws ConversionException, IOException {
    throw new ConversionException(pb + ": TensorFlow.js 0.x graph-models are not supported yet.");
  }
}
