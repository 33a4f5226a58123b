package io.tensorspace.convert;

import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.ProgressTracking;
import io.tensorspace.convert.onnx.OnnxConverter;
import io.tensorspace.convert.select.LayerSelection;
import io.tensorspace.convert.select.NestedModels;
import io.tensorspace.convert.summary.ModelSummary;
import io.tensorspace.convert.summary.Summary;
import io.tensorspace.convert.tensorflow.GraphConverter;
import io.tensorspace.convert.tensorflow.GraphOptions;
import io.tensorspace.convert.tensorspace.NetworkDescription;
import io.tensorspace.convert.tensorspace.TensorSpaceFiles;
import io.tensorspace.convert.tfjs.TfjsCompatibility;
import io.tensorspace.convert.tfjs.TfjsVersions;
import io.tensorspace.convert.write.AtomicDirectory;
import io.tensorspace.convert.write.LayersModelWriter;
import io.tensorspace.convert.write.Quantize;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The converter's one entry point: read, make tfjs-compatible, select, write. */
public final class Converter {
  private final ProgressListener progress;
  private final CopiedRegions copied;

  public Converter() {
    this(ProgressListener.NONE, CopiedRegions.NONE);
  }

  /**
   * @param progress hears how far the weights of each conversion have been written
   * @param copied hears each input file region copied unchanged into the output
   */
  public Converter(ProgressListener progress, CopiedRegions copied) {
    this.progress = progress;
    this.copied = copied;
  }

  public ConversionResult convert(ConversionRequest request) throws ConversionException, IOException {
    try {
      return convertModel(request);
    } catch (InputFailures.WeightReadException e) {
      throw e.conversionException();
    } catch (java.nio.file.AccessDeniedException e) {
      throw InputFailures.denied(e, request.outputDirectory());
    } catch (RuntimeException | StackOverflowError e) {
      // a model the reader accepted but that breaks a later step (odd config, unreadable weights)
      throw InputFailures.damaged(request.source(), request.weights(), e);
    }
  }

  private ConversionResult convertModel(ConversionRequest request)
      throws ConversionException, IOException {
    ModelSources.ModelSource model = ModelSources.locate(request.source(), request.weights());
    checkInputShapes(model, request.graph());
    if (model.format() == InputFormat.ONNX) {
      return new OnnxConverter(request.graph().inputShapes().byName()).convert(request.withSource(model.file(), model.weights()), copied);
    }
    if (model.format().isGraph()) {
      return graphConverter(request.graph())
          .convert(request.withSource(model.file(), model.weights()), copied, model.format());
    }
    try (LayersModel source = ModelReaders.open(model)) {
      ModelChecks.check(source);
      // select before making tfjs-compatible: a layer no chosen output depends on is dropped
      // first, so an unconvertible layer after the chosen outputs does not stop the conversion
      LayersModel flat = new NestedModels().flatten(InputFailures.guardWeights(source));
      LayersModel chosen =
          new LayerSelection(request.outputLayers(), request.excludeLayers()).apply(flat);
      LayersModel selected =
          ProgressTracking.track(new TfjsCompatibility().apply(chosen), progress);
      LayersModelWriter writer = new LayersModelWriter(request.shardSizeBytes(),
          request.quantize(), request.quantizeWeights(), request.splitWeightsByLayer());
      long bytes = write(request, selected, writer);
      List<String> warnings = new ArrayList<>(writer.warnings());
      warnings.addAll(0, TfjsCompatibility.requirements(selected));
      String minimumTfjs = TfjsCompatibility.minimumTfjsVersion(selected);
      if (request.quantize() == Quantize.FLOAT16) {
        warnings.add(0, Quantize.FLOAT16_WARNING);
        minimumTfjs = TfjsVersions.max(minimumTfjs, Quantize.FLOAT16_MINIMUM_TFJS);
      }
      return new ConversionResult(request.outputDirectory(), selected.outputNames(), bytes,
          warnings, minimumTfjs);
    }
  }

  /**
   * Writes the layers model and, at the same time, the TensorSpace companion files (from the same
   * selected outputs in the same order) into the output folder; returns the weight bytes written.
   * Anonymous classes rather than lambdas: {@code FirstUse} loads a class ahead, while a lambda's
   * first call bootstraps one on this thread.
   */
  private long write(ConversionRequest request, LayersModel selected, LayersModelWriter writer)
      throws ConversionException, IOException {
    long[] bytes = new long[1];
    AtomicDirectory.Filler model = new AtomicDirectory.Filler() {
      @Override
      public void fill(Path directory) throws IOException, ConversionException {
        bytes[0] = writer.write(selected, directory, copied);
      }
    };
    AtomicDirectory.Filler companion = new AtomicDirectory.Filler() {
      @Override
      public void fill(Path directory) throws IOException, ConversionException {
        TensorSpaceFiles.write(NetworkDescription.of(selected, LayersModelWriter.MODEL_JSON),
            directory, request.outputDirectory().getFileName().toString(),
            request.tensorSpace());
      }
    };
    new AtomicDirectory(request.outputDirectory(), OWN_FILES)
        .write(AtomicDirectory.concurrently(model, companion));
    return bytes[0];
  }

  /** The files of a layers model's output folder, which replacing the folder may remove. */
  private static final Predicate<String> OWN_FILES = new Predicate<>() {
    @Override
    public boolean test(String name) {
      return LayersModelWriter.writes(name) || TensorSpaceFiles.writes(name);
    }
  };

  /** Lists every layer (or graph node) a user can pick. */
  public Summary summarize(Path source, Path weights, GraphOptions graph)
      throws ConversionException, IOException {
    try {
      ModelSources.ModelSource found = ModelSources.locate(source, weights);
      checkInputShapes(found, graph);
      if (found.format() == InputFormat.ONNX) {
        return new OnnxConverter(graph.inputShapes().byName()).summarize(found.file());
      }
      if (found.format().isGraph()) {
        return graphConverter(graph).summarize(found.file());
      }
      try (LayersModel model = ModelReaders.open(found)) {
        return ModelSummary.of(model);
      }
    } catch (java.nio.file.AccessDeniedException e) {
      throw InputFailures.unreadable(e.getFile() == null ? source : Path.of(e.getFile()));
    } catch (RuntimeException | StackOverflowError e) {
      throw InputFailures.damaged(source, weights, e);
    }
  }

  /** Only ONNX inputs may have dynamic dimensions to pin; the other formats fix their shapes. */
  private static void checkInputShapes(ModelSources.ModelSource model, GraphOptions options)
      throws ConversionException {
    if (model.format() != InputFormat.ONNX && !options.inputShapes().isEmpty()) {
      throw new ConversionException(model.file() + " is a " + model.format().shortName()
          + ", whose input shapes the model fixes itself; the inputShape setting ('"
          + options.inputShapes() + "') applies to ONNX models only. Remove <inputShape>"
          + " (-Dtensorspace.inputShape) from this model.");
    }
  }

  private static GraphConverter graphConverter(GraphOptions options) {
    return new GraphConverter(options.signature(), options.tags());
  }
}
