package io.tensorspace.testing;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A family of tfjs-written models (one folder per member with model.json, weights.bin and
 * reference.json): each member converted from its model.json and from a Keras HDF5 file of the
 * same config and weights, and every conversion checked in both tfjs versions.
 */
public final class ModelFamily {
  private final Path out;
  private final List<TfjsJob> jobs = new ArrayList<>();

  /** @param out where the conversions go, one folder per member and source */
  public ModelFamily(Path out) {
    this.out = out;
  }

  /**
   * Converts the member in {@code dir} both ways; {@code checkOutputs} hears each conversion's
   * name ({@code <id>-json}, {@code <id>-h5}) and the outputs it exposes.
   */
  public void convert(Path dir, String id, BiConsumer<String, List<String>> checkOutputs)
      throws Exception {
    Path h5 = KerasH5Writer.fromTfjs(dir, dir.resolve("model.h5"));
    for (Path source : List.of(dir.resolve("model.json"), h5)) {
      String target = id + (source.equals(h5) ? "-h5" : "-json");
      ConversionResult result = new Converter().convert(new ConversionRequest(source, null,
          out.resolve(target), List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
      checkOutputs.accept(target, result.outputs());
      jobs.addAll(TfjsJob.layersInEveryVersion(target, out.resolve(target).resolve("model.json"),
          dir.resolve("reference.json"), result.outputs()));
    }
  }

  /** Runs every conversion in tfjs, asserts each matches, and prints the worst difference. */
  public void assertAllMatch(String family, int members) throws Exception {
    Map<String, Double> worst = new TreeMap<>();
    for (TfjsResult result : TfjsClient.check(jobs)) {
      result.assertOk();
      worst.merge(result.tfjsVersion(), result.maxAbsDiff(), Math::max);
    }
    System.out.println(family + ": " + members + " members x {model.json, h5}, " + jobs.size()
        + " tfjs checks, worst |diff| per tfjs " + worst);
  }
}
