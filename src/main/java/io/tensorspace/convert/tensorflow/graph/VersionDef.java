package io.tensorspace.convert.tensorflow.graph;

import java.util.List;

/**
 * The GraphDef version a graph was written at and the consumers that may read it.
 *
 * @param producer the GraphDef version of the writer
 * @param minConsumer the oldest GraphDef version that may read it
 * @param badConsumers versions that must not read it
 */
public record VersionDef(int producer, int minConsumer, List<Integer> badConsumers) {
  public static final VersionDef NONE = new VersionDef(0, 0, List.of());

  public VersionDef {
    badConsumers = List.copyOf(badConsumers);
  }

  /** Only the producer, as the converter writes it. */
  public static VersionDef ofProducer(int producer) {
    return new VersionDef(producer, 0, List.of());
  }
}
