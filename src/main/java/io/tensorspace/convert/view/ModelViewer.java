package io.tensorspace.convert.view;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.convert.incremental.UpToDateCheck;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions;
import io.tensorspace.convert.write.AtomicDirectory;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows models in TensorSpace while they are worked on: converts each with its preview page into a
 * folder, serves that folder on 127.0.0.1 ({@link ViewServer}) and converts a model again when a
 * file it is read from changes. A reconversion replaces the model's folder atomically and then
 * raises the version the served pages poll, so an open page reloads itself; a failed one is
 * reported and the last good model stays.
 */
public final class ModelViewer implements AutoCloseable {
  /**
   * Where and how to show the models.
   *
   * @param folder holds the served models ({@code model/} for one, {@code models/<name>/} for
   *     several) and the up-to-date records ({@code state/})
   * @param deleteOnClose delete {@code folder} when the viewer closes (a temporary folder)
   * @param port the port on 127.0.0.1; 0 for a free one
   * @param libraries a local folder with the page's scripts (see {@link LibraryFolder}); null to
   *     load them from each request's {@link TensorSpaceOptions#previewLibraries()}
   * @param pollMillis how often the models' files are checked for a change
   * @param force convert at start even a model whose last conversion in {@code folder} is current
   */
  public record Settings(
      Path folder, boolean deleteOnClose, int port, Path libraries, long pollMillis, boolean force) {}

  /** What the viewer tells its user. */
  public interface Events {
    /** Hears the weight-writing progress of one conversion of a model. */
    ProgressListener progress(String model);

    /** A model was converted (again), in {@code millis}. */
    void converted(String model, ConversionResult result, long millis);

    /** A model's files changed but their contents did not, or its output is already current. */
    void unchanged(String model);

    /** A reconversion failed; the last good model is still shown. */
    void failed(String model, Exception error);
  }

  private final Settings settings;
  private final Events events;
  private final List<Watched> models = new ArrayList<>();
  private final UpToDateCheck upToDate;
  private final AtomicLong version = new AtomicLong(1);
  private final ScheduledExecutorService watcher;
  private ViewServer server;

  /** A model and the stamps of its input files: last seen, and last converted (or tried). */
  private static final class Watched {
    final String name;
    final ConversionRequest request;
    String seen;
    String tried;

    Watched(String name, ConversionRequest request) {
      this.name = name;
      this.request = request;
    }
  }

  private ModelViewer(Settings settings, Events events) {
    this.settings = settings;
    this.events = events;
    this.upToDate = new UpToDateCheck(settings.folder().resolve("state"));
    this.watcher = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "tensorspace-view-watch");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Converts the models, starts serving them and watching their files. Each request's output
   * folder is replaced by one inside {@code settings.folder()}, served at {@code /} for a single
   * model, at {@code /<name>/} (its TensorSpace name) for several, with a list of them at
   * {@code /}.
   *
   * @throws ConversionException when a model cannot be converted or the port is taken
   */
  public static ModelViewer start(List<ConversionRequest> requests, Settings settings, Events events)
      throws ConversionException, IOException {
    ModelViewer viewer = new ModelViewer(settings, events);
    try {
      viewer.begin(requests);
      return viewer;
    } catch (ConversionException | IOException | RuntimeException e) {
      viewer.close();
      throw e;
    }
  }

  private void begin(List<ConversionRequest> requests) throws ConversionException, IOException {
    LibraryFolder libraries =
        settings.libraries() == null ? null : LibraryFolder.of(settings.libraries());
    // one model fills its folder; several get a subfolder each (other names, so that switching
    // between the two never finds the other layout's files where a model goes)
    Path site = settings.folder().resolve(requests.size() == 1 ? "model" : "models");
    for (ConversionRequest request : requests) {
      String name = Objects.requireNonNull(request.tensorSpace().name(), "each model is named");
      if (models.stream().anyMatch(m -> m.name.equals(name))) {
        throw new ConversionException("Two models are named '" + name + "'; give each its own name.");
      }
      TensorSpaceOptions options = request.tensorSpace();
      String scripts = libraries == null ? options.previewLibraries() : ViewServer.LIBRARIES;
      ConversionRequest shown = request
          .withOutputDirectory(requests.size() == 1 ? site : site.resolve(name))
          .withTensorSpace(options.withPreview(scripts));
      models.add(new Watched(name, shown));
    }
    for (Watched model : models) {
      model.seen = stamp(model);
      model.tried = model.seen;
      if (settings.force() || !upToDate.isUpToDate(model.request)) {
        convert(model);
      } else {
        events.unchanged(model.name);
      }
    }
    if (models.size() > 1) {
      ModelList.write(site, models.stream().map(m -> m.name).toList());
    }
    server = new ViewServer(site, libraries, version::get, settings.port());
    watcher.scheduleWithFixedDelay(this::poll, settings.pollMillis(), settings.pollMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The address of the page, e.g. {@code http://127.0.0.1:8765/}. */
  public URI uri() {
    return server.uri();
  }

  /** Grows by one with every reconversion; the served pages reload when it changes. */
  public long version() {
    return version.get();
  }

  /** Stops watching and serving; deletes the folder if it was temporary. */
  @Override
  public void close() {
    watcher.shutdownNow();
    try {
      watcher.awaitTermination(1, TimeUnit.MINUTES); // a conversion may be writing into the folder
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (server != null) {
      server.close();
    }
    if (settings.deleteOnClose()) {
      try {
        AtomicDirectory.deleteTree(settings.folder());
      } catch (IOException e) {
        // best effort on the way out: the system cleans its temporary folder up anyway
      }
    }
  }

  private void poll() {
    for (Watched model : models) {
      String now = stamp(model);
      if (!now.equals(model.seen)) {
        model.seen = now; // still being written, maybe: act once it stays the same for a poll
      } else if (!now.equals(model.tried)) {
        model.tried = now;
        reconvert(model);
      }
    }
  }

  private void reconvert(Watched model) {
    try {
      if (upToDate.isUpToDate(model.request)) {
        events.unchanged(model.name);
      } else {
        convert(model);
        version.incrementAndGet();
      }
    } catch (ConversionException | IOException | RuntimeException e) {
      events.failed(model.name, e);
    }
  }

  private void convert(Watched model) throws ConversionException, IOException {
    long start = System.nanoTime();
    UpToDateCheck.Recording recording = upToDate.begin(model.request);
    ConversionResult result =
        new Converter(events.progress(model.name), recording).convert(model.request);
    recording.finish();
    events.converted(model.name, result, (System.nanoTime() - start) / 1_000_000);
  }

  /** The input files' names, sizes and times; a missing file makes a stamp of its own. */
  private static String stamp(Watched model) {
    try {
      return UpToDateCheck.inputStamp(model.request);
    } catch (IOException e) {
      return "unreadable: " + e;
    }
  }

  /** The root page when several models are shown: a link to each one's preview. */
  private static final class ModelList {
    static void write(Path site, List<String> names) throws IOException {
      StringBuilder page = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta"
          + " charset=\"utf-8\"><title>TensorSpace models</title></head>\n<body>\n<ul>\n");
      for (String name : names) {
        String safe = name.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;");
        page.append("  <li><a href=\"").append(safe).append("/\">").append(safe).append("</a></li>\n");
      }
      Files.createDirectories(site);
      Files.writeString(site.resolve("index.html"), page.append("</ul>\n</body>\n</html>\n"),
          StandardCharsets.UTF_8);
    }
  }
}
