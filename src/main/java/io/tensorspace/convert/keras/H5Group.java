package io.tensorspace.convert.keras;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.Set;

/** A group of a Keras 3 weights file, as one of the two HDF5 readers reads it. */
interface H5Group {
  /** The member group {@code name}, or null when there is none (or it is a dataset). */
  H5Group group(String name);

  /** The members' names. */
  Set<String> memberNames();

  /** Whether member {@code name} is a dataset. */
  boolean isDataset(String name);

  /** Member {@code name}'s path in the file, for messages. */
  String path(String name);

  /** Dataset member {@code name} of {@code weightsFile} (from {@code archive}) as the weight {@code weight}. */
  Weight weight(Path archive, Path weightsFile, String name, String weight)
      throws ConversionException;
}
