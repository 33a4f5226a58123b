package io.tensorspace.convert.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.json.JsonWriter;
import io.tensorspace.convert.model.GraphModel;
import io.tensorspace.convert.tensorflow.GraphJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
    long total = WeightEncoder.byteLength(entries);
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

  /** model.json, written as it goes rather than built as a tree first (the nodes are most of it). */
  private byte[] modelJson(GraphModel model, List<WeightEncoder.Entry> entries, long totalBytes) {
    JsonWriter out = JsonWriter.compactUtf8(64 + 256 * model.graph().nodes().size());
    out.startObject().name("format").value("graph-model")
        .name("generatedBy").value(model.generatedBy())
        .name("convertedBy").value("tensorspace-maven-plugin " + ConverterVersion.get());
    if (model.signature() != null) {
      GraphJson.signature(out.name("signature"), model.signature());
    }
    GraphJson.graph(out.name("modelTopology"), model.graph());
    userDefinedMetadata(out.name("userDefinedMetadata"), model);
    ObjectNode group = JsonNodeFactory.instance.objectNode();
    WeightEncoder.manifestGroup(group, 1, totalBytes, shardSizeBytes, entries);
    out.name("weightsManifest").startArray().tree(group).endArray();
    return out.endObject().utf8Bytes();
  }

  /**
   * The signature (for tfjs 1.x) and the selected nodes, then model.metadata()'s entries, which
   * replace an entry of the same name in its place (as {@code ObjectNode.setAll} did).
   */
  private static void userDefinedMetadata(JsonWriter out, GraphModel model) {
    ObjectNode extra = model.metadata() == null ? JsonNodeFactory.instance.objectNode()
        : model.metadata();
    out.startObject();
    if (model.signature() != null) {
      out.name("signature");
      if (extra.has("signature")) {
        out.tree(extra.get("signature"));
      } else {
        GraphJson.signature(out, model.signature());
      }
    }
    out.name("outputNodes");
    if (extra.has("outputNodes")) {
      out.tree(extra.get("outputNodes"));
    } else {
      out.startArray();
      for (String node : model.outputNodes()) {
        out.value(node);
      }
      out.endArray();
    }
    for (Map.Entry<String, JsonNode> e : extra.properties()) {
      String key = e.getKey();
      if (!key.equals("outputNodes") && !(key.equals("signature") && model.signature() != null)) {
        out.name(key).tree(e.getValue());
      }
    }
    out.endObject();
  }
}
