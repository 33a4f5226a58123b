package io.tensorspace.convert.write;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Quantization;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How each weight is stored, for both writers: quantized (uint8/uint16/float16, float32 weights
 * only, optionally only those whose names match patterns) or copied as read; then its bytes and
 * its manifest entry. A weight quantized to uint8/uint16 is streamed twice (once for its range,
 * once to write it), so it is never whole in memory.
 */
final class WeightEncoder {
  private final Quantize quantize;
  private final WeightPatterns patterns;
  private final List<String> warnings = new ArrayList<>();

  WeightEncoder(Quantize quantize, List<String> quantizeWeights) {
    this.quantize = quantize == null ? Quantize.NONE : quantize;
    this.patterns = new WeightPatterns(quantizeWeights == null ? List.of() : quantizeWeights);
  }

  /** One weight as it will be written. */
  static final class Entry {
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

  /** What planning and writing had to say: skipped quantizations, unmatched patterns... */
  List<String> warnings() {
    return List.copyOf(warnings);
  }

  /** Plans every weight of a model read from {@code source}, in order. */
  List<Entry> plan(Path source, List<Weight> weights) throws IOException {
    warnings.clear();
    if (quantize == Quantize.NONE && !patterns.isEmpty()) {
      warnings.add("quantizeWeights " + patterns.patterns()
          + " is ignored: quantize is none. Set quantize to uint8, uint16 or float16.");
    }
    if (quantize != Quantize.NONE) {
      for (String pattern : patterns.patterns()) {
        if (weights.stream().noneMatch(w -> WeightPatterns.matches(pattern, w.name()))) {
          warnings.add("quantizeWeights pattern '" + pattern + "' matches no weight of the model.");
        }
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (Weight weight : weights) {
      entries.add(plan(source, weight));
    }
    return entries;
  }

  private Entry plan(Path source, Weight weight) throws IOException {
    boolean wanted = quantize != Quantize.NONE
        && weight.dtype() == DType.FLOAT32
        && patterns.matches(weight.name())
        && !quantize.matches(weight.quantization());
    if (!wanted) {
      return new Entry(weight, null);
    }
    if (quantize == Quantize.FLOAT16) {
      return new Entry(weight, quantize);
    }
    FloatStreams.Range range = new FloatStreams.Range();
    streamFloats(source, weight, range);
    if (range.nonFinite > 0) {
      warnings.add("weight '" + weight.name() + "' has " + range.nonFinite
          + " NaN or infinite values, which " + quantize.jsonName()
          + " cannot represent; it is written unquantized.");
      return new Entry(weight, null);
    }
    Entry entry = new Entry(weight, quantize);
    entry.affine = weight.elementCount() == 0
        ? Quantizer.Affine.of(0, 0, quantize.quantMax())
        : Quantizer.Affine.of(range.min, range.max, quantize.quantMax());
    return entry;
  }

  /** Writes one planned weight's stored bytes, checking their count. */
  void write(Path source, Entry entry, ShardedOutputStream shards) throws IOException {
    long before = shards.written();
    if (entry.target == null) {
      entry.source.data().writeTo(shards);
    } else {
      quantize(source, entry, shards);
    }
    long actual = shards.written() - before;
    if (actual != entry.byteLength()) {
      throw new IOException(source + ": weight '" + entry.source.name() + "' gave " + actual
          + " bytes; its shape " + entry.source + " needs " + entry.byteLength());
    }
  }

  private void quantize(Path source, Entry entry, OutputStream shards) throws IOException {
    FloatStreams.Quantizing quantizing =
        new FloatStreams.Quantizing(shards, entry.target, entry.affine);
    streamFloats(source, entry.source, quantizing);
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

  /** Streams a float32 weight's values (decoded first if the source is quantized) into a sink. */
  private static void streamFloats(Path source, Weight weight, FloatStreams.FloatSink sink)
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
      throw new IOException(source + ": weight '" + weight.name() + "' gave " + sink.count()
          + " values; its shape " + weight + " needs " + weight.elementCount());
    }
  }

  /** The bytes the entries take in their shards, together. */
  static long byteLength(List<Entry> entries) {
    long total = 0;
    for (Entry entry : entries) {
      total = Math.addExact(total, entry.byteLength());
    }
    return total;
  }

  /**
   * A weightsManifest group as tfjs reads it: the shard files of group {@code number}, holding
   * {@code bytes} in shards of {@code shardSize}, then the specs of its weights in order.
   */
  static void manifestGroup(ObjectNode group, int number, long bytes, long shardSize,
      List<Entry> entries) {
    ArrayNode paths = group.putArray("paths");
    for (String name : ShardedOutputStream.names(number, bytes, shardSize)) {
      paths.add(name);
    }
    ArrayNode specs = group.putArray("weights");
    for (Entry entry : entries) {
      spec(specs.addObject(), entry);
    }
  }

  /** The manifest entry of a written weight: name, shape, dtype and how it is stored. */
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
}
