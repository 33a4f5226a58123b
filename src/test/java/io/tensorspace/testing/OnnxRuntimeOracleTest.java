package io.tensorspace.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorspace.testing.onnx.Onnx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oracle reproduces the ONNX corpus: for corpus models with fixed input shapes and pattern
 * inputs, the case it writes has the corpus reference's outputs, in the same order, with the same
 * values and tolerance (the corpus was computed outside the project with the same ONNX Runtime).
 */
class OnnxRuntimeOracleTest {
  @ParameterizedTest
  @ValueSource(strings = {"pt-mnist-onnxmlir", "pt-mnist-burn", "pt21-layernorm",
      "pt23-instancenorm2d", "pt28-lstm"})
  void writesTheCorpusReference(String id) throws Exception {
    OnnxCorpus.Case corpus = OnnxCorpus.byId(id);
    Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(corpus.model()));
    Path dir = Path.of("target", "oracle-check", id);
    new OnnxRuntimeOracle().writeCase(model, dir, "model.onnx", "cross-check");
    OnnxCorpus.Case ours = new OnnxCorpus.Case(id, dir);
    JsonNode expected = OnnxCorpus.read(corpus.reference());
    JsonNode actual = OnnxCorpus.read(ours.reference());
    assertEquals(corpus.referenceOutputs(), ours.referenceOutputs());
    assertEquals(expected.path("tolerance").asDouble(), actual.path("tolerance").asDouble(), 1e-9);
    int compared = 0;
    for (int k = 0; k < expected.path("outputs").size(); k++) {
      JsonNode e = expected.path("outputs").get(k);
      JsonNode a = actual.path("outputs").get(k);
      assertEquals(e.path("shape"), a.path("shape"), e.path("name").asText());
      if (e.path("data").isArray() && a.path("data").isArray()) {
        for (int i = 0; i < e.path("data").size(); i++) {
          assertEquals(e.path("data").get(i).asDouble(), a.path("data").get(i).asDouble(), 1e-6,
              e.path("name").asText() + "[" + i + "]");
          compared++;
        }
      }
    }
    assertTrue(compared > 0, "no inline values compared");
    for (String name : List.of("inputs")) {
      assertEquals(expected.path(name).get(0).path("data"), actual.path(name).get(0).path("data"));
    }
  }
}
