package io.tensorspace.convert;

import io.tensorspace.convert.keras.Keras3ArchiveReader;
import io.tensorspace.convert.keras.KerasH5Reader;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.tensorflow.GraphConverter;
import io.tensorspace.convert.tfjs.layers.TfjsLayersReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Picks the reader for a source by looking at its content, not its file name. */
public final class ModelReaders {
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  private ModelReaders() {}

  /**
   * Opens the model; the caller closes it once its weights are written. Whatever a damaged file
   * makes a parser throw surfaces as a {@link ConversionException} naming the file.
   */
  public static LayersModel open(Path source, Path weights) throws ConversionException, IOException {
    try {
      return read(source, weights);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw InputFailures.damaged(source, weights, e);
    } catch (OutOfMemoryError e) {
      // jHDF sizes heap buffers from header fields when it reads from a file rather than a map
      // (HDF5 files over 2 GiB, see H5Files): a crafted header asks for gigabytes. The failed
      // allocation left nothing behind, so this is safe to report.
      throw InputFailures.tooLarge(source, weights, e);
    }
  }

  /**
   * Whether the source is a TensorFlow graph (SavedModel folder, frozen GraphDef .pb, TensorFlow.js
   * graph-model.json), which {@link GraphConverter} converts to a graph-model instead.
   */
  public static boolean isTensorFlowGraph(Path source) throws IOException {
    return GraphConverter.accepts(source);
  }

  private static LayersModel read(Path source, Path weights) throws ConversionException, IOException {
    if (!Files.exists(source)) {
      throw new ConversionException("Model source " + source + " does not exist.");
    }
    if (weights != null && !Files.isRegularFile(weights)) {
      throw new ConversionException("Weights file " + weights + " does not exist or is not a file.");
    }
    if (Files.isDirectory(source)) {
      throw new ConversionException(
          source + " is a folder; give the model file itself (.h5 or topology .json).");
    }
    byte[] head = head(source);
    if (isHdf5(head)) {
      if (weights != null) {
        throw new ConversionException(
            source + " is an HDF5 model that holds its own weights; remove <weights> ("
                + weights + "), or give the topology JSON as <source>.");
      }
      return new KerasH5Reader().readCombined(source);
    }
    if (startsLikeJson(head) && TfjsLayersReader.isLayersModel(source)) {
      return new TfjsLayersReader().read(source, weights);
    }
    if (isZip(head)) {
      if (weights != null) {
        throw new ConversionException(
            source + " is a Keras 3 .keras archive that holds its own weights; remove <weights> ("
                + weights + ").");
      }
      return new Keras3ArchiveReader().read(source);
    }
    if (startsLikeJson(head)) {
      if (weights == null) {
        checkJson(source);
        throw new ConversionException(
            source + " is a JSON topology without weights; give the weights file (save_weights"
                + " .h5) as <weights>.");
      }
      if (!isHdf5(head(weights))) {
        throw new ConversionException(weights + " is not an HDF5 weights file.");
      }
      return new KerasH5Reader().readSeparated(source, weights);
    }
    throw new ConversionException(
        source + " is not a model this plugin reads (Keras HDF5 .h5, or a topology .json with an"
            + " HDF5 weights file).");
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(16);
    }
  }

  private static boolean isHdf5(byte[] head) {
    return head.length >= 8 && Arrays.equals(Arrays.copyOf(head, 8), HDF5_SIGNATURE);
  }

  /** A zip local file header: Keras 3 {@code .keras} archives. */
  private static boolean isZip(byte[] head) {
    return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
  }

  /** A JSON file that does not parse is reported as such, not as some other kind of model. */
  private static void checkJson(Path source) throws ConversionException, IOException {
    try (com.fasterxml.jackson.core.JsonParser parser =
        new com.fasterxml.jackson.databind.ObjectMapper().createParser(source.toFile())) {
      while (parser.nextToken() != null) {
        // reading every token checks the syntax (and Jackson's nesting and size limits)
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation where = e.getLocation();
      throw new ConversionException(source + " is not valid JSON: " + e.getOriginalMessage()
          + (where == null ? "" : " (at line " + where.getLineNr() + ", column "
              + where.getColumnNr() + ")") + ".", e);
    }
  }

  private static boolean startsLikeJson(byte[] head) {
    for (byte b : head) {
      if (!Character.isWhitespace(b)) {
        return b == '{';
      }
    }
    return false;
  }
}
