package io.tensorspace.maven;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.convert.view.ModelViewer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Shows a model in TensorSpace with one command, no project needed: converts it with the preview
 * page, serves the page on {@code http://127.0.0.1:<port>/}, converts again when the model's files
 * change (an open page reloads itself) and stops on Ctrl-C. Takes the model from
 * {@code -Dtensorspace.source}, else the POM's {@code <models>}; the weight and layer settings are
 * those of {@code preprocess}. Its output goes to {@code viewDirectory}, or without a POM to a
 * temporary folder deleted on exit.
 *
 * @since 0.1.0
 */
@Mojo(name = "view", requiresProject = false, threadSafe = true)
public class ViewMojo extends AbstractConvertingMojo {
  /** How often the model's files are checked for a change. */
  static final long POLL_MILLIS = 500;

  /** Port on 127.0.0.1 to serve the page on; 0 picks a free one. */
  @Parameter(property = "tensorspace.port", defaultValue = "8765")
  private int port;

  /**
   * A local folder with the scripts the page loads (TensorSpace 0.6.1, three.js 0.102.1, tween.js
   * 17.6.0, TensorFlow.js 1.7.4), served with the page: an npm {@code node_modules} folder or a
   * mirror of the npm CDN's {@code <package>@<version>/<file>} layout. Without it the page loads
   * them from {@code previewLibraries} (default the public npm CDN).
   */
  @Parameter(property = "tensorspace.libraries")
  private File libraries;

  /** Where the converted models and their preview pages go when there is a POM. */
  @Parameter(
      property = "tensorspace.viewDirectory",
      defaultValue = "${project.build.directory}/tensorspace-view")
  private File viewDirectory;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("TensorSpace view skipped (tensorspace.skip).");
      return;
    }
    ModelViewer viewer = start();
    // Ctrl-C ends the JVM: the hook stops the server and deletes a temporary folder
    Thread stop = new Thread(viewer::close, "tensorspace-view-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    getLog().info("TensorSpace view: " + viewer.uri()
        + "  (converts again when the model changes; Ctrl-C stops)");
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      // stopped by whoever runs Maven in-process (an IDE, a test): stop serving, leave normally
      Thread.currentThread().interrupt();
      Runtime.getRuntime().removeShutdownHook(stop);
      viewer.close();
    }
  }

  /** Every model shown gets its preview page: the viewer serves it. */
  @Override
  boolean previewByDefault() {
    return true;
  }

  /** Converts the models and starts serving them; the caller closes the viewer. */
  ModelViewer start() throws MojoExecutionException, MojoFailureException {
    List<Model> shown = new ArrayList<>();
    Optional<Model> commandLine = commandLineModel();
    commandLine.ifPresent(shown::add);
    if (commandLine.isEmpty()) {
      shown.addAll(configuredModels());
    }
    if (shown.isEmpty()) {
      throw new MojoFailureException("No model to view: pass -Dtensorspace.source=<file>"
          + " (or configure <models> in the POM).");
    }
    List<ConversionRequest> requests = new ArrayList<>();
    for (Model model : shown) {
      // the viewer puts each model into a folder of its own choosing
      requests.add(request(model, new File(model.getName())));
    }
    boolean temporary = project == null || project.getFile() == null;
    Path folder = run(() -> temporary
        ? Files.createTempDirectory("tensorspace-view-") : resolve(viewDirectory).toPath());
    getLog().info("TensorSpace view: converting into " + folder
        + (temporary ? " (a temporary folder, deleted on exit)" : ""));
    ModelViewer.Settings settings = new ModelViewer.Settings(folder, temporary, port,
        libraries == null ? null : resolve(libraries).toPath(), POLL_MILLIS, force);
    return run(() -> ModelViewer.start(requests, settings, new LogEvents()));
  }

  /** The viewer's news, in the build log. */
  private final class LogEvents implements ModelViewer.Events {
    @Override
    public ProgressListener progress(String model) {
      return new ProgressLog(getLog(), model, System::nanoTime);
    }

    @Override
    public void converted(String model, ConversionResult result, long millis) {
      getLog().info("TensorSpace model '" + model + "': " + result.outputs().size() + " outputs, "
          + GroupedDigits.of(result.weightBytes()) + " weight bytes, " + millis + " ms");
      result.warnings().forEach(warning -> getLog().warn("TensorSpace model '" + model + "': " + warning));
    }

    @Override
    public void unchanged(String model) {
      getLog().info("TensorSpace model '" + model + "' is unchanged.");
    }

    @Override
    public void failed(String model, Exception error) {
      getLog().error("TensorSpace model '" + model + "' could not be converted again; still"
          + " showing the last good one. " + error.getMessage());
    }
  }
}
