package io.tensorspace.convert.tensorflow;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which part of a SavedModel to convert.
 *
 * @param signature the SignatureDef key, e.g. {@code serving_default}
 * @param tags the MetaGraphDef tags, e.g. {@code serve}
 */
public record GraphOptions(String signature, Set<String> tags) {
  public static final GraphOptions DEFAULT = new GraphOptions("serving_default", Set.of("serve"));

  public GraphOptions {
    Objects.requireNonNull(signature, "signature");
    tags = Set.copyOf(new TreeSet<>(tags));
  }

  @Override
  public String toString() {
    // stable text: the up-to-date check fingerprints the request's toString
    return "GraphOptions[signature=" + signature + ", tags=" + new TreeSet<>(tags) + "]";
  }
}
