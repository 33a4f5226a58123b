package io.tensorspace.convert.tensorspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.OnnxCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorSpace classes of ONNX models come from the ONNX op of each layer (the name map's
 * layerOp), with activations and normalisations folded into the Conv or Gemm before them.
 */
class OnnxTensorSpaceTest {
  @TempDir
  Path tmp;

  @Test
  void eachLayerIsDrawnByTheClassOfItsOnnxOp() throws Exception {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("pt-mnist-burn", List.of("Conv2d", "Conv2d", "Conv2d", "Dense", "Output1d"));
    expected.put("pt-mnist-onnxmlir", List.of("Pooling2d", "Dense", "Output1d"));
    expected.put("pt-cifar10-winml",
        List.of("Conv2d", "Conv2d", "Pooling2d", "Conv2d", "Conv2d", "Dense"));
    for (Map.Entry<String, List<String>> e : expected.entrySet()) {
      Path out = tmp.resolve(e.getKey());
      new Converter().convert(new ConversionRequest(OnnxCorpus.byId(e.getKey()).model(), null,
          out, List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
      JsonNode json = OnnxCorpus.read(out.resolve(TensorSpaceFiles.JSON_FILE));
      List<String> classes = new ArrayList<>();
      json.path("outputs").forEach(o -> classes.add(o.path("tensorspace").path("class").asText()));
      assertEquals(e.getValue(), classes, e.getKey());
      assertEquals("Sequential", json.path("model").asText(), e.getKey());
    }
  }

  @Test
  void explicitPadsGetTheValidWindowThatGivesTheShape() throws Exception {
    Path out = tmp.resolve("cifar");
    new Converter().convert(new ConversionRequest(OnnxCorpus.byId("pt-cifar10-winml").model(),
        null, out, List.of("33"), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
    JsonNode conv = OnnxCorpus.read(out.resolve(TensorSpaceFiles.JSON_FILE))
        .path("outputs").get(0).path("tensorspace");
    // a 5x5 Conv with pads 1: 32 -> 30, as TensorSpace's valid 3x3 rule gives
    assertEquals("Conv2d", conv.path("class").asText());
    assertEquals("[3,3]", conv.path("config").path("kernelSize").toString());
    assertEquals("valid", conv.path("config").path("padding").asText());
    assertEquals(12, conv.path("config").path("filters").asInt());
  }
}
