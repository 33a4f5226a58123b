package io.tensorspace.convert.keras;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.util.List;

/** The layer groups and weight datasets of a Keras weights group, as one HDF5 reader reads them. */
interface WeightsGroup {
  /** The layers' names, in {@code layer_names} order (or the group's, when it has none). */
  List<String> layerNames() throws ConversionException;

  /** The reader has started on the {@code index}th layer (a prefetch may stop there). */
  default void reached(int index) {}

  /** The stored names of {@code layer}'s weights, in {@code weight_names} order. */
  List<String> weightNames(String layer) throws ConversionException;

  /** The {@code index}th weight of {@code layer}, stored as {@code storedName}, as {@code name}. */
  Weight weight(String layer, int index, String storedName, String name)
      throws ConversionException;
}
