package io.tensorspace.convert.write;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.model.GraphModel;
import io.tensorspace.convert.tensorflow.GraphJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a TensorFlow.js graph-model: {@code model.json} (GraphDef as proto3 JSON, every Const a
 * weight of the same name) and one weight group streamed into shards. The signature goes both at
 * the top level (tfjs 2.8+) and into {@code userDefinedMetadata.signature} (the only place tfjs 1.x
 * looks); the selected node names go into {@code userDefinedMetadata.outputNodes} so nobody has to
 * retype them. Float32 constants can be quantized as layers-model weights are (the official
 * converter quantizes graph-models the same way). Same model and settings give the same bytes.
 */
public final class GraphModelWriter {
  public static final String MODEL_JSON = "model.json";

  private final long shardSizeBytes;
  private final WeightEncoder encoder;

  public GraphModelWriter(long shardSizeBytes) {
    this(shardSizeBytes, Quantize.NONE, List.of());
  }

  /**
   * @param shardSizeBytes size of every shard but the last
   * @param quantize how float32 constants are stored (int32 and bool constants stay as they are)
   * @param quantizeWeights constant-name patterns ({@code *} wildcard) limiting quantization; empty
   *     means every float32 constant
   */
  public GraphModelWriter(long shardSizeBytes, Quantize quantize, List<String> quantizeWeights) {
    if (shardSizeBytes < 1) {
      throw new IllegalArgumentException("shard size must be positive: " + shardSizeBytes);
    }
    this.shardSizeBytes = shardSizeBytes;
    this.encoder = new WeightEncoder(quantize, quantizeWeights);
  }

  /** What the last {@link #write} had to say: skipped quantizations, unmatched patterns... */
  public List<String> warnings() {
    return encoder.warnings();
  }

  /** Whether a file name is one this writer produces (model.json or a weight shard). */
  public static boolean writes(String fileName) {
    return LayersModelWriter.writes(fileName);
  }

  /**
   * Writes into {@code directory} and returns the number of weight bytes written; {@code copied}
   * hears each source file region copied unchanged (the weights of a tfjs graph model).
   */
  public long write(GraphModel model, Path directory, CopiedRegions copied) throws IOException {
    List<WeightEncoder.Entry> entries = encoder.plan(model.source(), model.weights());
    long total = 0;
    for (WeightEncoder.Entry entry : entries) {
      total = Math.addExact(total, entry.byteLength());
    }
    // closing the transfers waits for the last region copy, after model.json is written while
    // the copies run
    try (RegionTransfers transfers = new RegionTransfers(copied)) {
      try (ShardedOutputStream shards =
          new ShardedOutputStream(directory, 1, total, shardSizeBytes, transfers)) {
        for (WeightEncoder.Entry entry : entries) {
          encoder.write(model.source(), entry, shards);
        }
      }
      Files.write(directory.resolve(MODEL_JSON), modelJson(model, entries, total));
    }
    return total;
  }

  private byte[] modelJson(GraphModel model, List<WeightEncoder.Entry> entries, long totalBytes)
      throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("format", "graph-model");
    root.put("generatedBy", model.generatedBy());
    root.put("convertedBy", "tensorspace-maven-plugin " + ConverterVersion.get());
    ObjectNode signature = model.signature() == null ? null : GraphJson.signature(model.signature());
    if (signature != null) {
      root.set("signature", signature);
    }
    root.set("modelTopology", GraphJson.graph(model.graph()));
    ObjectNode metadata = root.putObject("userDefinedMetadata");
    if (signature != null) {
      metadata.set("signature", signature.deepCopy());
    }
    ArrayNode outputs = metadata.putArray("outputNodes");
    model.outputNodes().forEach(outputs::add);
    if (model.metadata() != null) {
      metadata.setAll(model.metadata().deepCopy());
    }
    ArrayNode manifest = root.putArray("weightsManifest");
    ObjectNode group = manifest.addObject();
    ArrayNode paths = group.putArray("paths");
    ShardedOutputStream.names(1, totalBytes, shardSizeBytes).forEach(paths::add);
    ArrayNode specs = group.putArray("weights");
    for (WeightEncoder.Entry entry : entries) {
      WeightEncoder.spec(specs.addObject(), entry);
    }
    return Json.bytes(root);
  }
}
