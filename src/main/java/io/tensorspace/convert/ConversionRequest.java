package io.tensorspace.convert;

import io.tensorspace.convert.artifact.ModelArtifact;
import io.tensorspace.convert.tensorflow.GraphOptions;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions;
import io.tensorspace.convert.write.Quantize;
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
 * @param quantize how float32 weights are stored; {@link Quantize#NONE} keeps them as read
 * @param quantizeWeights weight-name patterns ({@code *} wildcard) that limit quantization;
 *     empty means every float32 weight
 * @param splitWeightsByLayer one weight group (own shard files) per layer
 * @param tensorSpace the TensorSpace companion files (name, preview page, per-layer overrides)
 * @param graph which signature and tags of a SavedModel to convert
 * @param artifact the repository artifact the source comes from, or null for a local source
 */
public record ConversionRequest(
    Path source,
    Path weights,
    Path outputDirectory,
    List<String> outputLayers,
    List<String> excludeLayers,
    long shardSizeBytes,
    Quantize quantize,
    List<String> quantizeWeights,
    boolean splitWeightsByLayer,
    TensorSpaceOptions tensorSpace,
    GraphOptions graph,
    ModelArtifact artifact) {

  public static final long DEFAULT_SHARD_SIZE = 4L * 1024 * 1024;

  /** A request that writes weights as read, in one group. */
  public ConversionRequest(
      Path source,
      Path weights,
      Path outputDirectory,
      List<String> outputLayers,
      List<String> excludeLayers,
      long shardSizeBytes) {
    this(source, weights, outputDirectory, outputLayers, excludeLayers, shardSizeBytes,
        Quantize.NONE, List.of(), false, TensorSpaceOptions.DEFAULT, GraphOptions.DEFAULT, null);
  }

  /** A request for a model given by path (no repository artifact). */
  public ConversionRequest(
      Path source,
      Path weights,
      Path outputDirectory,
      List<String> outputLayers,
      List<String> excludeLayers,
      long shardSizeBytes,
      Quantize quantize,
      List<String> quantizeWeights,
      boolean splitWeightsByLayer,
      TensorSpaceOptions tensorSpace,
      GraphOptions graph) {
    this(source, weights, outputDirectory, outputLayers, excludeLayers, shardSizeBytes, quantize,
        quantizeWeights, splitWeightsByLayer, tensorSpace, graph, null);
  }

  /** The same request writing into another folder. */
  public ConversionRequest withOutputDirectory(Path directory) {
    return new ConversionRequest(source, weights, directory, outputLayers, excludeLayers,
        shardSizeBytes, quantize, quantizeWeights, splitWeightsByLayer, tensorSpace, graph, artifact);
  }

  /** The same request with other TensorSpace companion settings. */
  public ConversionRequest withTensorSpace(TensorSpaceOptions options) {
    return new ConversionRequest(source, weights, outputDirectory, outputLayers, excludeLayers,
        shardSizeBytes, quantize, quantizeWeights, splitWeightsByLayer, options, graph, artifact);
  }

  /** The same request with other weight-storage options. */
  public ConversionRequest withWeightOptions(
      Quantize quantize, List<String> quantizeWeights, boolean splitWeightsByLayer) {
    return new ConversionRequest(source, weights, outputDirectory, outputLayers, excludeLayers,
        shardSizeBytes, quantize, quantizeWeights, splitWeightsByLayer, tensorSpace, graph, artifact);
  }

  /** The same request for another signature or tags of a SavedModel. */
  public ConversionRequest withGraphOptions(GraphOptions options) {
    return new ConversionRequest(source, weights, outputDirectory, outputLayers, excludeLayers,
        shardSizeBytes, quantize, quantizeWeights, splitWeightsByLayer, tensorSpace, options, artifact);
  }

  /** The same request reading another source (the model file found in a source folder). */
  public ConversionRequest withSource(Path source, Path weights) {
    return new ConversionRequest(source, weights, outputDirectory, outputLayers, excludeLayers,
        shardSizeBytes, quantize, quantizeWeights, splitWeightsByLayer, tensorSpace, graph, artifact);
  }

  /** The same request noting the repository artifact its source was taken from. */
  public ConversionRequest withArtifact(ModelArtifact artifact) {
    return new ConversionRequest(source, weights, outputDirectory, outputLayers, excludeLayers,
        shardSizeBytes, quantize, quantizeWeights, splitWeightsByLayer, tensorSpace, graph, artifact);
  }

  public ConversionRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(outputDirectory, "outputDirectory");
    outputLayers = List.copyOf(outputLayers);
    excludeLayers = List.copyOf(excludeLayers);
    quantize = quantize == null ? Quantize.NONE : quantize;
    quantizeWeights = quantizeWeights == null ? List.of() : List.copyOf(quantizeWeights);
    tensorSpace = tensorSpace == null ? TensorSpaceOptions.DEFAULT : tensorSpace;
    graph = graph == null ? GraphOptions.DEFAULT : graph;
    if (shardSizeBytes < 1) {
      throw new IllegalArgumentException("shardSizeBytes must be positive, was " + shardSizeBytes);
    }
  }
}
