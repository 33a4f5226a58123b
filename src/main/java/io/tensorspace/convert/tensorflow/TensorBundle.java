package io.tensorspace.convert.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.RegionSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;

/**
 * A TensorFlow checkpoint (tensor bundle) read without TensorFlow: {@code <prefix>.index} is a
 * LevelDB-format table mapping each tensor name to a {@link BundleEntryProto} (dtype, shape, data
 * shard, offset, size); {@code <prefix>.data-<i>-of-<n>} hold the raw little-endian bytes (the
 * bundle format has no compression for them: only index blocks may be Snappy-compressed). The
 * index is small and read at once ({@link CheckpointTable}); tensor bytes only when asked for.
 */
final class TensorBundle {
  private final Path prefix;
  private final Map<String, BundleEntryProto> entries;
  private final int shards;

  private TensorBundle(Path prefix, Map<String, BundleEntryProto> entries, int shards) {
    this.prefix = prefix;
    this.entries = entries;
    this.shards = shards;
  }

  /** Opens {@code <prefix>.index}, e.g. prefix {@code saved/variables/variables}. */
  static TensorBundle open(Path prefix) throws ConversionException, IOException {
    Path index = prefix.resolveSibling(prefix.getFileName() + ".index");
    if (!Files.isRegularFile(index)) {
      throw new ConversionException("checkpoint index " + index + " is missing; a SavedModel keeps"
          + " its variables in variables/variables.index and variables.data-*.");
    }
    try {
      Map<String, BundleEntryProto> entries = new LinkedHashMap<>();
      BundleHeaderProto header = null;
      for (Map.Entry<String, byte[]> e
          : CheckpointTable.entries(index, Files.readAllBytes(index)).entrySet()) {
        if (e.getKey().isEmpty()) {
          header = BundleHeaderProto.parseFrom(e.getValue());
        } else {
          entries.put(e.getKey(), BundleEntryProto.parseFrom(e.getValue()));
        }
      }
      if (header != null && header.getEndianness() == BundleHeaderProto.Endianness.BIG) {
        throw new ConversionException(index + " was written big-endian; only little-endian"
            + " checkpoints are supported.");
      }
      return new TensorBundle(prefix, entries, header == null ? 1 : Math.max(1, header.getNumShards()));
    } catch (InvalidProtocolBufferException | IndexOutOfBoundsException
        | BufferUnderflowException | IllegalArgumentException e) {
      // a buffer underflow (a block shorter than its entries say) carries no message
      String why = e.getMessage() == null ? "it ends inside an entry" : e.getMessage();
      throw new ConversionException(index + " is not a readable TensorFlow checkpoint index: "
          + why + ".", e);
    }
  }

  boolean contains(String key) {
    return entries.containsKey(key);
  }

  BundleEntryProto entry(String key) {
    return entries.get(key);
  }

  Iterable<String> keys() {
    return entries.keySet();
  }

  /** The raw bytes of a tensor, as TensorFlow stored them. */
  ByteBuffer read(String key) throws ConversionException, IOException {
    BundleEntryProto entry = entries.get(key);
    Path data = dataFile(key, entry);
    try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
      ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(entry.getSize()));
      while (out.hasRemaining()) {
        if (channel.read(out, entry.getOffset() + out.position()) < 0) {
          throw truncated(key, entry, data);
        }
      }
      out.flip();
      return out.order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /**
   * Copies a tensor's raw bytes to {@code out} as a file region, never holding them (for tensors
   * stored as TensorFlow.js reads them: float32 and int32, little-endian).
   */
  void copy(String key, OutputStream out) throws ConversionException, IOException {
    BundleEntryProto entry = entries.get(key);
    Path data = dataFile(key, entry);
    if (entry.getOffset() < 0 || entry.getSize() < 0
        || Files.size(data) - entry.getSize() < entry.getOffset()) {
      throw truncated(key, entry, data);
    }
    RegionSink.copy(data, entry.getOffset(), entry.getSize(), out);
  }

  /** The data shard holding a tensor, which must exist and hold it whole (not in slices). */
  private Path dataFile(String key, BundleEntryProto entry) throws ConversionException {
    if (entry == null) {
      throw new ConversionException(prefix + ": the checkpoint has no tensor '" + key + "'.");
    }
    if (entry.getSlicesCount() > 0) {
      throw new ConversionException(prefix + ": tensor '" + key + "' is stored in slices"
          + " (a partitioned variable), which this plugin does not read.");
    }
    Path data = prefix.resolveSibling(String.format("%s.data-%05d-of-%05d",
        prefix.getFileName(), entry.getShardId(), shards));
    if (!Files.isRegularFile(data)) {
      throw new ConversionException("checkpoint data file " + data + " is missing.");
    }
    return data;
  }

  private static ConversionException truncated(String key, BundleEntryProto entry, Path data) {
    return new ConversionException(data + " ends before tensor '" + key + "' (offset "
        + entry.getOffset() + ", " + entry.getSize() + " bytes): the checkpoint is truncated.");
  }
}
