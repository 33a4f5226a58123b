package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.testing.OnnxFamilies;
import io.tensorspace.testing.onnx.Onnx;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The generated ONNX op families (testing/onnx): every member is a model ONNX Runtime loads and
 * runs (it computed the reference), and its file reads back as the model that was written.
 */
class GeneratedOnnxFamiliesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> everyMemberRunsInOnnxRuntimeAndReadsBack() {
    List<OnnxFamilies.Case> cases = OnnxFamilies.generate(OnnxFamilies.ROOT);
    Map<String, Integer> counts = new TreeMap<>();
    cases.forEach(c -> counts.merge(c.member().family(), 1, Integer::sum));
    System.out.println("generated ONNX families: " + cases.size() + " members " + counts);
    return cases.stream().map(c -> DynamicTest.dynamicTest(c.member().id(), () -> {
      byte[] bytes = Files.readAllBytes(c.model());
      assertTrue(bytes.length < 50_000, () -> c.model() + " is " + bytes.length + " bytes");
      Onnx.ModelProto read = Onnx.ModelProto.parseFrom(bytes);
      assertEquals(c.member().model().getGraph().getNodeList(), read.getGraph().getNodeList());
      JsonNode reference = JSON.readTree(c.reference().toFile());
      long nodeOutputs = read.getGraph().getNodeList().stream()
          .flatMap(n -> n.getOutputList().stream()).filter(o -> !o.isEmpty()).count();
      assertEquals(nodeOutputs, reference.get("outputs").size());
    }));
  }
}
