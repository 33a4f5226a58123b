package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** Reads a TF1 or TF2 SavedModel: one signature, variables frozen from the checkpoint. */
final class SavedModelReader {
  private final String signature;
  private final Set<String> tags;

  SavedModelReader(String signature, Set<String> tags) {
    this.signature = signature;
    this.tags = tags;
  }

  TfGraph read(Path savedModelPb) throws ConversionException, IOException {
    throw new ConversionException(savedModelPb + ": SavedModels are not supported yet.");
  }
}
