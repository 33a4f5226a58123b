package io.tensorspace.convert;

import io.tensorspace.convert.ModelSources.ModelSource;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonSyntaxException;
import io.tensorspace.convert.json.JsonTokenizer;
import io.tensorspace.convert.keras.Keras3ArchiveReader;
import io.tensorspace.convert.keras.KerasH5Reader;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.tensorflow.GraphConverter;
import io.tensorspace.convert.tfjs.layers.TfjsLayersReader;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a layers model with the reader of its format ({@link ModelSources} tells the format). */
public final class ModelReaders {
  private ModelReaders() {}

  /** Finds the model at {@code source} (a file or folder) and opens it, see {@link #open(ModelSource)}. */
  public static LayersModel open(Path source, Path weights) throws ConversionException, IOException {
    return open(ModelSources.locate(source, weights));
  }

  /**
   * Opens the model; the caller closes it once its weights are written. Whatever a damaged file
   * makes a parser throw surfaces as a {@link ConversionException} naming the file.
   */
  public static LayersModel open(ModelSource model) throws ConversionException, IOException {
    try {
      return read(model);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw InputFailures.damaged(model.file(), model.weights(), e);
    } catch (OutOfMemoryError e) {
      // jHDF sizes heap buffers from header fields when it reads from a file rather than a map
      // (HDF5 files over 2 GiB, see H5Files): a crafted header asks for gigabytes. The failed
      // allocation left nothing behind, so this is safe to report.
      throw InputFailures.tooLarge(model.file(), model.weights(), e);
    }
  }

  /**
   * Whether the source is a TensorFlow graph (SavedModel folder, frozen GraphDef .pb, TensorFlow.js
   * graph-model.json), which {@link GraphConverter} converts to a graph-model instead.
   */
  public static boolean isTensorFlowGraph(Path source) throws IOException {
    return GraphConverter.accepts(source);
  }

  private static LayersModel read(ModelSource model) throws ConversionException, IOException {
    Path source = model.file();
    Path weights = model.weights();
    switch (model.format()) {
      case KERAS_HDF5 -> {
        if (weights != null) {
          throw new ConversionException(
              source + " is an HDF5 model that holds its own weights; remove <weights> ("
                  + weights + "), or give the topology JSON as <source>.");
        }
        return new KerasH5Reader().readCombined(source);
      }
      case TFJS_LAYERS -> {
        return new TfjsLayersReader().read(source, weights);
      }
      case KERAS3_ARCHIVE -> {
        if (weights != null) {
          throw new ConversionException(
              source + " is a Keras 3 .keras archive that holds its own weights; remove <weights> ("
                  + weights + ").");
        }
        return new Keras3ArchiveReader().read(source);
      }
      case KERAS_TOPOLOGY_JSON -> {
        if (weights == null) {
          checkJson(source);
          throw new ConversionException(
              source + " is a JSON topology without weights; give the weights file (save_weights"
                  + " .h5) as <weights>.");
        }
        if (!ModelSources.isHdf5(weights)) {
          throw new ConversionException(weights + " is not an HDF5 weights file.");
        }
        return new KerasH5Reader().readSeparated(source, weights);
      }
      default -> throw new ConversionException(source + " is " + model.format().description()
          + ", which converts to a TensorFlow.js graph model, not a layers model.");
    }
  }

  /** A JSON file that does not parse is reported as such, not as some other kind of model. */
  private static void checkJson(Path source) throws ConversionException, IOException {
    try {
      JsonTokenizer tokens = Json.tokens(source);
      while (tokens.next() != null) {
        // reading every token checks the syntax (and Jackson's nesting and size limits)
      }
    } catch (JsonSyntaxException e) {
      throw new ConversionException(source + " is not valid JSON: " + e.getMessage() + ".", e);
    }
  }
}
