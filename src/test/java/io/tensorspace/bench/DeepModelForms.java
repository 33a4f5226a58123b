package io.tensorspace.bench;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.write.Quantize;
import io.tensorspace.testing.KerasGraphWriter;
import io.tensorspace.testing.KerasGraphWriter.FrozenGraph;
import io.tensorspace.testing.KerasH5Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark input only, for scripts/benchmark-deep.sh: the other forms of a tfjs layers model
 * written by make-deep-models.js. {@code <out>/model.h5} is the Keras 2 HDF5 file (jHDF,
 * {@link KerasH5Writer}) but for its {@code model_config}, written to {@code <out>/model_config.json}
 * for h5py to add as Keras does (jHDF writes no attribute over 64 KiB); {@code <out>/uint8/model.json} the same model with its weights quantized
 * to uint8 as the official converter's {@code --quantize_uint8} does; {@code <out>/graph/model.json}
 * a tfjs graph model, from the frozen GraphDef TF Java builds of it ({@link KerasGraphWriter}). The
 * last two are written by the plugin's converter with the model's own single output, so they hold
 * the whole model as the official converter would write it, not the exposed activations.
 *
 * <p>usage: {@code DeepModelForms <tfjs model dir> <out dir>}
 */
public final class DeepModelForms {
  private DeepModelForms() {}

  public static void main(String[] args) throws Exception {
    Path tfjs = Path.of(args[0]).resolve("model.json");
    Path out = Files.createDirectories(Path.of(args[1]));
    KerasH5Writer.fromTfjs(Path.of(args[0]), out.resolve("model.h5"),
        out.resolve("model_config.json"));
    FrozenGraph graph = KerasGraphWriter.write(tfjs, out.resolve("model.pb"));
    String last = graph.layers().get(graph.layers().size() - 1);
    new Converter().convert(request(tfjs, out.resolve("uint8"), last)
        .withWeightOptions(Quantize.UINT8, List.of(), false));
    new Converter().convert(request(graph.pb(), out.resolve("graph"), last));
  }

  private static ConversionRequest request(Path source, Path output, String last) {
    return new ConversionRequest(source, null, output, List.of(last), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE);
  }
}
