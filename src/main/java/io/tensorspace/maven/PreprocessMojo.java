package io.tensorspace.maven;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.FirstUse;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.incremental.InputFiles;
import io.tensorspace.convert.incremental.UpToDateCheck;
import io.tensorspace.convert.write.OutputGuard;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
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
public class PreprocessMojo extends AbstractConvertingMojo {

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


  /**
   * Also write an {@code index.html} preview page beside each model (a {@code <model>} can say
   * otherwise with its own {@code <preview>}).
   */
  @Parameter(property = "tensorspace.preview", defaultValue = "false")
  private boolean preview;

  /** Where the record of each model's last conversion is kept, to skip unchanged models. */
  @Parameter(defaultValue = "${project.build.directory}/tensorspace-state")
  private File stateDirectory;


  /**
   * How many models are converted (or found up to date) at once; default as many as the machine
   * has cores, {@code 1} one after the other. The log and a failure are the same either way: each
   * model's lines in POM order, and the first model in POM order that fails fails the build
   * (after every other model was converted, so their errors are logged too).
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.threads")
  Integer threads;

  @Override
  boolean previewByDefault() {
    return preview;
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("TensorSpace preprocessing skipped (tensorspace.skip).");
      return;
    }
    Map<Model, ConversionRequest> requests = conversionRequests();
    UpToDateCheck upToDate = new UpToDateCheck(resolve(stateDirectory).toPath());
    Optional<BuildCacheProbe> buildCache = buildCacheProbe();
    List<InPomOrder.Task> tasks = new ArrayList<>();
    for (Map.Entry<Model, ConversionRequest> each : requests.entrySet()) {
      Model model = each.getKey();
      ConversionRequest request = each.getValue();
      // an anonymous class rather than a lambda, whose first call bootstraps a class every build
      tasks.add(new InPomOrder.Task() {
        @Override
        public void run(Log log) throws MojoExecutionException, MojoFailureException {
          convert(upToDate, model, request, log);
          if (buildCache.isPresent()) {
            warnUnseen(buildCache.get(), model, request, log);
          }
        }
      });
    }
    InPomOrder.run(getLog(), threads(), tasks);
    addResource(resolve(outputDirectory));
  }

  /** The Maven Build Cache Extension's view of this build, when the project uses it. */
  private Optional<BuildCacheProbe> buildCacheProbe() {
    if (project == null || project.getFile() == null || session == null || mojoExecution == null) {
      return Optional.empty();
    }
    File top = session.getRequest().getMultiModuleProjectDirectory();
    String enabled = session.getUserProperties().getProperty("maven.build.cache.enabled",
        session.getSystemProperties().getProperty("maven.build.cache.enabled"));
    return BuildCacheProbe.of(project, (top == null ? project.getBasedir() : top).toPath(),
        mojoExecution.getPlugin().getKey(), System.getProperty("java.io.tmpdir"), enabled);
  }

  /** Warns when the build cache's key misses changes of what this conversion reads. */
  private void warnUnseen(BuildCacheProbe probe, Model model, ConversionRequest request, Log log)
      throws MojoExecutionException, MojoFailureException {
    if (request.artifact() != null) {
      probe.warning(model.getName(), request.artifact().coordinates()).ifPresent(log::warn);
      return;
    }
    List<Path> read = run(model, () -> InputFiles.of(request));
    probe.warning(model.getName(), request.source(), read).ifPresent(log::warn);
  }

  /** The {@code threads} setting, or the number of cores. */
  int threads() throws MojoFailureException {
    if (threads == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    if (threads < 1) {
      throw new MojoFailureException("<threads> / -Dtensorspace.threads must be 1 (one model"
          + " after the other) or more, but is " + threads + ".");
    }
    return threads;
  }

  /**
   * The conversion each model asks for, in order: the {@code <models>}, then the command-line
   * model. Converts nothing.
   */
  Map<Model, ConversionRequest> conversionRequests()
      throws MojoFailureException, MojoExecutionException {
    File base = resolve(outputDirectory);
    Optional<Model> commandLine = commandLineModel();
    List<Model> all = new ArrayList<>(configuredModels());
    if (commandLine.isPresent()) {
      all.add(commandLine.get());
    }
    if (all.isEmpty()) {
      throw new MojoFailureException(
          "No model to preprocess: configure <models> in the POM, or pass"
              + " -Dtensorspace.source=<file or folder> or -Dtensorspace.artifact=<coordinates>.");
    }
    // a lone command-line model fills the output directory; listed models get a folder each
    boolean alone = commandLine.isPresent() && all.size() == 1;
    Map<Model, ConversionRequest> requests = new LinkedHashMap<>();
    Map<File, Model> targets = new HashMap<>();
    for (Model model : all) {
      File target = alone ? base : new File(base, model.getName());
      Model other = targets.putIfAbsent(target, model);
      if (other != null) {
        throw new MojoFailureException("Two models are named '" + model.getName() + "' (from "
            + other.getSource() + " and " + model.getSource() + "), so both would be"
            + " written to " + target + ". Give each <model> its own <name>.");
      }
      requests.put(model, request(model, target));
    }
    return requests;
  }

  private void convert(UpToDateCheck upToDate, Model model, ConversionRequest request, Log log)
      throws MojoExecutionException, MojoFailureException {
    String name = model.getName();
    Path target = request.outputDirectory();
    long start = System.nanoTime();
    ConversionResult result = run(model, new Conversion(upToDate, name, request, log));
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (result == null) {
      log.info("TensorSpace model '" + name + "' is up to date (" + ms + " ms) -> " + target);
      return;
    }
    log.info("TensorSpace model '" + name + "' from " + request.source() + ": "
        + result.outputs().size() + " outputs, " + GroupedDigits.of(result.weightBytes())
        + " weight bytes, " + ms + " ms -> " + target);
    for (String warning : result.warnings()) {
      log.warn("TensorSpace model '" + name + "': " + warning);
    }
  }

  /**
   * One model's conversion, unless it is up to date (then null). A class rather than lambdas:
   * each lambda's first call bootstraps a class, and every build runs this.
   */
  private final class Conversion implements Work<ConversionResult> {
    private final UpToDateCheck upToDate;
    private final String name;
    private final ConversionRequest request;
    private final Log log;

    Conversion(UpToDateCheck upToDate, String name, ConversionRequest request, Log log) {
      this.upToDate = upToDate;
      this.name = name;
      this.request = request;
      this.log = log;
    }

    @Override
    public ConversionResult run() throws ConversionException, IOException {
      OutputGuard.check(request.outputDirectory(), projectBase(), protectedFolders());
      if (!force && upToDate.isUpToDate(request)) {
        return null;
      }
      if (request.artifact() == null) {
        FirstUse.start(request.source(), request.weights());
      }
      UpToDateCheck.Recording recording = upToDate.begin(request);
      ConversionResult converted =
          new Converter(new ProgressLog(log, name), recording).convert(request);
      recording.finish();
      return converted;
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
    for (String root : project.getCompileSourceRoots()) {
      folders.add(new File(root).toPath());
    }
    for (String root : project.getTestCompileSourceRoots()) {
      folders.add(new File(root).toPath());
    }
    for (Resource resource : project.getResources()) {
      if (!resource.getDirectory().equals(ownResources)) {
        folders.add(resolve(new File(resource.getDirectory())).toPath());
      }
    }
    return folders;
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
      for (Resource kept : probe.getResources()) {
        if (resource.getTargetPath().equals(kept.getTargetPath())) {
          return true;
        }
      }
      return false;
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
