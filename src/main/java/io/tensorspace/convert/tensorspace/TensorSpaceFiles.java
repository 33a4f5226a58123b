package io.tensorspace.convert.tensorspace;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The TensorSpace companion files beside a converted model: {@code tensorspace.json},
 * {@code tensorspace-model.js} and, when asked for, the {@code index.html} preview.
 */
public final class TensorSpaceFiles {
  public static final String JSON_FILE = "tensorspace.json";

  private TensorSpaceFiles() {}

  /** Whether a file name is one of the companion files. */
  public static boolean writes(String fileName) {
    return fileName.equals(JSON_FILE) || fileName.equals(TensorSpaceScriptWriter.FILE)
        || fileName.equals(PreviewPageWriter.FILE);
  }

  /**
   * Describes the model and writes the companion files into {@code directory}.
   *
   * @param net the converted model
   * @param directory the folder holding the converted model (its staging copy)
   * @param options the name, preview and per-layer overrides; a null name means the folder name
   * @return what was written to tensorspace.json
   */
  public static TensorSpaceDescription write(
      NetworkDescription net, Path directory, String defaultName, TensorSpaceOptions options)
      throws IOException, ConversionException {
    return write(net, directory, defaultName, options, null);
  }

  /**
   * As {@link #write(NetworkDescription, Path, String, TensorSpaceOptions)}, with {@code extra}
   * top-level entries in tensorspace.json (e.g. the ONNX name map), or null.
   */
  public static TensorSpaceDescription write(NetworkDescription net, Path directory,
      String defaultName, TensorSpaceOptions options,
      com.fasterxml.jackson.databind.node.ObjectNode extra)
      throws IOException, ConversionException {
    String name = options.name() == null || options.name().isBlank() ? defaultName : options.name();
    TensorSpaceDescription description = TspLayerMapping.describe(net, name, options,
        extra == null ? null : extra.get("onnx"));
    com.fasterxml.jackson.databind.node.ObjectNode tree = description.toJson();
    String plain = Json.indented(tree);
    String json = plain;
    if (extra != null) {
      tree.setAll(extra.deepCopy());
      json = Json.indented(tree);
    }
    Files.writeString(directory.resolve(JSON_FILE), json + "\n", StandardCharsets.UTF_8);
    // the script holds the description without the extra entries
    new TensorSpaceScriptWriter().write(description, plain, directory);
    if (options.preview()) {
      new PreviewPageWriter().write(description, options.previewLibraries(), directory);
    }
    return description;
  }
}
