package io.tensorspace.convert.tensorspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.convert.view.ModelViewer;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code view} goal's page in headless Chromium, as a user opens it: the viewer converts the
 * models, serves them with TensorSpace and its libraries from a local node_modules folder
 * ({@code src/test/browser/node_modules}, given as the libraries folder) and the page must load
 * without page or console errors and fill every TensorSpace layer with a prediction. LeNet alone
 * (its page at the root; then another model is saved over its file and the open page must reload
 * by itself and show that one, filled), and the other detailed cases of
 * {@link TensorSpaceBrowserTest} together (a folder each).
 */
class ViewerBrowserTest {
  private static final Path NODE_MODULES =
      Path.of("src", "test", "browser", "node_modules").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Saved over LeNet while its page is open: a model with other layers. */
  private static final String REPLACEMENT = "keras2-h5/dl4j-optimizer-adam";

  @TempDir Path temp;

  @Test
  void theViewersPagesShowEveryLayerWithAValueInChromium() throws Exception {
    Path chromium = Path.of(System.getProperty("tensorspace.chromium", "/usr/bin/chromium"));
    assertTrue(Files.isExecutable(chromium),
        chromium + " is missing: apt-get install chromium (.ci/run does)");
    String lenet = TensorSpaceBrowserTest.DETAILED.get(0);
    List<String> others =
        TensorSpaceBrowserTest.DETAILED.subList(1, TensorSpaceBrowserTest.DETAILED.size());
    // LeNet from a copy that the page's check replaces with another model while it is shown
    Path source = temp.resolve("in/mnist.h5");
    Files.createDirectories(source.getParent());
    Files.copy(ModelCorpus.byId(lenet).mainPath(), source);
    Map<String, TensorSpaceDescription> shown = new LinkedHashMap<>();
    ObjectNode job = JSON.createObjectNode();
    job.put("chromium", chromium.toString());
    job.put("concurrency", 2);
    job.put("timeoutMs", 60000);
    ArrayNode pages = job.putArray("pages");
    List<ModelViewer> viewers = new ArrayList<>();
    try {
      Path alone = temp.resolve("alone");
      viewers.add(start(List.of(new ConversionRequest(source, null, alone, List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE)
          .withTensorSpace(new TensorSpaceOptions(name(lenet), false, null, Map.of()))), alone));
      shown.put(lenet, description(alone.resolve("model"), lenet));
      addPage(pages, lenet, viewers.get(0).uri().toString()).putObject("replace")
          .put("from", ModelCorpus.byId(REPLACEMENT).mainPath().toString())
          .put("to", source.toString());
      Path several = temp.resolve("several");
      List<ConversionRequest> requests = new ArrayList<>();
      for (String id : others) {
        requests.add(TensorSpaceBrowserTest.request(ModelCorpus.byId(id), several)
            .withTensorSpace(new TensorSpaceOptions(name(id), false, null, Map.of())));
      }
      viewers.add(start(requests, several));
      for (String id : others) {
        addPage(pages, id, viewers.get(1).uri() + name(id) + "/");
        shown.put(id, description(several.resolve("models").resolve(name(id)), id));
      }
      Map<String, JsonNode> results = TensorSpaceBrowserTest.run(job);
      for (Map.Entry<String, TensorSpaceDescription> entry : shown.entrySet()) {
        assertShown(entry.getKey(), entry.getValue(), results.get(entry.getKey()));
      }
      // after the replacement the page reloaded by itself and shows the new model, filled
      JsonNode after = results.get(lenet).path("afterReplace");
      TensorSpaceDescription replaced = description(alone.resolve("model"), REPLACEMENT);
      assertEquals("ready", after.path("state").asText(), "after replacing: " + after);
      assertEquals(layers(replaced), after.path("layers").asLong(), "the new model is shown");
      assertTrue(layers(replaced) != layers(shown.get(lenet)), "a model with other layers");
      assertEquals(0, after.path("unfilled").size(), "unfilled after reload: " + after);
    } finally {
      viewers.forEach(ModelViewer::close);
    }
  }

  private static ModelViewer start(List<ConversionRequest> requests, Path folder) throws Exception {
    return ModelViewer.start(requests,
        new ModelViewer.Settings(folder, false, 0, NODE_MODULES, 500, true), new Quiet());
  }

  /** What the page must show: tensorspace.json and the page as written. */
  private static TensorSpaceDescription description(Path folder, String id) throws Exception {
    String page = Files.readString(folder.resolve(PreviewPageWriter.FILE));
    assertTrue(page.contains("src=\"/__libraries/tensorspace@0.6.1/"), id + ": local libraries");
    return TensorSpaceBrowserTest.description(folder, id);
  }

  private static long layers(TensorSpaceDescription d) {
    return d.outputs().stream().filter(o -> o.drawn()).count() + d.inputs().size();
  }

  private static String name(String id) {
    return id.substring(id.indexOf('/') + 1);
  }

  private static ObjectNode addPage(ArrayNode pages, String id, String url) {
    ObjectNode page = pages.addObject();
    page.put("id", id);
    page.put("url", url);
    page.put("screenshot", Path.of("target", "browser", "view-" + name(id) + ".png")
        .toAbsolutePath().toString());
    return page;
  }

  private static void assertShown(String id, TensorSpaceDescription d, JsonNode r) {
    assertTrue(r != null, "no browser result for " + id);
    assertEquals(List.of(), JSON.convertValue(r.path("errors"), List.class),
        id + ": page or console errors");
    assertTrue(r.path("error").isNull(), id + ": " + r.path("error").asText());
    assertEquals("ready", r.path("state").asText(), id + " state");
    assertTrue(r.path("loaded").asBoolean(), id + ": the TensorSpace model did not load");
    assertEquals(layers(d), r.path("layers").asLong(),
        id + ": TensorSpace layers = inputs + drawn outputs");
    assertTrue(r.path("filled").asBoolean(),
        id + ": layers without a value after predict: " + r.path("unfilled"));
    assertTrue(r.path("colours").asInt() > 1, id + ": the canvas is blank");
  }

  /** The viewer's news are not what this test looks at. */
  private static final class Quiet implements ModelViewer.Events {
    @Override
    public ProgressListener progress(String model) {
      return ProgressListener.NONE;
    }

    @Override
    public void converted(String model, ConversionResult result, long millis) {}

    @Override
    public void unchanged(String model) {}

    @Override
    public void failed(String model, Exception error) {}
  }
}
