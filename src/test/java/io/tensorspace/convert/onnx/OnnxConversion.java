package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.InputFormat;
import io.tensorspace.convert.ModelSources;
import io.tensorspace.testing.OnnxCorpus;
import io.tensorspace.testing.TfjsJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX case (a corpus case, or a generated member in the same layout) converted with chosen
 * outputs for the tfjs check: the tfjs nodes to run for the ONNX names and the reference in the
 * model's layout, or the refusal. What OnnxCorpusTest and GeneratedOnnxFamiliesTest share.
 */
record OnnxConversion(OnnxCorpus.Case c, List<String> nodes, List<String> names, Path output,
    Path reference, Exception error) {

  /**
   * Converts with {@code names} selected; writes the reference in the model's layout to
   * {@code referenceFile}.
   */
  static OnnxConversion convert(OnnxCorpus.Case c, Path output, List<String> names,
      Path referenceFile) throws Exception {
    if (c.expectsError() || names.isEmpty()) {
      return attempt(c, output, names);
    }
    OnnxConversion attempt = attempt(c, output, names);
    if (attempt.error() != null) {
      return attempt;
    }
    JsonNode onnx = OnnxCorpus.read(output.resolve("model.json"))
        .path("userDefinedMetadata").path(OnnxConverter.METADATA_KEY);
    List<String> nodes = new ArrayList<>();
    for (String name : names) {
      JsonNode entry = onnx.path("outputs").path(name);
      assertFalse(entry.isMissingNode(), c.id() + ": model.json maps no node for " + name);
      nodes.add(entry.path("node").asText());
    }
    Path reference = OnnxCorpus.referenceFor(c, output.resolve("model.json"), referenceFile);
    return new OnnxConversion(c, nodes, names, output, reference, null);
  }

  private static OnnxConversion attempt(OnnxCorpus.Case c, Path output, List<String> names)
      throws Exception {
    assertEquals(InputFormat.ONNX, ModelSources.locate(c.model(), null).format(), c.id());
    try {
      new OnnxConverter(inputShapes(c)).convert(new ConversionRequest(c.model(), null, output,
          names, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE), CopiedRegions.NONE);
      return new OnnxConversion(c, List.of(), names, output, null, null);
    } catch (ConversionException e) {
      return new OnnxConversion(c, List.of(), names, output, null, e);
    }
  }

  /** The input shapes the reference was computed with (its dynamic dimensions pinned). */
  static Map<String, long[]> inputShapes(OnnxCorpus.Case c) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    if (!c.expectsError()) {
      for (JsonNode in : OnnxCorpus.read(c.reference()).path("inputs")) {
        long[] shape = new long[in.path("shape").size()];
        for (int k = 0; k < shape.length; k++) {
          shape[k] = in.path("shape").get(k).asLong();
        }
        shapes.put(in.path("name").asText(), shape);
      }
    }
    return shapes;
  }

  /** The tfjs checks of a conversion, one per tfjs version ({@code <id>@<version>}); none when refused. */
  void addJobs(List<TfjsJob> jobs, String id) {
    if (error == null && !nodes.isEmpty()) {
      for (String v : TfjsJob.VERSIONS) {
        jobs.add(new TfjsJob(id + "@" + v, v, output, "model.json", TfjsJob.GRAPH, reference,
            nodes, names));
      }
    }
  }
}
