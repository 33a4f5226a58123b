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
 * (its page at the root), and the other detailed cases of {@link TensorSpaceBrowserTest} together
 * (a folder each).
 */
class ViewerBrowserTest {
  private static final Path NODE_MODULES =
      Path.of("src", "test", "browser", "node_modules").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void theViewersPagesShowEveryLayerWithAValueInChromium() throws Exception {
    Path chromium = Path.of(System.getProperty("tensorspace.chromium", "/usr/bin/chromium"));
    assertTrue(Files.isExecutable(chromium),
        chromium + " is missing: apt-get install chromium (.ci/run does)");
    List<String> others = TensorSpaceBrowserTest.DETAILED.subList(1, TensorSpaceBrowserTest.DETAILED.size());
    Map<String, Path> folders = new LinkedHashMap<>();
    ObjectNode job = JSON.createObjectNode();
    job.put("chromium", chromium.toString());
    job.put("concurrency", 2);
    job.put("timeoutMs", 60000);
    ArrayNode pages = job.putArray("pages");
    List<ModelViewer> viewers = new ArrayList<>();
    try {
      ModelViewer alone = start(List.of(TensorSpaceBrowserTest.DETAILED.get(0)), temp.resolve("alone"));
      viewers.add(alone);
      addPage(pages, TensorSpaceBrowserTest.DETAILED.get(0), alone.uri().toString());
      folders.put(TensorSpaceBrowserTest.DETAILED.get(0), temp.resolve("alone/site"));
      ModelViewer several = start(others, temp.resolve("several"));
      viewers.add(several);
      for (String id : others) {
        addPage(pages, id, several.uri() + name(id) + "/");
        folders.put(id, temp.resolve("several/site").resolve(name(id)));
      }
      Map<String, JsonNode> results = TensorSpaceBrowserTest.run(job);
      for (Map.Entry<String, Path> entry : folders.entrySet()) {
        assertShown(entry.getKey(), entry.getValue(), results.get(entry.getKey()));
      }
    } finally {
      viewers.forEach(ModelViewer::close);
    }
  }

  private static ModelViewer start(List<String> ids, Path folder) throws Exception {
    List<ConversionRequest> requests = new ArrayList<>();
    for (String id : ids) {
      requests.add(TensorSpaceBrowserTest.request(ModelCorpus.byId(id), folder)
          .withTensorSpace(new TensorSpaceOptions(name(id), false, null, Map.of())));
    }
    return ModelViewer.start(requests,
        new ModelViewer.Settings(folder, false, 0, NODE_MODULES, 500, true), new Quiet());
  }

  private static String name(String id) {
    return id.substring(id.indexOf('/') + 1);
  }

  private static void addPage(ArrayNode pages, String id, String url) {
    ObjectNode page = pages.addObject();
    page.put("id", id);
    page.put("url", url);
    page.put("screenshot", Path.of("target", "browser", "view-" + name(id) + ".png")
        .toAbsolutePath().toString());
  }

  private static void assertShown(String id, Path folder, JsonNode r) throws Exception {
    assertTrue(r != null, "no browser result for " + id);
    String page = Files.readString(folder.resolve(PreviewPageWriter.FILE));
    assertTrue(page.contains("src=\"/__libraries/tensorspace@0.6.1/"), id + ": local libraries");
    assertEquals(List.of(), JSON.convertValue(r.path("errors"), List.class),
        id + ": page or console errors");
    assertTrue(r.path("error").isNull(), id + ": " + r.path("error").asText());
    assertEquals("ready", r.path("state").asText(), id + " state");
    assertTrue(r.path("loaded").asBoolean(), id + ": the TensorSpace model did not load");
    TensorSpaceDescription d = TensorSpaceBrowserTest.description(folder, id);
    long drawn = d.outputs().stream().filter(o -> o.drawn()).count();
    assertEquals(drawn + d.inputs().size(), r.path("layers").asLong(),
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
