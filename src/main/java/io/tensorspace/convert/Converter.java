package io.tensorspace.convert;

import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.select.LayerSelection;
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

  public ConversionResult convert(ConversionRequest request) throws ConversionException, IOException {
    try (LayersModel source = ModelReaders.open(request.source(), request.weights())) {
      LayersModel compatible = new TfjsCompatibility().apply(source);
      LayersModel selected =
          new LayerSelection(request.outputLayers(), request.excludeLayers()).apply(compatible);
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
      if (request.quantize() == Quantize.FLOAT16) {
        warnings.add(0, Quantize.FLOAT16_WARNING);
      }
      return new ConversionResult(
          request.outputDirectory(), selected.outputNames(), bytes.get(), warnings);
    }
  }

  /** Lists every layer a user can pick. */
  public ModelSummary summarize(Path source, Path weights) throws ConversionException, IOException {
    try (LayersModel model = ModelReaders.open(source, weights)) {
      return ModelSummary.of(model);
    }
  }
}
