package io.tensorspace.convert.incremental;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.onnx.OnnxDetection;
import io.tensorspace.convert.onnx.OnnxReader;
import io.tensorspace.convert.tfjs.ModelJsonOutline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files a conversion reads, so that a change in any of them makes the model out of date: the
 * source (every file of a folder source), the weights file, the weight files a TensorFlow.js
 * model.json names, and what the TensorFlow readers find beside a file source: a SavedModel's
 * checkpoint ({@code variables/}), a TensorFlow.js 0.x graph's {@code weights_manifest.json}
 * with its shards, and the external data files of an ONNX model.
 */
public final class InputFiles {
  private static final long MAX_MANIFEST_BYTES = 64L << 20;

  private InputFiles() {}

  /** Every file the conversion reads, sorted. */
  public static List<Path> of(ConversionRequest request) throws IOException {
    TreeSet<Path> files = new TreeSet<>(found(request));
    Path source = request.source().toAbsolutePath().normalize();
    if (!Files.isDirectory(source)) {
      files.addAll(manifestFiles(source));
      Path oldTfjsManifest = source.resolveSibling("weights_manifest.json");
      if (Files.isRegularFile(oldTfjsManifest)) {
        files.addAll(manifestFiles(oldTfjsManifest));
      }
      files.addAll(onnxDataFiles(source));
    }
    return new ArrayList<>(files);
  }

  /**
   * The inputs found without reading any file: all but the weight files a manifest names. Those
   * are the same as long as the manifest is, so with an unchanged manifest the files recorded
   * for it still hold.
   */
  static List<Path> found(ConversionRequest request) throws IOException {
    TreeSet<Path> files = new TreeSet<>();
    Path source = request.source().toAbsolutePath().normalize();
    if (Files.isDirectory(source)) {
      try (Stream<Path> walk = Files.walk(source)) {
        walk.filter(Files::isRegularFile).forEach(files::add);
      }
    } else {
      files.add(source);
      Path checkpoint = source.resolveSibling("variables");
      if (Files.isRegularFile(checkpoint.resolve("variables.index"))) {
        try (Stream<Path> walk = Files.walk(checkpoint)) {
          walk.filter(Files::isRegularFile).forEach(files::add);
        }
      }
      Path oldTfjsManifest = source.resolveSibling("weights_manifest.json");
      if (Files.isRegularFile(oldTfjsManifest)) {
        files.add(oldTfjsManifest);
      }
    }
    if (request.weights() != null) {
      files.add(request.weights().toAbsolutePath().normalize());
    }
    return new ArrayList<>(files);
  }

  /**
   * Weight files named by a tfjs model.json (or the bare manifest array of a 0.x graph); nothing
   * for other files or unreadable JSON.
   */
  private static List<Path> manifestFiles(Path source) {
    List<Path> files = new ArrayList<>();
    try {
      if (!Files.isRegularFile(source) || Files.size(source) > MAX_MANIFEST_BYTES) {
        return files;
      }
      try (InputStream in = Files.newInputStream(source)) {
        int first = in.read();
        if (first != '{' && first != '[') {
          return files;
        }
      }
      ModelJsonOutline outline = ModelJsonOutline.read(source);
      for (String path : outline == null ? List.<String>of() : outline.manifestPaths()) {
        Path file = source.resolveSibling(path).normalize();
        if (Files.isRegularFile(file)) {
          files.add(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a tfjs model.json: the reader will say what is wrong with it
    }
    return files;
  }

  /** The external data files an ONNX model names; nothing for other files or unreadable ones. */
  private static Set<Path> onnxDataFiles(Path source) throws IOException {
    if (!OnnxDetection.isOnnx(source)) {
      return Set.of();
    }
    try {
      return OnnxReader.dataFiles(source);
    } catch (ConversionException | RuntimeException e) {
      return Set.of(); // the conversion reports what is wrong with the model
    }
  }
}
