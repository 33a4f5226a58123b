package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.testing.OnnxCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every step of an unrolled recurrent node is an output of its own: selected by its TensorFlow
 * node name ({@code <Y>/<direction>/step_<t>/h}), recorded in model.json with its direction and
 * time step, and equal in tfjs 1.7.4 and 4.22.0 to ONNX Runtime's Y at that step and direction.
 */
class RecurrentStepsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @ParameterizedTest
  @CsvSource({"synthetic-gru-burnonnx, Y, GRU", "pt28-lstm, /lstm/LSTM_output_0, LSTM", "pt-nnsplit-bilstm, 77, LSTM"})
  void everyStepMatchesYAtItsTimeAndDirection(String id, String y, String op) throws Exception {
    OnnxCorpus.Case c = OnnxCorpus.byId(id);
    JsonNode ref = OnnxCorpus.read(c.reference());
    JsonNode yRef = output(ref, y);
    int seq = yRef.path("shape").get(0).asInt();
    int dirs = yRef.path("shape").get(1).asInt();
    List<String> steps = new ArrayList<>();
    for (int d = 0; d < dirs; d++) {
      for (int t = 0; t < seq; t++) {
        // the corpus has forward and bidirectional nodes: direction 1 is the reverse one
        steps.add(TfNames.sanitize(y + "/" + (d == 0 ? "forward" : "reverse") + "/step_" + t
            + "/h"));
      }
    }
    List<String> selected = new ArrayList<>(List.of(y));
    selected.addAll(steps);
    Path out = tmp.resolve(id);
    new OnnxConverter(inputShapes(ref)).convert(new ConversionRequest(c.model(), null, out,
        selected, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE), CopiedRegions.NONE);

    JsonNode meta = OnnxCorpus.read(out.resolve("model.json")).path("userDefinedMetadata")
        .path(OnnxConverter.METADATA_KEY);
    JsonNode onnx = meta.path("outputs");
    List<String> nodes = new ArrayList<>();
    for (String name : selected) {
      JsonNode entry = onnx.path(name);
      assertFalse(entry.isMissingNode(), "model.json maps " + name);
      assertEquals(op, entry.path("op").asText(), name);
      nodes.add(entry.path("node").asText());
    }
    for (String s : steps) {
      JsonNode entry = onnx.path(s);
      assertTrue(s.endsWith("/step_" + entry.path("step").asInt() + "/h"), entry.toString());
      assertTrue(s.contains("/" + entry.path("direction").asText() + "/"), entry.toString());
      assertEquals("h", entry.path("state").asText());
      assertEquals(TfNames.sanitize(y), TfNames.sanitize(entry.path("stepOf").asText()));
    }

    Path reference = stepReference(c, out.resolve("model.json"), onnx, yRef, steps, dirs);
    List<TfjsJob> jobs = new ArrayList<>();
    for (String v : TfjsJob.VERSIONS) {
      jobs.add(new TfjsJob(id + "-steps@" + v, v, out, "model.json", TfjsJob.GRAPH, reference,
          nodes, selected));
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      System.out.println("[onnx-steps] " + r.id() + " ok=" + r.ok() + " outputs="
          + r.outputs().size() + " maxAbsDiff=" + r.maxAbsDiff());
      r.assertOk();
      assertEquals(selected.size(), r.outputs().size(), r.describe());
    }
  }

  /** The case's reference with each step's expected h: Y[t, d] ([batch, hidden]). */
  private Path stepReference(OnnxCorpus.Case c, Path modelJson, JsonNode onnx, JsonNode yRef,
      List<String> steps, int dirs) throws Exception {
    Path base = OnnxCorpus.referenceFor(c, modelJson, tmp.resolve(c.id() + "-base.json"));
    ObjectNode ref = (ObjectNode) OnnxCorpus.read(base);
    JsonNode y = output(ref, yRef.path("name").asText());
    int batch = y.path("shape").get(2).asInt();
    int hidden = y.path("shape").get(3).asInt();
    ArrayNode outputs = (ArrayNode) ref.path("outputs");
    for (String s : steps) {
      JsonNode entry = onnx.path(s);
      int t = entry.path("step").asInt();
      int d = entry.path("direction").asText().equals("reverse") ? dirs - 1 : 0;
      ObjectNode o = outputs.addObject();
      o.put("name", s);
      o.putArray("shape").add(batch).add(hidden);
      ArrayNode data = o.putArray("data");
      int from = ((t * dirs + d) * batch) * hidden;
      for (int k = 0; k < batch * hidden; k++) {
        data.add(y.path("data").get(from + k).asDouble());
      }
    }
    Path file = tmp.resolve(c.id() + "-steps.json");
    JSON.writeValue(file.toFile(), ref);
    return file;
  }

  private static JsonNode output(JsonNode ref, String name) {
    for (JsonNode o : ref.path("outputs")) {
      if (o.path("name").asText().equals(name)) {
        return o;
      }
    }
    throw new AssertionError("reference has no output " + name);
  }

  private static Map<String, long[]> inputShapes(JsonNode ref) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (JsonNode in : ref.path("inputs")) {
      long[] shape = new long[in.path("shape").size()];
      for (int k = 0; k < shape.length; k++) {
        shape[k] = in.path("shape").get(k).asLong();
      }
      shapes.put(in.path("name").asText(), shape);
    }
    return shapes;
  }
}
