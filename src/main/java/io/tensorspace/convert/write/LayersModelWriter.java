package io.tensorspace.convert.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConverterVersion;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Quantization;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.OutputStream;
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
 * <p>Weights are never all in memory: each is streamed from its source into the shards; a weight
 * quantized to uint8/uint16 is streamed twice (once for its range, once to write it).
 */
public final class LayersModelWriter {
  public static final String MODEL_JSON = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final long shardSizeBytes;
  private final Quantize quantize;
  private final WeightPatterns quantizeWeights;
  private final boolean splitWeightsByLayer;
  private final List<String> warnings = new ArrayList<>();

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
    this.quantize = quantize == null ? Quantize.NONE : quantize;
    this.quantizeWeights = new WeightPatterns(quantizeWeights == null ? List.of() : quantizeWeights);
    this.splitWeightsByLayer = splitWeightsByLayer;
  }

  /** Whether a file name is one this writer produces (model.json or a weight shard). */
  public static boolean writes(String fileName) {
    return fileName.equals(MODEL_JSON) || fileName.matches("group\\d+-shard\\d+of\\d+\\.bin");
  }

  /** What the last {@link #write} had to say: skipped quantizations, unmatched patterns... */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** One weight as it will be written. */
  private static final class Entry {
    final Weight source;
    /** The target storage, or null to copy the source bytes unchanged. */
    final Quantize target;
    Quantizer.Affine affine;
    Quantization written;

    Entry(Weight source, Quantize target) {
      this.source = source;
      this.target = target;
      this.written = target == null ? source.quantization() : null;
    }

    long byteLength() {
      return target == null
          ? source.byteLength()
          : Math.multiplyExact(source.elementCount(), target.bytesPerElement());
    }
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
    warnings.clear();
    List<List<Entry>> groups = plan(model);
    long total = 0;
    ArrayNode manifest = JsonNodeFactory.instance.arrayNode();
    // one set of copying threads for every group; closing it waits for the last copy
    try (RegionTransfers transfers = new RegionTransfers(copied)) {
      for (int g = 0; g < groups.size(); g++) {
        total = Math.addExact(total,
            writeGroup(model, groups.get(g), g + 1, directory, transfers, manifest.addObject()));
      }
    }
    Files.write(directory.resolve(MODEL_JSON), modelJson(model, manifest));
    return total;
  }

  /** Writes one weight group's shards and describes them in {@code groupNode}; returns its bytes. */
  private long writeGroup(LayersModel model, List<Entry> group, int groupNumber, Path directory,
      RegionTransfers transfers, ObjectNode groupNode) throws IOException {
    long groupBytes = 0;
    for (Entry entry : group) {
      groupBytes = Math.addExact(groupBytes, entry.byteLength());
    }
    try (ShardedOutputStream shards =
        new ShardedOutputStream(directory, groupNumber, groupBytes, shardSizeBytes, transfers)) {
      for (Entry entry : group) {
        long before = shards.written();
        writeEntry(model, entry, shards);
        long actual = shards.written() - before;
        if (actual != entry.byteLength()) {
          throw new IOException(
              model.source() + ": weight '" + entry.source.name() + "' gave " + actual
                  + " bytes; its shape " + entry.source + " needs " + entry.byteLength());
        }
      }
    }
    ArrayNode paths = groupNode.putArray("paths");
    ShardedOutputStream.names(groupNumber, groupBytes, shardSizeBytes).forEach(paths::add);
    ArrayNode specs = groupNode.putArray("weights");
    for (Entry entry : group) {
      spec(specs.addObject(), entry);
    }
    return groupBytes;
  }

  private List<List<Entry>> plan(LayersModel model) throws IOException {
    List<List<Weight>> weightGroups = new ArrayList<>();
    if (splitWeightsByLayer) {
      model.weightsByLayer().values().stream().filter(l -> !l.isEmpty()).forEach(weightGroups::add);
    }
    if (weightGroups.isEmpty()) {
      weightGroups.add(model.weights());
    }
    if (quantize == Quantize.NONE && !quantizeWeights.isEmpty()) {
      warnings.add("quantizeWeights " + quantizeWeights.patterns()
          + " is ignored: quantize is none. Set quantize to uint8, uint16 or float16.");
    }
    if (quantize != Quantize.NONE) {
      for (String pattern : quantizeWeights.patterns()) {
        if (model.weights().stream().noneMatch(w -> WeightPatterns.matches(pattern, w.name()))) {
          warnings.add("quantizeWeights pattern '" + pattern + "' matches no weight of the model.");
        }
      }
    }
    List<List<Entry>> groups = new ArrayList<>();
    for (List<Weight> weights : weightGroups) {
      List<Entry> group = new ArrayList<>();
      for (Weight weight : weights) {
        group.add(planEntry(model, weight));
      }
      groups.add(group);
    }
    return groups;
  }

  private Entry planEntry(LayersModel model, Weight weight) throws IOException {
    boolean wanted = quantize != Quantize.NONE
        && weight.dtype() == DType.FLOAT32
        && quantizeWeights.matches(weight.name())
        && !quantize.matches(weight.quantization());
    if (!wanted) {
      return new Entry(weight, null);
    }
    if (quantize == Quantize.FLOAT16) {
      return new Entry(weight, quantize);
    }
    FloatStreams.Range range = new FloatStreams.Range();
    streamFloats(model, weight, range);
    if (range.nonFinite > 0) {
      warnings.add("weight '" + weight.name() + "' has " + range.nonFinite
          + " NaN or infinite values, which " + quantize.jsonName()
          + " cannot represent; it is written unquantized.");
      return new Entry(weight, null);
    }
    Entry entry = new Entry(weight, quantize);
    if (weight.elementCount() == 0) {
      entry.affine = Quantizer.Affine.of(0, 0, quantize.quantMax());
    } else {
      entry.affine = Quantizer.Affine.of(range.min, range.max, quantize.quantMax());
    }
    return entry;
  }

  /** Streams a float32 weight's values (decoded first if the source is quantized) into a sink. */
  private static void streamFloats(LayersModel model, Weight weight, FloatStreams.FloatSink sink)
      throws IOException {
    Quantization stored = weight.quantization();
    if (stored == null) {
      weight.data().writeTo(sink);
    } else {
      FloatStreams.Dequantizing decoded = new FloatStreams.Dequantizing(sink, stored);
      weight.data().writeTo(decoded);
      decoded.flush();
    }
    if (sink.count() != weight.elementCount() || sink.partial()) {
      throw new IOException(
          model.source() + ": weight '" + weight.name() + "' gave " + sink.count()
              + " values; its shape " + weight + " needs " + weight.elementCount());
    }
  }

  private void writeEntry(LayersModel model, Entry entry, OutputStream shards) throws IOException {
    if (entry.target == null) {
      entry.source.data().writeTo(shards);
      return;
    }
    FloatStreams.Quantizing quantizing =
        new FloatStreams.Quantizing(shards, entry.target, entry.affine);
    streamFloats(model, entry.source, quantizing);
    quantizing.flush();
    if (quantizing.overflowed > 0) {
      warnings.add("weight '" + entry.source.name() + "' has " + quantizing.overflowed
          + " values beyond float16's range (65504); they become infinite.");
    }
    entry.written = entry.target == Quantize.FLOAT16
        ? new Quantization(Quantization.FLOAT16, null, null, "float32")
        : new Quantization(entry.target.jsonName(), entry.affine.min(), entry.affine.scale(),
            "float32");
  }

  private static void spec(ObjectNode spec, Entry entry) {
    Weight weight = entry.source;
    spec.put("name", weight.name());
    ArrayNode shape = spec.putArray("shape");
    for (long dim : weight.shape()) {
      shape.add(dim);
    }
    spec.put("dtype", weight.dtype().jsonName());
    Quantization q = entry.written;
    if (q != null) {
      ObjectNode node = spec.putObject("quantization");
      node.put("dtype", q.dtype());
      if (q.min() != null) {
        node.put("min", q.min());
      }
      if (q.scale() != null) {
        node.put("scale", q.scale());
      }
      if (q.originalDtype() != null) {
        node.put("original_dtype", q.originalDtype());
      }
    }
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
    topology.set("model_config", model.modelConfig());
    root.set("weightsManifest", manifest);
    return JSON.writeValueAsBytes(root);
  }
}
