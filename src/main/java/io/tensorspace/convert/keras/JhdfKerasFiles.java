package io.tensorspace.convert.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.keras.KerasH5Reader.Content;
import io.tensorspace.convert.keras.KerasH5Reader.Version;
import io.tensorspace.convert.model.LayersModel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras HDF5 files read through jHDF, which reads all of HDF5: the files {@link KerasH5Reader}'s
 * small reader does not read, and every file whose reading failed, so that what is wrong with a
 * file is reported as jHDF finds it.
 */
final class JhdfKerasFiles {
  private JhdfKerasFiles() {}

  /** As {@link KerasH5Reader#content}. */
  static Content content(Path file) {
    try (HdfFile hdf = H5Files.open(file)) {
      if (H5Attributes.has(hdf, "model_config")) {
        return Content.MODEL;
      }
      return H5Attributes.has(hdf, "layer_names") ? Content.WEIGHTS_ONLY : Content.NO_MODEL;
    } catch (IOException | RuntimeException e) {
      return Content.MODEL;
    }
  }

  /** As {@link KerasH5Reader#readCombined}. */
  static LayersModel readCombined(Path file) throws ConversionException, IOException {
    HdfFile hdf = open(file);
    try (H5Prefetch prefetch = H5Prefetch.start(hdf)) {
      String config = H5Attributes.string(hdf, "model_config");
      if (config == null) {
        if (H5Attributes.has(hdf, "layer_names")) {
          throw new ConversionException(
              file + " holds only weights (it was written by save_weights). Give the model's"
                  + " topology JSON (model.to_json()) as <source> and this file as <weights>.");
        }
        throw new ConversionException(
            file + " is an HDF5 file but not a Keras model: it has no 'model_config' attribute.");
      }
      Node weights = hdf.getChild("model_weights");
      if (!(weights instanceof Group weightsGroup)) {
        throw new ConversionException(
            file + " has a model config but no 'model_weights' group: save the model with its"
                + " weights (model.save).");
      }
      return KerasH5Reader.build(file, hdf, KerasH5Reader.parse(file, config), versionOf(hdf),
          new JhdfWeights(file, weightsGroup, prefetch));
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
  }

  /** As {@link KerasH5Reader#readSeparated}, the topology JSON parsed already. */
  static LayersModel readSeparated(JsonNode topology, Path weightsFile)
      throws ConversionException, IOException {
    HdfFile hdf = open(weightsFile);
    try (H5Prefetch prefetch = H5Prefetch.start(hdf)) {
      Group weights = hdf;
      if (!H5Attributes.has(hdf, "layer_names") && hdf.getChild("model_weights") instanceof Group g) {
        weights = g;
      }
      return KerasH5Reader.build(weightsFile, hdf, topology,
          KerasH5Reader.version(topology, versionOf(hdf)),
          new JhdfWeights(weightsFile, weights, prefetch));
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
  }

  /** The layers of a weights group: its {@code layer_names}, else its members. */
  static List<String> layerNames(Group weightsGroup) {
    List<String> names = H5Attributes.strings(weightsGroup, "layer_names");
    return names.isEmpty() ? new ArrayList<>(weightsGroup.getChildren().keySet()) : names;
  }

  private static Version versionOf(HdfFile hdf) {
    return new Version(
        H5Attributes.string(hdf, "keras_version"), H5Attributes.string(hdf, "backend"));
  }

  private static HdfFile open(Path file) throws ConversionException, IOException {
    HdfFile hdf = H5Files.open(file, file.toString());
    try {
      checkComplete(file, hdf);
    } catch (ConversionException | RuntimeException e) {
      hdf.close();
      throw e;
    }
    return hdf;
  }

  /** A file shorter than its superblock's end-of-file address was cut short (as HDF5 refuses). */
  private static void checkComplete(Path file, HdfFile hdf) throws ConversionException {
    long base = hdf.getUserBlockSize();
    long end;
    try (FileChannel channel = FileChannel.open(file)) {
      end = io.jhdf.Superblock.readSuperblock(channel, base).getEndOfFileAddress();
    } catch (IOException e) {
      throw new ConversionException(file + " is not a readable HDF5 file: " + e.getMessage(), e);
    }
    if (end > 0 && end != -1 && hdf.size() < base + end) {
      throw new ConversionException(file + " is truncated: its HDF5 superblock says it ends at byte "
          + (base + end) + ", but the file has only " + hdf.size() + " bytes. Download or copy it"
          + " again.");
    }
  }
}
