package io.tensorspace.convert.write;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a TensorFlow.js layers-model: {@code model.json} and its weight groups streamed into
 * shards. Weights can be quantized (uint8/uint16/float16, float32 weights only, optionally only
 * those whose names match patterns) and split into one group per layer. Same model and settings
 * give the same bytes.
 *
 * <p>Weights are never all in memory: each is streamed from its source into the shards (see
 * {@link WeightEncoder}).
 */
public final class LayersModelWriter {
  public static final String MODEL_JSON = "model.json";

  private final long shardSizeBytes;
  private final WeightEncoder encoder;
  private final boolean splitWeightsByLayer;

  public LayersModelWriter(long shardSizeBytes) {
    this(shardSizeBytes, Quantize.NONE, List.of(), false);
  }

  /**
   * @param shardSizeBytes size of every shard of a group but its last
   * @param quantize how float32 weights are stored
   * @param quantizeWeights weight-name patterns ({@code *} wildcard) limiting quantization; empty
   *     means every float32 weight
   * @param splitWeightsByLayer one weight group per layer instead of one for the whole model
   */
  public LayersModelWriter(
      long shardSizeBytes, Quantize quantize, List<String> quantizeWeights,
      boolean splitWeightsByLayer) {
    if (shardSizeBytes < 1) {
      throw new IllegalArgumentException("shard size must be positive: " + shardSizeBytes);
    }
    this.shardSizeBytes = shardSizeBytes;
    this.encoder = new WeightEncoder(quantize, quantizeWeights);
    this.splitWeightsByLayer = splitWeightsByLayer;
  }

  /** Whether a file name is one this writer produces (model.json or a weight shard). */
  public static boolean writes(String fileName) {
    return fileName.equals(MODEL_JSON) || fileName.matches("group\\d+-shard\\d+of\\d+\\.bin");
  }

  /** What the last {@link #write} had to say: skipped quantizations, unmatched patterns... */
  public List<String> warnings() {
    return encoder.warnings();
  }

  /** Writes into {@code directory} and returns the number of weight bytes written. */
  public long write(LayersModel model, Path directory) throws IOException {
    return write(model, directory, CopiedRegions.NONE);
  }

  /**
   * Writes into {@code directory} and returns the number of weight bytes written; {@code copied}
   * hears each source file region copied unchanged.
   */
  public long write(LayersModel model, Path directory, CopiedRegions copied) throws IOException {
    List<List<WeightEncoder.Entry>> groups = groups(model);
    long total = 0;
    ArrayNode manifest = JsonNodeFactory.instance.arrayNode();
    // one set of copying threads for every group; closing it waits for the last copy, after
    // model.json is written while the copies run
    try (RegionTransfers transfers = new RegionTransfers(copied)) {
      for (int g = 0; g < groups.size(); g++) {
        total = Math.addExact(total,
            writeGroup(model, groups.get(g), g + 1, directory, transfers, manifest.addObject()));
      }
      Files.write(directory.resolve(MODEL_JSON), modelJson(model, manifest));
    }
    return total;
  }

  /** Writes one weight group's shards and describes them in {@code groupNode}; returns its bytes. */
  private long writeGroup(LayersModel model, List<WeightEncoder.Entry> group, int groupNumber,
      Path directory, RegionTransfers transfers, ObjectNode groupNode) throws IOException {
    long groupBytes = WeightEncoder.byteLength(group);
    try (ShardedOutputStream shards =
        new ShardedOutputStream(directory, groupNumber, groupBytes, shardSizeBytes, transfers)) {
      for (WeightEncoder.Entry entry : group) {
        encoder.write(model.source(), entry, shards);
      }
    }
    WeightEncoder.manifestGroup(groupNode, groupNumber, groupBytes, shardSizeBytes, group);
    return groupBytes;
  }

  /** The planned weights, one group for the model or one per layer with weights. */
  private List<List<WeightEncoder.Entry>> groups(LayersModel model) throws IOException {
    List<WeightEncoder.Entry> all = encoder.plan(model.source(), model.weights());
    if (!splitWeightsByLayer) {
      return List.of(all);
    }
    // weights() is the layers' weights concatenated in this order
    List<List<WeightEncoder.Entry>> groups = new ArrayList<>();
    int next = 0;
    for (List<Weight> layer : model.weightsByLayer().values()) {
      if (!layer.isEmpty()) {
        groups.add(all.subList(next, next + layer.size()));
        next += layer.size();
      }
    }
    return groups.isEmpty() ? List.of(all) : groups;
  }

  private static byte[] modelJson(LayersModel model, ArrayNode manifest) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("format", "layers-model");
    root.put("generatedBy", model.generatedBy());
    root.put("convertedBy", "tensorspace-maven-plugin " + ConverterVersion.get());
    ObjectNode topology = root.putObject("modelTopology");
    topology.put("keras_version", model.generatedBy().replaceFirst("^keras v?", ""));
    topology.put("backend", "tensor_flow.js");
    topology.set("model_config", model.configView());
    root.set("weightsManifest", manifest);
    return Json.bytes(root);
  }
}
