package io.tensorspace.convert.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a TensorFlow.js layers-model: {@code model.json} and one weight group streamed into
 * shards. Same model and settings give the same bytes.
 */
public final class LayersModelWriter {
  public static final String MODEL_JSON = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long shardSizeBytes;

  public LayersModelWriter(long shardSizeBytes) {
    if (shardSizeBytes < 1) {
      throw new IllegalArgumentException("shard size must be positive: " + shardSizeBytes);
    }
    this.shardSizeBytes = shardSizeBytes;
  }

  /** Whether a file name is one this writer produces (model.json or a weight shard). */
  public static boolean writes(String fileName) {
    return fileName.equals(MODEL_JSON) || fileName.matches("group\\d+-shard\\d+of\\d+\\.bin");
  }

  /** Writes into {@code directory} and returns the number of weight bytes written. */
  public long write(LayersModel model, Path directory) throws IOException {
    List<Weight> weights = model.weights();
    long total = 0;
    for (Weight weight : weights) {
      total = Math.addExact(total, weight.byteLength());
    }
    try (ShardedOutputStream shards = new ShardedOutputStream(directory, 1, total, shardSizeBytes)) {
      for (Weight weight : weights) {
        long before = shards.written();
        weight.data().writeTo(shards);
        long actual = shards.written() - before;
        if (actual != weight.byteLength()) {
          throw new IOException(
              model.source() + ": weight '" + weight.name() + "' gave " + actual
                  + " bytes; its shape " + weight + " needs " + weight.byteLength());
        }
      }
    }
    Files.write(directory.resolve(MODEL_JSON), modelJson(model, total));
    return total;
  }

  private byte[] modelJson(LayersModel model, long totalBytes) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("format", "layers-model");
    root.put("generatedBy", model.generatedBy());
    root.put("convertedBy", "tensorspace-maven-plugin " + ConverterVersion.get());
    ObjectNode topology = root.putObject("modelTopology");
    topology.put("keras_version", model.generatedBy().replaceFirst("^keras v?", ""));
    topology.put("backend", "tensor_flow.js");
    topology.set("model_config", model.modelConfig());
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
    }
    return JSON.writeValueAsBytes(root);
  }

}
