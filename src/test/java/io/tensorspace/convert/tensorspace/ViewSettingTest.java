package io.tensorspace.convert.tensorspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.testing.NodeScripts;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The view setting on a deep model (MobileNet, 90 outputs, from make-deep-models.js) and on LeNet:
 * which outputs tensorspace.json draws, and why.
 */
class ViewSettingTest {
  private static final Path OUT = Path.of("target", "view-setting").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path mobilenet;

  @BeforeAll
  static void writeMobileNetWithTfjs() throws Exception {
    NodeScripts.run("make-deep-models.js", 120, ModelCorpus.root().toString(),
        OUT.resolve("deep").toString(), "mobilenet");
    mobilenet = OUT.resolve("deep/mobilenet/model.json");
  }

  private static JsonNode convert(Path source, String target, View view) throws Exception {
    Path out = OUT.resolve(target);
    new Converter().convert(new ConversionRequest(source, null, out, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE)
        .withTensorSpace(new TensorSpaceOptions(null, false, null, Map.of(), view)));
    return JSON.readTree(out.resolve(TensorSpaceFiles.JSON_FILE).toFile());
  }

  private static List<String> drawn(JsonNode json) {
    List<String> names = new ArrayList<>();
    json.path("outputs").forEach(o -> {
      if (!o.path("tensorspace").path("class").isNull()) {
        names.add(o.path("name").asText());
      }
    });
    return names;
  }

  @Test
  void aDeepModelGetsTheBlockLevelViewByDefault() throws Exception {
    JsonNode json = convert(mobilenet, "auto", View.AUTO);
    List<String> drawn = drawn(json);
    assertEquals(90, json.path("outputs").size(), "the model keeps every output");
    assertTrue(drawn.size() <= View.AUTO_LIMIT, "drawn: " + drawn);
    // every depthwise-separable pair ends drawn, and the classifier
    for (int block = 1; block <= 13; block++) {
      assertTrue(drawn.contains("conv_pw_" + block), "conv_pw_" + block + " in " + drawn);
    }
    assertTrue(drawn.contains("global_average_pooling2d_1") && drawn.contains("conv_preds"));
    for (JsonNode o : json.path("outputs")) {
      JsonNode tsp = o.path("tensorspace");
      assertTrue(tsp.path("class").isNull() ? tsp.path("reason").asText().contains("block-level")
          : !tsp.path("shownBecause").asText().isEmpty(), o.toString());
    }
    assertEquals("auto", json.path("view").path("setting").asText());
    assertEquals(drawn.size(), json.path("view").path("drawn").asInt());
  }

  @Test
  void allDrawsEveryDrawableOutput() throws Exception {
    JsonNode json = convert(mobilenet, "all", View.ALL);
    assertTrue(drawn(json).size() > View.AUTO_LIMIT, "drawn: " + drawn(json).size());
    json.path("outputs").forEach(o -> assertTrue(o.path("tensorspace").path("shownBecause").isMissingNode()));
  }

  @Test
  void aListDrawsExactlyTheNamedOutputs() throws Exception {
    JsonNode json = convert(mobilenet, "list", View.parse("conv1, conv_pw_7,conv_preds"));
    assertEquals(List.of("conv1", "conv_pw_7", "conv_preds"), drawn(json));
    assertEquals("named in <view>", json.path("outputs").get(1).path("tensorspace")
        .path("shownBecause").asText(""), json.path("outputs").get(1).toString());
  }

  @Test
  void aMisspeltNameInTheListIsRefusedWithTheNearestOne() {
    ConversionException e = assertThrows(ConversionException.class,
        () -> convert(mobilenet, "typo", View.parse("conv1,conv_pw_77x")));
    assertTrue(e.getMessage().contains("'conv_pw_77x'") && e.getMessage().contains("did you mean"),
        e.getMessage());
  }

  @Test
  void aSmallModelDrawsEverythingByDefaultAndBlocksOnRequest() throws Exception {
    Path lenet = ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath();
    JsonNode all = convert(lenet, "lenet-auto", View.AUTO);
    assertEquals(all.path("outputs").size(), drawn(all).size());
    assertNull(all.path("outputs").get(0).path("tensorspace").get("shownBecause"));
    JsonNode blocks = convert(lenet, "lenet-blocks", View.BLOCKS);
    assertTrue(drawn(blocks).size() < drawn(all).size(), "blocks: " + drawn(blocks));
    assertEquals(drawn(blocks).get(drawn(blocks).size() - 1), drawn(all).get(drawn(all).size() - 1),
        "the last output is always drawn");
  }
}
