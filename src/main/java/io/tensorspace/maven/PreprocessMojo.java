package io.tensorspace.maven;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.incremental.UpToDateCheck;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions;
import io.tensorspace.convert.write.OutputGuard;
import io.tensorspace.convert.write.Quantize;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Converts each model into a TensorFlow.js model that exposes the chosen layers, ready for
 * TensorSpace, and adds the output folder to the project's resources so it ships in the jar/war.
 *
 * @since 0.1.0
 */
@Mojo(
    name = "preprocess",
    defaultPhase = LifecyclePhase.GENERATE_RESOURCES,
    threadSafe = true,
    requiresProject = false)
public class PreprocessMojo extends AbstractTensorSpaceMojo {

  /**
   * Where converted models go: {@code <models>} entries each in a folder named after the model,
   * the command-line model ({@code -Dtensorspace.source}) directly.
   */
  @Parameter(
      property = "tensorspace.outputDirectory",
      defaultValue = "${project.build.directory}/generated-resources/tensorspace")
  private File outputDirectory;

  /** Path of the models inside the jar/war, e.g. {@code static/models} for Spring Boot. */
  @Parameter(property = "tensorspace.resourceTargetPath", defaultValue = "tensorspace")
  private String resourceTargetPath;

  /** Size of each weight shard but the last, in bytes. */
  @Parameter(property = "tensorspace.shardSizeBytes", defaultValue = "4194304")
  private long shardSizeBytes;

  /**
   * Stores float32 weights in fewer bytes: {@code none}, {@code uint8} (a quarter of the size),
   * {@code uint16} (half) or {@code float16} (half; TensorSpace 0.6.1's tfjs 1.x cannot read it,
   * it needs tfjs 2.0.1 or newer). Weights of a TensorFlow.js model that are already quantized stay
   * as they are unless another kind is asked for.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.quantize", defaultValue = "none")
  private String quantize;

  /**
   * Limits {@code quantize} to the weights whose names match one of these comma-separated patterns
   * ({@code *} matches anything, e.g. {@code conv2d*}{@code /kernel}); empty means every float32
   * weight.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.quantizeWeights")
  private String quantizeWeights;

  /**
   * Writes one weight group (its own shard files) per layer instead of one for the whole model.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.splitWeightsByLayer", defaultValue = "false")
  private boolean splitWeightsByLayer;

  /** Where the record of each model's last conversion is kept, to skip unchanged models. */
  @Parameter(defaultValue = "${project.build.directory}/tensorspace-state")
  private File stateDirectory;

  /**
   * Also write an {@code index.html} preview page beside each model (a {@code <model>} can say
   * otherwise with its own {@code <preview>}).
   */
  @Parameter(property = "tensorspace.preview", defaultValue = "false")
  private boolean preview;

  /**
   * URL prefix the preview page loads TensorSpace, three.js, tween.js and TensorFlow.js from, as
   * {@code <prefix><package>@<version>/<file>}; default jsDelivr's npm mirror.
   */
  @Parameter(property = "tensorspace.previewLibraries")
  private String previewLibraries;

