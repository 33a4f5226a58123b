package io.tensorspace.convert.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.summary.Summary;
import io.tensorspace.convert.tensorflow.BuiltGraph;
import io.tensorspace.convert.tensorflow.GraphConverter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX models to TensorFlow.js graph-models: read the wire format, translate node by node into
 * TensorFlow ops with channels-last activations, select the outputs by ONNX names, and hand the
 * graph to the TensorFlow graph-model pipeline, which prunes, checks and writes it.
 */
public final class OnnxConverter {
  /** The key in model.json's userDefinedMetadata (and tensorspace.json) of the ONNX name map. */
  public static final String METADATA_KEY = "onnx";

  private final Map<String, long[]> inputShapes;

  /** Dynamic dimensions are pinned from the model's own shapes (a dynamic batch is 1). */
  public OnnxConverter() {
    this(Map.of());
  }

  /** @param inputShapes ONNX (NCHW) shapes of inputs by name, replacing the model's own */
  public OnnxConverter(Map<String, long[]> inputShapes) {
    this.inputShapes = Map.copyOf(inputShapes);
  }

  public ConversionResult convert(ConversionRequest request, CopiedRegions copied)
      throws ConversionException, IOException {
    if (request.weights() != null) {
      throw new ConversionException(request.source() + " is an ONNX model that holds its own"
          + " weights; remove <weights> (" + request.weights() + ").");
    }
    OnnxModel model = new OnnxReader().read(request.source());
    OnnxTranslation translation = new OnnxTranslator(model, inputShapes).translate();
    List<String> selected = select(translation, request.outputLayers(), request.excludeLayers());
    List<String> nodes = new ArrayList<>();
    for (String name : selected) {
      nodes.add(translation.tfNode(name));
    }
    ObjectNode metadata = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    metadata.set(METADATA_KEY, translation.metadata(selected));
    BuiltGraph built = new BuiltGraph(model.file(), generatedBy(model),
        translation.graph.nodes, translation.graph.weights, nodes, metadata);
    return new GraphConverter().convert(request, copied, built);
  }

  /** Every node output with its op, NCHW shape, node name and TensorFlow node. */
  public Summary summarize(Path source) throws ConversionException, IOException {
    OnnxModel model = new OnnxReader().read(source);
    OnnxTranslation translation;
    try {
      translation = new OnnxTranslator(model, inputShapes).translate();
    } catch (ConversionException e) {
      // no fixed input shape (or no opset): the nodes are still listed, without shapes
      return new OnnxSummary(source + " (" + generatedBy(model) + "; " + e.getMessage() + ")",
          untranslated(model));
    }
    Set<String> suggested;
    try {
      suggested = Set.copyOf(translation.defaults());
    } catch (ConversionException e) {
      suggested = Set.of();
    }
    return new OnnxSummary(source.toString() + " (" + generatedBy(model) + ")",
        translation.rows(suggested));
  }

  private static List<String[]> untranslated(OnnxModel model) {
    List<String[]> rows = new ArrayList<>();
    for (OnnxModel.Node node : model.graph().nodes()) {
      for (String out : node.outputs()) {
        if (!out.isEmpty()) {
          rows.add(new String[] {"", out, node.name(), node.opType(), "?", "not translated"});
        }
      }
    }
    return rows;
  }

  private static List<String> select(OnnxTranslation translation, List<String> requested,
      List<String> exclude) throws ConversionException {
    if (!requested.isEmpty()) {
      return translation.resolve(requested);
    }
    List<String> defaults = new ArrayList<>(translation.defaults());
    defaults.removeIf(name -> translation.excluded(name, exclude));
    if (defaults.isEmpty()) {
      throw new ConversionException(translation.model.file() + ": found no node output to expose;"
          + " name them with <outputLayers> (the summary goal lists them).");
    }
    return defaults;
  }

  private static String generatedBy(OnnxModel model) {
    return (model.producer().isEmpty() ? "unknown producer" : model.producer())
        + " (ONNX IR " + model.irVersion() + ", opset " + model.opset() + ")";
  }
}
