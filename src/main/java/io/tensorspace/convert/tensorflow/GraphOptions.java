package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.InputShapes;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which part of a graph model to convert, and how to fix its shapes.
 *
 * @param signature the SignatureDef key of a SavedModel, e.g. {@code serving_default}
 * @param tags the MetaGraphDef tags of a SavedModel, e.g. {@code serve}
 * @param inputShapes the shapes of an ONNX model's inputs, pinning its dynamic dimensions
 */
public record GraphOptions(String signature, Set<String> tags, InputShapes inputShapes) {
  public static final GraphOptions DEFAULT = new GraphOptions("serving_default", Set.of("serve"));

  public GraphOptions(String signature, Set<String> tags) {
    this(signature, tags, InputShapes.NONE);
  }

  public GraphOptions {
    Objects.requireNonNull(signature, "signature");
    tags = Set.copyOf(new TreeSet<>(tags));
    inputShapes = inputShapes == null ? InputShapes.NONE : inputShapes;
  }

  @Override
  public String toString() {
    // stable text: the up-to-date check fingerprints the request's toString
    return "GraphOptions[signature=" + signature + ", tags=" + new TreeSet<>(tags)
        + (inputShapes.isEmpty() ? "" : ", inputShapes=" + inputShapes) + "]";
  }
}
