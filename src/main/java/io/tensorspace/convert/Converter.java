package io.tensorspace.convert;

import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.ProgressTracking;
import io.tensorspace.convert.select.LayerSelection;
import io.tensorspace.convert.select.NestedModels;
import io.tensorspace.convert.summary.ModelSummary;
import io.tensorspace.convert.tensorspace.NetworkDescription;
import io.tensorspace.convert.tensorspace.TensorSpaceFiles;
import io.tensorspace.convert.tfjs.TfjsCompatibility;
import io.tensorspace.convert.write.AtomicDirectory;
import io.tensorspace.convert.write.LayersModelWriter;
import io.tensorspace.convert.write.Quantize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The converter's one entry point: read, make tfjs-compatible, select, write. */
public final class Converter {
  private final ProgressListener progress;

  public Converter() {
    this(ProgressListener.NONE);
  }

  /** @param progress hears how far the weights of each conversion have been written */
  public Converter(ProgressListener progress) {
    this.progress = progress;
  }

  public ConversionResult convert(ConversionRequest request) throws ConversionException, IOException {
    try {
      return convertModel(request);
    } catch (InputFailures.WeightReadException e) {
      throw e.conversionException();
    } catch (RuntimeException | StackOverflowError e) {
      // a model the reader accepted but that breaks a later step (odd config, unreadable weights)
      throw InputFailures.damaged(request.source(), request.weights(), e);
    }
  }

  private ConversionResult convertModel(ConversionRequest request)
      throws ConversionException, IOException {
    try (LayersModel source = ModelReaders.open(request.source(), request.weights())) {
      ModelChecks.check(source);
      LayersModel compatible = new TfjsCompatibility().apply(InputFailures.guardWeights(source));
      LayersModel flat = new NestedModels().flatten(compatible);
      LayersModel selected =
          ProgressTracking.track(
              new LayerSelection(request.outputLayers(), request.excludeLayers()).apply(flat),
              progress);
      AtomicLong bytes = new AtomicLong();
      LayersModelWriter writer = new LayersModelWriter(request.shardSizeBytes(),
          request.quantize(), request.quantizeWeights(), request.splitWeightsByLayer());
      new AtomicDirectory(request.outputDirectory(),
          name -> LayersModelWriter.writes(name) || TensorSpaceFiles.writes(name))
          .write(directory -> {
            bytes.set(writer.write(selected, directory));
            // the TensorSpace companion files, from the same selected outputs in the same order
            TensorSpaceFiles.write(NetworkDescription.of(selected, LayersModelWriter.MODEL_JSON),
                directory, request.outputDirectory().getFileName().toString(),
                request.tensorSpace());
          });
      List<String> warnings = new ArrayList<>(writer.warnings());
      warnings.addAll(0, TfjsCompatibility.requirements(selected));
      String minimumTfjs = TfjsCompatibility.minimumTfjsVersion(selected);
      if (request.quantize() == Quantize.FLOAT16) {
        warnings.add(0, Quantize.FLOAT16_WARNING);
        minimumTfjs = newer(minimumTfjs, Quantize.FLOAT16_MINIMUM_TFJS);
      }
      return new ConversionResult(request.outputDirectory(), selected.outputNames(), bytes.get(),
          warnings, minimumTfjs);
    }
  }

  /** The later of two dotted versions. */
  static String newer(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int p = i < x.length ? Integer.parseInt(x[i]) : 0;
      int q = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (p != q) {
        return p > q ? a : b;
      }
    }
    return a;
  }

  /** Lists every layer a user can pick. */
  public ModelSummary summarize(Path source, Path weights) throws ConversionException, IOException {
    try (LayersModel model = ModelReaders.open(source, weights)) {
      return ModelSummary.of(model);
    } catch (RuntimeException | StackOverflowError e) {
      throw InputFailures.damaged(source, weights, e);
    }
  }
}
