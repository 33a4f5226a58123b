package io.tensorspace.convert;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything one conversion needs, fixed before it starts.
 *
 * @param source the model file (or folder) to read
 * @param weights a separate weights file, or null when {@code source} holds them
 * @param outputDirectory the folder that will hold model.json and its shards
 * @param outputLayers layers to expose, in order; empty for the default selection
 * @param excludeLayers layer or class names to leave out
 * @param shardSizeBytes the size of each weight shard but the last
 */
public record ConversionRequest(
    Path source,
    Path weights,
    Path outputDirectory,
    List<String> outputLayers,
    List<String> excludeLayers,
    long shardSizeBytes) {

  public static final long DEFAULT_SHARD_SIZE = 4L * 1024 * 1024;

  public ConversionRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(outputDirectory, "outputDirectory");
    outputLayers = List.copyOf(outputLayers);
    excludeLayers = List.copyOf(excludeLayers);
    if (shardSizeBytes < 1) {
      throw new IllegalArgumentException("shardSizeBytes must be positive, was " + shardSizeBytes);
    }
  }
}
