package io.tensorspace.convert.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.convert.tensorspace.PreviewPageWriter;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions;
import io.tensorspace.convert.tensorspace.View;
import io.tensorspace.testing.Conformance;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer with real corpus models: what it converts and serves, and what it does when the
 * model file changes under it (another model, the same bytes, a broken or missing file).
 */
class ModelViewerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 100;
  private static final long PATIENCE_MILLIS = 60_000;
  /** The model files a user would save over the one being viewed, in turn. */
  private static final List<String> EDITS = List.of(
      "keras2-h5/dl4j-optimizer-adam",
      "keras2-h5/dl4j-cnn-batchnorm-with-predictions",
      "keras2-h5/dl4j-functional-lstm",
      "keras2-h5/tsc-keras-seq-model-no-inputlayer",
      "keras2-h5/tensorspace-keras-mnist");

  @TempDir Path temp;

  /** What the viewer said, in order. */
  private static final class Recorded implements ModelViewer.Events {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<ConversionResult> results = new CopyOnWriteArrayList<>();

    @Override
    public ProgressListener progress(String model) {
      return ProgressListener.NONE;
    }

    @Override
    public void converted(String model, ConversionResult result, long millis) {
      results.add(result);
      events.add("converted " + model);
    }

    @Override
    public void unchanged(String model) {
      events.add("unchanged " + model);
    }

    @Override
    public void failed(String model, Exception error) {
      events.add("failed " + model + ": " + error.getMessage());
    }

    /** Waits for the next event after the first {@code seen} ones. */
    String next(int seen) throws InterruptedException {
      long end = System.currentTimeMillis() + PATIENCE_MILLIS;
      while (events.size() <= seen) {
        if (System.currentTimeMillis() > end) {
          fail("no event after " + events);
        }
        Thread.sleep(20);
      }
      return events.get(seen);
    }
  }

  private static ConversionRequest request(Path source, String name) {
    return new ConversionRequest(source, null, source.resolveSibling("unused"), List.of(),
        List.of(), ConversionRequest.DEFAULT_SHARD_SIZE)
        .withTensorSpace(new TensorSpaceOptions(name, false, null, Map.of()));
  }

  private static ModelViewer.Settings settings(Path folder, boolean temporary) {
    return new ModelViewer.Settings(folder, temporary, 0, null, POLL_MILLIS, false);
  }

  private Path copy(String id, Path to) throws IOException {
    CorpusCase c = ModelCorpus.byId(id);
    Files.createDirectories(to.getParent());
    Files.copy(c.mainPath(), to, StandardCopyOption.REPLACE_EXISTING);
    return to;
  }

  @Test
  void showsTheModelWithItsPreviewPageAndDeletesATemporaryFolderOnClose() throws Exception {
    Path source = copy("keras2-h5/tensorspace-keras-mnist", temp.resolve("in/mnist.h5"));
    Path folder = Files.createDirectories(temp.resolve("view"));
    Recorded events = new Recorded();
    URI uri;
    try (ModelViewer viewer = ModelViewer.start(List.of(request(source, "mnist")),
        settings(folder, true), events)) {
      uri = viewer.uri();
      assertEquals(List.of("converted mnist"), events.events);
      assertEquals(1, viewer.version());
      RawHttp.Response page = RawHttp.get(uri, "/");
      assertEquals(200, page.status());
      for (String library : PreviewPageWriter.LIBRARIES) {
        assertTrue(page.text().contains(TensorSpaceOptions.DEFAULT_LIBRARIES + library), library);
      }
      assertTrue(page.text().contains("var shown = \"1\""), "reload script");
      assertEquals("layers-model", JSON.readTree(RawHttp.get(uri, "/model.json").body())
          .path("format").asText());
      assertEquals(200, RawHttp.get(uri, "/tensorspace-model.js").status());
      assertTrue(Files.isRegularFile(folder.resolve("model/index.html")));
    }
    assertFalse(Files.exists(folder), "the temporary folder is deleted on close");
    try (Socket socket = new Socket()) {
      assertThrows(ConnectException.class,
          () -> socket.connect(new java.net.InetSocketAddress("127.0.0.1", uri.getPort()), 2000));
    }
  }

  @Test
  void theModelsTensorSpaceSettingsAreKept() throws Exception {
    Path source = copy("keras2-h5/tensorspace-keras-mnist", temp.resolve("in/mnist.h5"));
    TensorSpaceOptions blocks = new TensorSpaceOptions("mnist", false, null,
        Map.of("Conv2D_1", new TensorSpaceOptions.LayerOverride(null, "#ff6600", List.of(), "open")),
        View.BLOCKS);
    ConversionRequest request = request(source, "mnist").withTensorSpace(blocks);
    try (ModelViewer viewer =
        ModelViewer.start(List.of(request), settings(temp.resolve("view"), true), new Recorded())) {
      Path expected = temp.resolve("expected");
      new Converter().convert(request.withOutputDirectory(expected)
          .withTensorSpace(blocks.withPreview(null)));
      Path plain = temp.resolve("plain");
      new Converter().convert(request(source, "mnist").withOutputDirectory(plain));
      String served = RawHttp.get(viewer.uri(), "/tensorspace.json").text();
      assertEquals(Files.readString(expected.resolve("tensorspace.json")), served);
      assertFalse(served.equals(Files.readString(plain.resolve("tensorspace.json"))),
          "the settings make a difference");
    }
  }

  @Test
  void aKeptFolderIsReusedWhenTheModelIsUnchanged() throws Exception {
    Path source = copy("keras2-h5/dl4j-optimizer-adam", temp.resolve("in/adam.h5"));
    Path folder = temp.resolve("target/tensorspace-view");
    for (String expected : List.of("converted adam", "unchanged adam")) {
      Recorded events = new Recorded();
      try (ModelViewer viewer =
          ModelViewer.start(List.of(request(source, "adam")), settings(folder, false), events)) {
        assertEquals(List.of(expected), events.events);
        assertEquals(200, RawHttp.get(viewer.uri(), "/model.json").status());
      }
      assertTrue(Files.isRegularFile(folder.resolve("model/model.json")), "kept");
    }
  }

  @Test
  void aKeptFolderTakesOneModelThenSeveralThenOneAgain() throws Exception {
    Path mnist = copy("keras2-h5/tensorspace-keras-mnist", temp.resolve("in/mnist.h5"));
    Path adam = copy("keras2-h5/dl4j-optimizer-adam", temp.resolve("in/adam.h5"));
    Path folder = temp.resolve("target/tensorspace-view");
    List<List<ConversionRequest>> runs = List.of(List.of(request(mnist, "mnist")),
        List.of(request(mnist, "mnist"), request(adam, "adam")), List.of(request(mnist, "mnist")));
    List<List<String>> expected = List.of(List.of("converted mnist"),
        List.of("converted mnist", "converted adam"), List.of("unchanged mnist"));
    for (int run = 0; run < runs.size(); run++) {
      Recorded events = new Recorded();
      try (ModelViewer viewer = ModelViewer.start(runs.get(run), settings(folder, false), events)) {
        assertEquals(expected.get(run), events.events, "run " + run);
        String prefix = runs.get(run).size() == 1 ? "/" : "/adam/";
        assertEquals(200, RawHttp.get(viewer.uri(), prefix + "model.json").status(), "run " + run);
      }
    }
  }

  @Test
  void reconvertsWhenTheModelFileChangesAndServesWhatAConversionWrites() throws Exception {
    Path source = copy("keras2-h5/tensorspace-keras-mnist", temp.resolve("in/model.h5"));
    Recorded events = new Recorded();
    List<TfjsJob> jobs = new ArrayList<>();
    try (ModelViewer viewer = ModelViewer.start(List.of(request(source, "model")),
        settings(temp.resolve("view"), true), events)) {
      for (String id : EDITS) {
        int seen = events.events.size();
        long version = viewer.version();
        copy(id, source);
        assertEquals("converted model", events.next(seen), id);
        assertEquals(version + 1, viewer.version(), id + ": the pages' version grows");
        // what is served is what a plain conversion of the new file writes
        Path expected = temp.resolve("expected").resolve(id);
        new Converter().convert(request(source, "model").withOutputDirectory(expected)
            .withTensorSpace(new TensorSpaceOptions("model", true, null, Map.of())));
        Path served = download(viewer.uri(), temp.resolve("served").resolve(id));
        assertEquals(Files.readString(expected.resolve("model.json")),
            Files.readString(served.resolve("model.json")), id);
        assertEquals(Files.readString(expected.resolve("tensorspace.json")),
            RawHttp.get(viewer.uri(), "/tensorspace.json").text(), id);
        ConversionResult result = events.results.get(events.results.size() - 1);
        jobs.addAll(TfjsJob.layersInEveryVersion("view/" + id, served.resolve("model.json"),
            ModelCorpus.byId(id).referencePath(), result.outputs()));
      }
    }
    // the served models, as downloaded, run in real tfjs and match the references
    List<TfjsResult> results = TfjsClient.check(jobs);
    Conformance.writeReport(results, Path.of("target", "view", "reconverted-report.tsv"));
    assertEquals(EDITS.size() * TfjsJob.VERSIONS.size(), results.size());
    for (TfjsResult r : results) {
      r.assertOk();
      assertFalse(r.outputs().isEmpty(), r.id());
    }
  }

  @Test
  void touchedOrRewrittenUnchangedFilesAreNotConvertedAgain() throws Exception {
    Path source = copy("keras2-h5/dl4j-functional-lstm", temp.resolve("in/lstm.h5"));
    byte[] bytes = Files.readAllBytes(source);
    Recorded events = new Recorded();
    try (ModelViewer viewer = ModelViewer.start(List.of(request(source, "lstm")),
        settings(temp.resolve("view"), true), events)) {
      List<Runnable> edits = List.of(
          () -> touch(source, 1),
          () -> touch(source, 2),
          () -> write(source, bytes),
          () -> touch(source, -3600));
      for (Runnable edit : edits) {
        int seen = events.events.size();
        edit.run();
        assertEquals("unchanged lstm", events.next(seen));
        assertEquals(1, viewer.version());
      }
    }
  }

  @Test
  void aBrokenOrMissingFileIsReportedAndTheLastGoodModelStays() throws Exception {
    Path source = copy("keras2-h5/tensorspace-keras-mnist", temp.resolve("in/mnist.h5"));
    byte[] good = Files.readAllBytes(source);
    byte[] other = Files.readAllBytes(ModelCorpus.byId("keras2-h5/dl4j-optimizer-adam").mainPath());
    Recorded events = new Recorded();
    try (ModelViewer viewer = ModelViewer.start(List.of(request(source, "mnist")),
        settings(temp.resolve("view"), true), events)) {
      String modelJson = RawHttp.get(viewer.uri(), "/model.json").text();
      List<byte[]> broken = List.of(new byte[0], Arrays.copyOf(good, 8), Arrays.copyOf(good, 100),
          Arrays.copyOf(good, 4096), Arrays.copyOf(good, good.length / 2),
          Arrays.copyOf(good, good.length - 1), "not a model\n".getBytes(),
          Arrays.copyOf(other, other.length / 3));
      for (byte[] bad : broken) {
        int seen = events.events.size();
        write(source, bad);
        String event = events.next(seen);
        assertTrue(event.startsWith("failed mnist: "), bad.length + " bytes: " + event);
        assertTrue(event.contains("mnist.h5"), "names the file: " + event);
        assertEquals(1, viewer.version(), "no reload for a failed conversion");
        assertEquals(modelJson, RawHttp.get(viewer.uri(), "/model.json").text(), "last good one");
      }
      int seen = events.events.size();
      Files.delete(source);
      assertTrue(events.next(seen).startsWith("failed mnist: "), events.events.toString());
      assertEquals(modelJson, RawHttp.get(viewer.uri(), "/model.json").text());
      seen = events.events.size();
      write(source, good);
      assertEquals("converted mnist", events.next(seen));
      assertEquals(2, viewer.version());
    }
  }

  @Test
  void severalModelsGetAFolderEachAndAListAtTheRoot() throws Exception {
    Path mnist = copy("keras2-h5/tensorspace-keras-mnist", temp.resolve("in/mnist.h5"));
    Path adam = copy("keras2-h5/dl4j-optimizer-adam", temp.resolve("in/adam.h5"));
    Recorded events = new Recorded();
    try (ModelViewer viewer = ModelViewer.start(
        List.of(request(mnist, "mnist"), request(adam, "adam")),
        settings(temp.resolve("view"), true), events)) {
      String list = RawHttp.get(viewer.uri(), "/").text();
      assertTrue(list.contains("href=\"mnist/\"") && list.contains("href=\"adam/\""), list);
      for (String name : List.of("mnist", "adam")) {
        assertTrue(RawHttp.get(viewer.uri(), "/" + name + "/").text()
            .contains("TensorSpaceModels[name]"), name);
        assertEquals(200, RawHttp.get(viewer.uri(), "/" + name + "/model.json").status());
      }
      int seen = events.events.size();
      copy("keras2-h5/dl4j-functional-lstm", adam);
      assertEquals("converted adam", events.next(seen), "only the changed model");
      Thread.sleep(5 * POLL_MILLIS);
      assertEquals(seen + 1, events.events.size(), events.events.toString());
    }
    ConversionException e = assertThrows(ConversionException.class, () -> ModelViewer.start(
        List.of(request(mnist, "same"), request(adam, "same")),
        settings(temp.resolve("view2"), true), new Recorded()));
    assertTrue(e.getMessage().contains("'same'"), e.getMessage());
    assertFalse(Files.exists(temp.resolve("view2")), "cleaned up after a failed start");
  }

  @Test
  void aModelThatDoesNotConvertStopsTheStartWithItsMessage() throws Exception {
    Path source = temp.resolve("in/broken.h5");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "not a model");
    Path folder = Files.createDirectories(temp.resolve("view"));
    ConversionException e = assertThrows(ConversionException.class, () -> ModelViewer.start(
        List.of(request(source, "broken")), settings(folder, true), new Recorded()));
    assertTrue(e.getMessage().contains("broken.h5"), e.getMessage());
    assertFalse(Files.exists(folder));
  }

  /** Fetches model.json and the weight files it names from the viewer. */
  private static Path download(URI uri, Path to) throws IOException {
    Files.createDirectories(to);
    byte[] modelJson = RawHttp.get(uri, "/model.json").body();
    Files.write(to.resolve("model.json"), modelJson);
    for (JsonNode group : JSON.readTree(modelJson).path("weightsManifest")) {
      for (JsonNode path : group.path("paths")) {
        RawHttp.Response shard = RawHttp.get(uri, "/" + path.asText());
        assertEquals(200, shard.status(), path.asText());
        Files.write(to.resolve(path.asText()), shard.body());
      }
    }
    return to;
  }

  private static void touch(Path file, long seconds) {
    try {
      FileTime time = Files.getLastModifiedTime(file);
      Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + seconds * 1000));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Writes the bytes and moves the time on, as a save a second later would. */
  private static void write(Path file, byte[] bytes) {
    try {
      FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
      Files.write(file, bytes);
      Files.setLastModifiedTime(file, FileTime.fromMillis(Math.max(
          before.toMillis() + 1000, Files.getLastModifiedTime(file).toMillis())));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
