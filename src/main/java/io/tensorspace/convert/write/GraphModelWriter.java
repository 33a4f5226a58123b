package io.tensorspace.convert.write;

import io.tensorspace.convert.CopiedRegions;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.model.GraphModel;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.GraphJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a TensorFlow.js graph-model: {@code model.json} (GraphDef as proto3 JSON, every Const a
 * weight of the same name) and one weight group streamed into shards. The signature goes both at
 * the top level (tfjs 2.8+) and into {@code userDefinedMetadata.signature} (the only place tfjs 1.x
 * looks); the selected node names go into {@code userDefinedMetadata.outputNodes} so nobody has to
 * retype them. Same model and settings give the same bytes.
 */
public final class GraphModelWriter {
  public static final String MODEL_JSON = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long shardSizeBytes;

  public GraphModelWriter(long shardSizeBytes) {
    if (shardSizeBytes < 1) {
      throw new IllegalArgumentException("shard size must be positive: " + shardSizeBytes);
    }
    this.shardSizeBytes = shardSizeBytes;
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
    long total = 0;
    for (Weight weight : model.weights()) {
      total = Math.addExact(total, weight.byteLength());
    }
    // closing the transfers (after the stream) waits for the last region copy
    try (RegionTransfers transfers = new RegionTransfers(copied);
        ShardedOutputStream shards =
            new ShardedOutputStream(directory, 1, total, shardSizeBytes, transfers)) {
      for (Weight weight : model.weights()) {
        long before = shards.written();
        weight.data().writeTo(shards);
        long actual = shards.written() - before;
        if (actual != weight.byteLength()) {
          throw new IOException(model.source() + ": constant '" + weight.name() + "' gave " + actual
              + " bytes; its shape " + weight + " needs " + weight.byteLength());
        }
      }
    }
    Files.write(directory.resolve(MODEL_JSON), modelJson(model, total));
    return total;
  }

  private byte[] modelJson(GraphModel model, long totalBytes) throws IOException {
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
    ArrayNode manifest = root.putArray("weightsManifest");
    ObjectNode group = manifest.addObject();
    ArrayNode paths = group.putArray("paths");
    ShardedOutputStream.names(1, totalBytes, shardSizeBytes).forEach(paths::add);
    ArrayNode specs = group.putArray("weights");
    for (Weight weight : model.weights()) {
      ObjectNode spec = specs.addObject();
      spec.put("name", weight.name());
      ArrayNode shape = spec.putArray("shape");
      for (long dim : weight.shape()) {
        shape.add(dim);
      }
      spec.put("dtype", weight.dtype().jsonName());
      if (weight.quantization() != null) {
        ObjectNode q = spec.putObject("quantization");
        q.put("dtype", weight.quantization().dtype());
        if (weight.quantization().min() != null) {
          q.put("min", weight.quantization().min());
          q.put("scale", weight.quantization().scale());
        }
        if (weight.quantization().originalDtype() != null) {
          q.put("original_dtype", weight.quantization().originalDtype());
        }
      }
    }
    return JSON.writeValueAsBytes(root);
  }
}
