package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.tensorflow.GraphOptions;
import io.tensorspace.testing.OnnxCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which ONNX outputs a conversion exposes: by default each layer's activation (as for TensorFlow
 * graphs), else the outputs named by ONNX tensor name, node name or TensorFlow node name; the
 * summary lists every node output; model.json and tensorspace.json map the names.
 */
class OnnxSelectionTest {
  @TempDir
  Path tmp;

  @Test
  void defaultSelectionIsEachLayersActivationAndRunsInBothTfjs() throws Exception {
    List<TfjsJob> jobs = new ArrayList<>();
    for (String id : List.of("pt-mnist-burn", "pt-cifar10-winml", "caffe2-light-squeezenet")) {
      OnnxCorpus.Case c = OnnxCorpus.byId(id);
      Path out = tmp.resolve(id);
      new Converter().convert(new ConversionRequest(c.model(), null, out, List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
      JsonNode model = OnnxCorpus.read(out.resolve("model.json"));
      JsonNode map = model.path("userDefinedMetadata").path(OnnxConverter.METADATA_KEY);
      List<String> nodes = new ArrayList<>();
      model.path("userDefinedMetadata").path("outputNodes").forEach(n -> nodes.add(n.asText()));
      List<String> names = new ArrayList<>();
      map.path("outputs").fieldNames().forEachRemaining(names::add);
      assertEquals(nodes.size(), names.size());
      for (int i = 0; i < names.size(); i++) {
        assertEquals(nodes.get(i), map.path("outputs").path(names.get(i)).path("node").asText());
      }
      JsonNode tsp = OnnxCorpus.read(out.resolve("tensorspace.json"));
      assertEquals(map, tsp.path(OnnxConverter.METADATA_KEY), "tensorspace.json has the map");
      System.out.println("[onnx-selection] " + id + " default: " + names);
      if (id.equals("pt-mnist-burn")) {
        assertEquals(List.of("/Relu_output_0", "/Relu_1_output_0",
            "/norm1/BatchNormalization_output_0", "/Relu_3_output_0", "33"), names);
      }
      Path reference = OnnxCorpus.referenceFor(c, out.resolve("model.json"),
          tmp.resolve("ref-" + id + ".json"));
      for (String v : TfjsJob.VERSIONS) {
        jobs.add(new TfjsJob(id + "@" + v, v, out, "model.json", TfjsJob.GRAPH, reference,
            nodes, names));
      }
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      System.out.println("[onnx-selection] " + r.id() + " ok=" + r.ok() + " maxAbsDiff="
          + r.maxAbsDiff());
      r.assertOk();
    }
  }

  @Test
  void outputsAreNamedByTensorNodeOrTensorFlowName() throws Exception {
    OnnxCorpus.Case c = OnnxCorpus.byId("pt-mnist-burn");
    Path out = tmp.resolve("named");
    new Converter().convert(new ConversionRequest(c.model(), null, out,
        List.of("/conv1/Conv", "/Relu_1_output_0", "fc1/Gemm_output_0"), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    JsonNode map = OnnxCorpus.read(out.resolve("model.json"))
        .path("userDefinedMetadata").path(OnnxConverter.METADATA_KEY).path("outputs");
    List<String> names = new ArrayList<>();
    map.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("/conv1/Conv_output_0", "/Relu_1_output_0", "/fc1/Gemm_output_0"),
        names);
    assertEquals("channels_last", map.path("/conv1/Conv_output_0").path("layout").asText());
    assertEquals("[1,8,26,26]", map.path("/conv1/Conv_output_0").path("shape").toString());
  }

  @Test
  void anUnknownNameIsRefusedWithTheClosestOne() {
    OnnxCorpus.Case c = OnnxCorpus.byId("pt-mnist-burn");
    ConversionException e = assertThrows(ConversionException.class, () -> new Converter()
        .convert(new ConversionRequest(c.model(), null, tmp.resolve("x"),
            List.of("/conv1/Conv_outpt_0"), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE)));
    assertTrue(e.getMessage().contains("'/conv1/Conv_outpt_0'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean '/conv1/Conv_output_0'"), e.getMessage());
  }

  @Test
  void summaryListsEveryNodeOutput() throws Exception {
    for (OnnxCorpus.Case c : OnnxCorpus.cases()) {
      if (c.expectsError()) {
        continue;
      }
      List<String> lines = new Converter().summarize(c.model(), null,
          new GraphOptions("serving_default", Set.of("serve"))).toLines();
      String text = String.join("\n", lines);
      for (String name : c.referenceOutputs()) {
        assertTrue(text.contains(name), c.id() + " lists " + name);
      }
      // a header line, the column titles, a row per node output (the reference may skip some)
      assertTrue(lines.size() - 2 >= c.referenceOutputs().size(), lines.get(0));
    }
  }
}
