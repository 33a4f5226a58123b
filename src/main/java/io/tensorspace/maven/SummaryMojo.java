package io.tensorspace.maven;

import io.tensorspace.convert.Converter;
import io.tensorspace.convert.summary.Summary;
import io.tensorspace.convert.tensorflow.GraphOptions;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Prints every layer of each model that {@code outputLayers} can name: class, output shape,
 * parameter count and inbound layers.
 *
 * @since 0.1.0
 */
@Mojo(name = "summary", threadSafe = true, requiresProject = false)
public class SummaryMojo extends AbstractTensorSpaceMojo {

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("TensorSpace summary skipped (tensorspace.skip).");
      return;
    }
    Converter converter = new Converter();
    List<Model> all = configuredModels();
    commandLineModel().ifPresent(all::add);
    if (all.isEmpty()) {
      throw new MojoFailureException(
          "No model to summarize: pass -Dtensorspace.source=<file or folder> or configure"
              + " <models>.");
    }
    for (Model model : all) {
      GraphOptions options = graphOptions(model);
      Summary summary = run(model, () -> converter.summarize(
          model.getSource().toPath(),
          model.getWeights() == null ? null : model.getWeights().toPath(),
          options));
      summary.toLines().forEach(getLog()::info);
    }
  }
}
