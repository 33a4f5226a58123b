package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.InputFormat;
import io.tensorspace.convert.onnx.OnnxDetection;
import io.tensorspace.convert.tfjs.ModelJsonOutline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Recognises TensorFlow sources by content and opens them with the matching reader. */
final class GraphSources {
  /** The graph sources this plugin reads, each with the input format users see. */
  enum Kind {
    SAVED_MODEL(InputFormat.SAVED_MODEL),
    GRAPH_DEF(InputFormat.FROZEN_GRAPH),
    OLD_TFJS_GRAPH(InputFormat.TFJS_0_GRAPH),
    TFJS_GRAPH(InputFormat.TFJS_GRAPH);

    final InputFormat format;

    Kind(InputFormat format) {
      this.format = format;
    }
  }

  static final String SAVED_MODEL_PB = "saved_model.pb";
  static final String OLD_TFJS_MANIFEST = "weights_manifest.json";

  private GraphSources() {}

  /** What {@code source} is, or null if it is no TensorFlow graph this plugin reads. */
  static Kind kind(Path source) throws IOException {
    if (Files.isDirectory(source)) {
      return savedModelFile(source) != null ? Kind.SAVED_MODEL : null;
    }
    if (!Files.isRegularFile(source)) {
      return null;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(source)) {
      head = in.readNBytes(64);
    }
    if (head.length == 0) {
      return null;
    }
    if (startsLikeJson(head)) {
      return isTfjsGraph(source) ? Kind.TFJS_GRAPH : null;
    }
    if (head[0] == 0x08 && OnnxDetection.isOnnx(source)) {
      return null;
    }
    if (source.getFileName().toString().equals(SAVED_MODEL_PB) || head[0] == 0x08) {
      // SavedModel: field 1 (schema version, varint) or field 2 (meta graphs) first
      return Kind.SAVED_MODEL;
    }
    if (head[0] == 0x0a && FrozenGraphReader.looksLikeGraphDef(source)) {
      return Files.isRegularFile(source.resolveSibling(OLD_TFJS_MANIFEST))
          ? Kind.OLD_TFJS_GRAPH : Kind.GRAPH_DEF;
    }
    if (head[0] == 0x12 && source.getFileName().toString().endsWith(".pb")) {
      return Kind.SAVED_MODEL;
    }
    return null;
  }

  /** The kind a graph {@link InputFormat} is read as; null for the other formats. */
  static Kind kind(InputFormat format) {
    for (Kind kind : Kind.values()) {
      if (kind.format == format) {
        return kind;
      }
    }
    return null;
  }

  /** Reads {@code source}, found to be of {@code kind} (null: no graph this plugin reads). */
  static TfGraph read(Path source, Kind kind, String signature, Set<String> tags)
      throws ConversionException, IOException {
    if (kind == null) {
      throw new ConversionException(source + " is not a TensorFlow model this plugin reads. "
          + InputFormat.all());
    }
    return switch (kind) {
      case GRAPH_DEF -> new FrozenGraphReader().read(source);
      case SAVED_MODEL -> new SavedModelReader(signature, tags).read(
          Files.isDirectory(source) ? savedModelFile(source) : source);
      case TFJS_GRAPH -> new TfjsGraphReader().readJson(source);
      case OLD_TFJS_GRAPH -> new TfjsGraphReader().readOldFormat(source);
    };
  }

  /** {@code saved_model.pb} in the folder, or in its only versioned sub-folder (TF Serving). */
  static Path savedModelFile(Path folder) throws IOException {
    Path direct = folder.resolve(SAVED_MODEL_PB);
    if (Files.isRegularFile(direct)) {
      return direct;
    }
    try (Stream<Path> children = Files.list(folder)) {
      List<Path> versions = children
          .filter(p -> Files.isRegularFile(p.resolve(SAVED_MODEL_PB)))
          .sorted()
          .toList();
      // TF Serving layout <model>/<version>/: the newest version, as Serving loads it
      return versions.isEmpty() ? null : versions.get(versions.size() - 1).resolve(SAVED_MODEL_PB);
    }
  }

  private static boolean isTfjsGraph(Path source) throws IOException {
    ModelJsonOutline outline = ModelJsonOutline.read(source);
    return outline != null && outline.isGraphModel();
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
