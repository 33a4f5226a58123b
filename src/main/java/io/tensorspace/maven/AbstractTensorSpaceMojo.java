package io.tensorspace.maven;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.InputShapes;
import io.tensorspace.convert.ModelSources;
import io.tensorspace.convert.artifact.ArtifactStore;
import io.tensorspace.convert.artifact.Coordinates;
import io.tensorspace.convert.artifact.ModelArtifact;
import io.tensorspace.convert.tensorflow.GraphOptions;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.eclipse.aether.RepositorySystem;

/** What every goal shares: the models to work on and how failures reach Maven. */
abstract class AbstractTensorSpaceMojo extends AbstractMojo {
  static {
    // jHDF logs every file it opens at INFO; keep the user's build log to our own lines.
    // Maven 4 reads maven.logger.* and warns (once per logger) when the old slf4j-simple name is set.
    String prefix = onMaven4() ? "maven.logger.log." : "org.slf4j.simpleLogger.log.";
    System.setProperty(prefix + "io.jhdf", "warn");
  }

  /** Whether Maven 4's API is visible to plugins, i.e. this runs in Maven 4. */
  static boolean onMaven4() {
    try {
      Class.forName("org.apache.maven.api.Session", false, AbstractTensorSpaceMojo.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  @Parameter(defaultValue = "${project}", readonly = true)
  protected MavenProject project;

  /** The models to convert. */
  @Parameter
  protected List<Model> models;

  /** A single model given on the command line, converted in addition to {@code <models>}. */
  @Parameter(property = "tensorspace.source")
  protected File source;

  /**
   * Instead of {@code -Dtensorspace.source}: the command-line model's coordinates in a Maven
   * repository, {@code groupId:artifactId:version[:type[:classifier]]}.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.artifact")
  protected String artifact;

  /** Where model artifacts that are archives (zip, tar.gz) are unpacked. */
  @Parameter(defaultValue = "${project.build.directory}/tensorspace-artifacts")
  protected File artifactsDirectory;

  /**
   * Maven's resolver; a field, not a JSR-330 constructor, as every Maven from 3.6.3 injects it
   * the same way.
   */
  @Component
  private RepositorySystem repositorySystem;

  /** Weights file of the command-line model, when its source is a topology JSON. */
  @Parameter(property = "tensorspace.weights")
  protected File weights;

  /** Name of the command-line model; defaults to its file (or folder) name without extension. */
  @Parameter(property = "tensorspace.name")
  protected String name;

  /** Layers the command-line model exposes, comma-separated. */
  @Parameter(property = "tensorspace.outputLayers")
  protected String outputLayers;

  /** Layer or class names the command-line model leaves out, comma-separated. */
  @Parameter(property = "tensorspace.excludeLayers")
  protected String excludeLayers;

  /** SavedModel signature of the command-line model; default {@code serving_default}. */
  @Parameter(property = "tensorspace.signature")
  protected String signature;

  /** SavedModel tags of the command-line model, comma-separated; default {@code serve}. */
  @Parameter(property = "tensorspace.tags")
  protected String tags;

  /** ONNX input shapes of the command-line model, e.g. {@code input:1x3x224x224}. */
  @Parameter(property = "tensorspace.inputShape")
  protected String inputShape;

  /** Skips the goal. */
  @Parameter(property = "tensorspace.skip", defaultValue = "false")
  protected boolean skip;

  @Parameter(defaultValue = "${session}", readonly = true)
  protected MavenSession session;

  @Parameter(defaultValue = "${mojoExecution}", readonly = true)
  protected MojoExecution mojoExecution;

  /** Each model's identity and its paths as written, which every failure message starts with. */
  private final Map<Model, String> origins = new IdentityHashMap<>();

  /** The repository artifact each model given by coordinates comes from. */
  private final Map<Model, ModelArtifact> artifacts = new IdentityHashMap<>();

  /** The {@code <models>} of the POM, each resolved against the project and named. */
  protected List<Model> configuredModels() throws MojoFailureException, MojoExecutionException {
    List<Model> all = new ArrayList<>();
    if (models != null) {
      for (int i = 0; i < models.size(); i++) {
        Model model = models.get(i);
        boolean bySource = model != null && model.getSource() != null
            && !model.getSource().getPath().isBlank();
        boolean byArtifact = model != null && model.getArtifact() != null
            && !model.getArtifact().isBlank();
        String entry = "<models> entry " + (i + 1) + " of " + models.size()
            + (model == null || model.getName() == null ? "" : " (named '" + model.getName() + "')");
        if (bySource == byArtifact) {
          throw new MojoFailureException(entry + (bySource
              ? " has both <source> and <artifact>, which are alternatives: keep <source> for a"
                  + " model file or folder, or <artifact> for a model in a Maven repository."
              : " has no <source> or <artifact>. Give each <model> the model file or folder, e.g."
                  + " <source>src/main/models/mnist.h5</source>, or its coordinates in a Maven"
                  + " repository, e.g. <artifact>com.acme.models:lenet:1.2.0:h5</artifact>, or"
                  + " remove the empty entry."));
        }
        if (byArtifact) {
          all.add(fromArtifact(model, "<artifact>" + model.getArtifact().strip() + "</artifact>",
              model.getWeights() == null ? null
                  : "<weights>" + writtenInPom(i, "weights", model.getWeights()) + "</weights>"));
          continue;
        }
        all.add(complete(model,
            "<source>" + writtenInPom(i, "source", model.getSource()) + "</source>",
            model.getWeights() == null ? null
                : "<weights>" + writtenInPom(i, "weights", model.getWeights()) + "</weights>"));
      }
    }
    return all;
  }

  /** The model given with {@code -Dtensorspace.source} or {@code -Dtensorspace.artifact}, if any. */
  protected Optional<Model> commandLineModel()
      throws MojoFailureException, MojoExecutionException {
    String written = userProperty("tensorspace.source");
    boolean bySource = source != null || written != null;
    String coordinates = artifact != null ? artifact : userProperty("tensorspace.artifact");
    if (coordinates != null) {
      if (bySource) {
        throw new MojoFailureException("-Dtensorspace.source and -Dtensorspace.artifact are both"
            + " given, but they are alternatives: give the model file or folder, or its"
            + " coordinates in a Maven repository.");
      }
      if (coordinates.isBlank()) {
        throw new MojoFailureException("-Dtensorspace.artifact is empty. Give the model's"
            + " coordinates, " + Coordinates.FORM + ", e.g."
            + " -Dtensorspace.artifact=com.acme.models:lenet:1.2.0:h5.");
      }
      Model model = commandLineSettings(new Model());
      model.setArtifact(coordinates);
      return Optional.of(fromArtifact(model, "-Dtensorspace.artifact=" + coordinates.strip(),
          weights == null ? null
              : "-Dtensorspace.weights=" + writtenOnCommandLine("tensorspace.weights", weights)));
    }
    if (!bySource) {
      return Optional.empty();
    }
    if (source == null || source.getPath().isBlank() || written != null && written.isBlank()) {
      throw new MojoFailureException("-Dtensorspace.source is empty. Give the model file or"
          + " folder, e.g. -Dtensorspace.source=src/main/models/mnist.h5.");
    }
    Model model = commandLineSettings(new Model());
    model.setSource(source);
    return Optional.of(complete(model,
        "-Dtensorspace.source=" + writtenOnCommandLine("tensorspace.source", source),
        weights == null ? null
            : "-Dtensorspace.weights=" + writtenOnCommandLine("tensorspace.weights", weights)));
  }

  /** The command-line model's settings besides its source. */
  private Model commandLineSettings(Model model) {
    model.setName(name);
    model.setWeights(weights);
    model.setOutputLayers(outputLayers);
    model.setExcludeLayers(excludeLayers);
    model.setSignature(signature);
    model.setTags(tags);
    model.setInputShape(inputShape);
    return model;
  }

  /**
   * Resolves the model's coordinates with Maven's resolver, unpacks an archive, and completes the
   * model with the file or folder that holds it; named after its artifactId by default.
   */
  private Model fromArtifact(Model model, String given, String givenWeights)
      throws MojoFailureException, MojoExecutionException {
    Coordinates coordinates;
    try {
      coordinates = Coordinates.parse(model.getArtifact());
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Model (" + given + "): " + e.getMessage(), e);
    }
    if (model.getName() == null || model.getName().isBlank()) {
      model.setName(coordinates.artifactId());
    }
    String context = "Model '" + model.getName() + "' (" + given + ")";
    ArtifactResolver.Resolved resolved;
    try {
      resolved = new ArtifactResolver(
          Objects.requireNonNull(repositorySystem, "repositorySystem, which Maven injects"),
          session.getRepositorySession(),
          project == null ? List.of() : project.getRemoteProjectRepositories())
          .resolve(coordinates);
    } catch (MojoFailureException e) {
      throw new MojoFailureException(context + ": " + e.getMessage(), e);
    }
    origins.put(model, context);
    ArtifactStore store = new ArtifactStore(resolve(artifactsDirectory).toPath());
    ModelArtifact prepared = run(model,
        () -> store.prepare(coordinates, resolved.version(), resolved.file().toPath()));
    artifacts.put(model, prepared);
    model.setSource(prepared.unpacked() != null ? prepared.unpacked().toFile()
        : prepared.file().toFile());
    return complete(model, given + ", resolved to " + prepared.file()
        + (prepared.unpacked() == null ? "" : ", unpacked into " + prepared.unpacked()),
        givenWeights, givenWeights != null && isRelative(givenWeights));
  }

  /** The repository artifact the model was taken from, or null for a model given by path. */
  protected ModelArtifact artifactOf(Model model) {
    return artifacts.get(model);
  }

  private Model complete(Model model, String givenSource, String givenWeights) {
    return complete(model, givenSource, givenWeights,
        isRelative(givenSource) || givenWeights != null && isRelative(givenWeights));
  }

  /**
   * Resolves the model's paths against the project, names it, and notes how it was given:
   * {@code givenSource} and {@code givenWeights} (null for none) as the user wrote them.
   */
  private Model complete(Model model, String givenSource, String givenWeights, boolean relative) {
    model.setSource(resolve(model.getSource()));
    if (model.getWeights() != null) {
      model.setWeights(resolve(model.getWeights()));
    }
    if (model.getName() == null || model.getName().isBlank()) {
      model.setName(ModelSources.defaultName(model.getSource().toPath()));
    }
    origins.put(model, "Model '" + model.getName() + "' (" + givenSource
        + (givenWeights == null ? "" : ", " + givenWeights)
        + (relative ? ", resolved against " + base() : "") + ")");
    return model;
  }

  /** Whether a path as written (after its "-D...=" or in its element) is relative. */
  private static boolean isRelative(String written) {
    String path = written.replaceFirst("^-D[^=]*=", "").replaceAll("</?\\w+>", "");
    return !path.contains("${") && !new File(path).isAbsolute();
  }

  /**
   * Maven hands a File parameter over made absolute (a URL's "//" collapsed on the way), so
   * messages take the path as the user typed it from the command line or the POM where they can.
   */
  private String writtenOnCommandLine(String property, File value) {
    String written = userProperty(property);
    return written == null ? value.getPath() : written;
  }

  private String userProperty(String property) {
    return session == null ? null : session.getUserProperties().getProperty(property);
  }

  private String writtenInPom(int index, String element, File value) {
    Xpp3Dom configuration = mojoExecution == null ? null : mojoExecution.getConfiguration();
    Xpp3Dom list = configuration == null ? null : configuration.getChild("models");
    if (list != null && index < list.getChildCount()) {
      Xpp3Dom written = list.getChild(index).getChild(element);
      if (written != null && written.getValue() != null && !written.getValue().isBlank()) {
        return written.getValue().strip();
      }
    }
    return value.getPath();
  }

  /** The folder relative paths are resolved against: the project's, else the working folder. */
  private File base() {
    return project == null || project.getBasedir() == null
        ? new File("").getAbsoluteFile() : project.getBasedir();
  }

  protected File resolve(File file) {
    return file.isAbsolute() ? file.getAbsoluteFile() : new File(base(), file.getPath());
  }

  /** Which signature and tags of a SavedModel, and which ONNX input shapes, the model means. */
  protected static GraphOptions graphOptions(Model model) throws MojoFailureException {
    List<String> tagList = commaList(model.getTags());
    InputShapes shapes;
    try {
      shapes = InputShapes.parse(model.getInputShape());
    } catch (ConversionException e) {
      throw new MojoFailureException("Model '" + model.getName() + "': " + e.getMessage()
          + " (<inputShape> / -Dtensorspace.inputShape)", e);
    }
    return new GraphOptions(
        model.getSignature() == null || model.getSignature().isBlank()
            ? GraphOptions.DEFAULT.signature() : model.getSignature().trim(),
        tagList.isEmpty() ? GraphOptions.DEFAULT.tags() : new java.util.TreeSet<>(tagList),
        shapes);
  }

  protected static List<String> commaList(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Runs one step of work, mapping the converter's failures onto Maven's two kinds. */
  protected <T> T run(Work<T> work) throws MojoFailureException, MojoExecutionException {
    return run("", work);
  }

  /** {@link #run(Work)} for one model: its failures start with which model and how it was given. */
  protected <T> T run(Model model, Work<T> work)
      throws MojoFailureException, MojoExecutionException {
    return run(origins.getOrDefault(model, "Model '" + model.getName() + "'") + ": ", work);
  }

  private static <T> T run(String context, Work<T> work)
      throws MojoFailureException, MojoExecutionException {
    try {
      return work.run();
    } catch (ConversionException e) {
      throw new MojoFailureException(context + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new MojoExecutionException(context + "Unexpected failure: " + e, e);
    }
  }

  @FunctionalInterface
  protected interface Work<T> {
    T run() throws ConversionException, IOException;
  }
}