  /** Converts every model even when nothing changed since the last build. */
  @Parameter(property = "tensorspace.force", defaultValue = "false")
  boolean force;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("TensorSpace preprocessing skipped (tensorspace.skip).");
      return;
    }
    if (shardSizeBytes < 1) {
      throw new MojoFailureException("<shardSizeBytes> / -Dtensorspace.shardSizeBytes must be a"
          + " positive number of bytes, e.g. 4194304 (4 MiB), but is " + shardSizeBytes + ".");
    }
    File base = resolve(outputDirectory);
    Map<Model, File> targets = new LinkedHashMap<>();
    Optional<Model> commandLine = commandLineModel();
    List<Model> all = new ArrayList<>(configuredModels());
    commandLine.ifPresent(all::add);
    for (Model model : all) {
      // a lone command-line model fills the output directory; listed models get a folder each
      boolean alone = commandLine.isPresent() && all.size() == 1;
      File target = alone ? base : new File(base, model.getName());
      for (Map.Entry<Model, File> other : targets.entrySet()) {
        if (other.getValue().equals(target)) {
          throw new MojoFailureException("Two models are named '" + model.getName() + "' (from "
              + other.getKey().getSource() + " and " + model.getSource() + "), so both would be"
              + " written to " + target + ". Give each <model> its own <name>.");
        }
      }
      targets.put(model, target);
    }
    if (targets.isEmpty()) {
      throw new MojoFailureException(
          "No model to preprocess: configure <models> in the POM, or pass -Dtensorspace.source=<file or folder>.");
    }
    UpToDateCheck upToDate = new UpToDateCheck(resolve(stateDirectory).toPath());
    for (Map.Entry<Model, File> entry : targets.entrySet()) {
      convert(upToDate, entry.getKey(), entry.getValue());
    }
    addResource(base);
  }

  private void convert(UpToDateCheck upToDate, Model model, File target)
      throws MojoExecutionException, MojoFailureException {
    ConversionRequest request = request(model, target);
    run(model, () -> {
      OutputGuard.check(target.toPath(), projectBase(), protectedFolders());
      return null;
    });
    long start = System.nanoTime();
    if (!force && run(model, () -> upToDate.isUpToDate(request))) {
      getLog().info(String.format("TensorSpace model '%s' is up to date (%d ms) -> %s",
          model.getName(), (System.nanoTime() - start) / 1_000_000, target));
      return;
    }
    ConversionResult result = run(model, () -> {
      UpToDateCheck.Recording recording = upToDate.begin(request);
      Converter converter = new Converter(
          new ProgressLog(getLog(), model.getName(), System::nanoTime), recording);
      ConversionResult converted = converter.convert(request);
      recording.finish();
      return converted;
    });
    getLog().info(String.format(
        "TensorSpace model '%s' from %s: %d outputs, %,d weight bytes, %d ms -> %s",
        model.getName(), model.getSource(), result.outputs().size(), result.weightBytes(),
        (System.nanoTime() - start) / 1_000_000, target));
    result.warnings().forEach(warning ->
        getLog().warn("TensorSpace model '" + model.getName() + "': " + warning));
  }

  /** What converting the model into {@code target} means with this goal's settings. */
  ConversionRequest request(Model model, File target) throws MojoFailureException {
    return new ConversionRequest(
        model.getSource().toPath(),
        model.getWeights() == null ? null : model.getWeights().toPath(),
        target.toPath(),
        commaList(model.getOutputLayers()),
        commaList(model.getExcludeLayers()),
        shardSizeBytes)
        .withWeightOptions(quantize(), commaList(quantizeWeights), splitWeightsByLayer)
        .withTensorSpace(tensorSpaceOptions(model))
        .withGraphOptions(graphOptions(model));
  }

  private Quantize quantize() throws MojoFailureException {
    try {
      return Quantize.parse(quantize);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage() + " (<quantize> / -Dtensorspace.quantize).");
    }
  }

  /** The project folder, or null when the goal runs without a POM. */
  private java.nio.file.Path projectBase() {
    return project == null || project.getFile() == null ? null : project.getBasedir().toPath();
  }

  /** Source and resource folders of the project: never replaced, never written into. */
  private List<java.nio.file.Path> protectedFolders() {
    List<java.nio.file.Path> folders = new ArrayList<>();
    if (project == null || project.getFile() == null) {
      return folders;
    }
    String ownResources = resolve(outputDirectory).getAbsolutePath();
    project.getCompileSourceRoots().forEach(root -> folders.add(new File(root).toPath()));
    project.getTestCompileSourceRoots().forEach(root -> folders.add(new File(root).toPath()));
    for (Resource resource : project.getResources()) {
      if (!resource.getDirectory().equals(ownResources)) {
        folders.add(resolve(new File(resource.getDirectory())).toPath());
      }
    }
    return folders;
  }

  private TensorSpaceOptions tensorSpaceOptions(Model model) {
    Map<String, TensorSpaceOptions.LayerOverride> layers = new LinkedHashMap<>();
    if (model.getLayers() != null) {
      for (LayerView view : model.getLayers()) {
        layers.put(view.getName(), new TensorSpaceOptions.LayerOverride(view.getTensorSpaceClass(),
            view.getColor(), commaList(view.getOutputs()), view.getInitStatus()));
      }
    }
    boolean withPreview = model.getPreview() == null ? preview : model.getPreview();
    return new TensorSpaceOptions(model.getName(), withPreview, previewLibraries, layers);
  }

  private void addResource(File base) throws MojoExecutionException {
    if (project == null || project.getFile() == null) {
      return;
    }
    String directory = base.getAbsolutePath();
    for (Resource existing : project.getResources()) {
      if (directory.equals(existing.getDirectory())) {
        return;
      }
    }
    Resource resource = new Resource();
    resource.setDirectory(directory);
    resource.setTargetPath(resourceTargetPath);
    // lock files and staging folders of the converter are not part of the model
    resource.addExclude("**/.*");
    if (resourceTargetPath != null && !resourceTargetPath.isEmpty() && !keepsTargetPath(resource)) {
      // Maven 4.0.0-rc-4 drops the targetPath of an added resource (apache/maven#11062): put the
      // models where the resources plugin would have put them instead of adding a resource root
      copyToOutput(base.toPath(),
          Path.of(project.getBuild().getOutputDirectory()).resolve(resourceTargetPath));
      return;
    }
    project.addResource(resource);
  }

  /** Whether this Maven keeps the targetPath of an added resource, tried on a throwaway project. */
  private boolean keepsTargetPath(Resource resource) {
    try {
      MavenProject probe = new MavenProject();
      probe.setFile(project.getFile());
      probe.addResource(resource.clone());
      return probe.getResources().stream()
          .anyMatch(r -> resource.getTargetPath().equals(r.getTargetPath()));
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** Copies the converted models, leaving out hidden files and files already there unchanged. */
  private static void copyToOutput(Path from, Path to) throws MojoExecutionException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path relative = from.relativize(file);
        boolean hidden = false;
        for (Path name : relative) {
          hidden |= name.toString().startsWith(".");
        }
        if (hidden) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else if (!Files.isRegularFile(target)
            || Files.size(target) != Files.size(file)
            || !Files.getLastModifiedTime(target).equals(Files.getLastModifiedTime(file))) {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot copy the models to " + to + ": " + e.getMessage(), e);
    }
  }
}
