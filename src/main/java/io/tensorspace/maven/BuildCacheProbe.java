package io.tensorspace.maven;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import io.tensorspace.convert.artifact.Coordinates;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.model.Extension;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the Apache Maven Build Cache Extension's cache key covers of a project, as its probe
 * (maven-build-cache-extension 1.2/1.3, {@code MavenProjectInput}) finds it: the source and
 * resource folders, {@code maven.build.cache.input.*} properties, the {@code <include>}s of
 * {@code .mvn/maven-build-cache-config.xml}, and every value of a plugin's POM configuration that
 * is an existing path outside {@code java.io.tmpdir}. A file the plugin reads outside all of these
 * can change without changing the key, and the old conversion would be restored. A model given
 * as {@code <artifact>} is keyed by its coordinates (in the POM, or reconciled for
 * {@code -Dtensorspace.artifact}); a SNAPSHOT's file, which changes under the same coordinates,
 * only when the project also depends on it: the extension keys SNAPSHOT dependencies by checksum.
 */
final class BuildCacheProbe {
  private static final String EXTENSION = "maven-build-cache-extension";
  private static final String INPUT_PROPERTY = "maven.build.cache.input";

  private final Path base;
  private final String tmpDir;
  private final List<Path> roots;
  private final List<Dependency> dependencies;

  /**
   * @param base the project folder
   * @param tmpDir {@code java.io.tmpdir} of the build
   * @param roots files and folders the cache key covers (a folder with everything in it)
   * @param dependencies the project's dependencies
   */
  BuildCacheProbe(Path base, String tmpDir, List<Path> roots, List<Dependency> dependencies) {
    this.base = base.toAbsolutePath().normalize();
    this.tmpDir = tmpDir;
    this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.dependencies = List.copyOf(dependencies);
  }

  /**
   * The probe of the project's build, or empty when the extension is not loaded by the project's
   * {@code .mvn/extensions.xml} or its POM, or is switched off with {@code maven.build.cache.enabled}.
   */
  static Optional<BuildCacheProbe> of(MavenProject project, Path topFolder, String pluginKey,
      String tmpDir, String enabled) {
    if (!loaded(project, topFolder) || "false".equalsIgnoreCase(enabled)) {
      return Optional.empty();
    }
    Path base = project.getBasedir().toPath();
    List<Path> roots = new ArrayList<>();
    roots.add(Path.of(project.getBuild().getSourceDirectory()));
    roots.add(Path.of(project.getBuild().getTestSourceDirectory()));
    project.getBuild().getResources().forEach(r -> roots.add(Path.of(r.getDirectory())));
    project.getBuild().getTestResources().forEach(r -> roots.add(Path.of(r.getDirectory())));
    project.getProperties().stringPropertyNames().stream()
        .filter(name -> name.startsWith(INPUT_PROPERTY) && !name.equals(INPUT_PROPERTY + ".glob"))
        .forEach(name -> roots.add(Path.of(project.getProperties().getProperty(name))));
    roots.addAll(globalIncludes(topFolder.resolve(".mvn/maven-build-cache-config.xml")));
    Plugin plugin = project.getBuild().getPluginsAsMap().get(pluginKey);
    if (plugin != null) {
      configuredPaths((Xpp3Dom) plugin.getConfiguration(), tmpDir, roots);
      for (PluginExecution execution : plugin.getExecutions()) {
        configuredPaths((Xpp3Dom) execution.getConfiguration(), tmpDir, roots);
      }
    }
    return Optional.of(new BuildCacheProbe(base, tmpDir,
        roots.stream().map(root -> base.resolve(root)).filter(Files::exists).toList(),
        project.getDependencies()));
  }

  private static boolean loaded(MavenProject project, Path topFolder) {
    Path extensions = topFolder.resolve(".mvn/extensions.xml");
    try {
      if (Files.isRegularFile(extensions) && Files.readString(extensions).contains(EXTENSION)) {
        return true;
      }
    } catch (IOException e) {
      // unreadable: Maven could not load the extension from it either
    }
    for (Extension extension : project.getBuildExtensions()) {
      if (EXTENSION.equals(extension.getArtifactId())) {
        return true;
      }
    }
    return false;
  }

  /** The files among {@code read} that the cache key does not cover, in their order. */
  List<Path> unseen(List<Path> read) {
    return read.stream()
        .filter(file -> roots.stream().noneMatch(file.toAbsolutePath().normalize()::startsWith))
        .toList();
  }

  /**
   * What to tell the user when the key misses files of the model read from {@code source}: which
   * files, and the fix; empty when the key covers them all.
   */
  Optional<String> warning(String model, Path source, List<Path> read) {
    List<Path> unseen = unseen(read);
    if (unseen.isEmpty()) {
      return Optional.empty();
    }
    String folder = shown(Files.isDirectory(source) ? source : source.getParent());
    String property = "maven.build.cache.input." + model;
    String asProperty = "<" + property + ">" + folder + "</" + property + ">";
    String fix = source.toAbsolutePath().startsWith(tmpDir)
        ? "It never looks under java.io.tmpdir: name the folder as a project property, " + asProperty
        : "Give the folder as <source>" + folder + "</source>, or name it as a project property, "
            + asProperty;
    return Optional.of(String.format("TensorSpace model '%s': the Maven Build Cache Extension does"
            + " not see %s this conversion reads, so a change to %s would restore the old"
            + " conversion from the cache: %s. %s (README: \"Maven Build Cache Extension\").",
        model, unseen.size() == 1 ? "1 file" : unseen.size() + " files",
        unseen.size() == 1 ? "it" : "them",
        String.join(", ", unseen.stream().limit(5).map(this::shown).toList())
            + (unseen.size() > 5 ? ", ..." : ""), fix));
  }

  /**
   * What to tell the user when the key misses changes of the model artifact: a SNAPSHOT the
   * project does not also depend on.
   */
  Optional<String> warning(String model, Coordinates artifact) {
    if (!artifact.isSnapshot() || dependencies.stream().anyMatch(d -> sameArtifact(d, artifact))) {
      return Optional.empty();
    }
    return Optional.of(String.format("TensorSpace model '%s': the Maven Build Cache Extension keys"
            + " <artifact>%s</artifact> by its coordinates, and a new %s under the same"
            + " coordinates would restore the old conversion from the cache. Declare it also as a"
            + " dependency of the project, which the extension keys by checksum: <dependency>"
            + "<groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version><type>%s</type>"
            + "%s<scope>provided</scope></dependency> (README: \"Maven Build Cache Extension\").",
        model, artifact, artifact.version(), artifact.groupId(), artifact.artifactId(),
        artifact.version(), artifact.type(),
        artifact.classifier() == null ? "" : "<classifier>" + artifact.classifier() + "</classifier>"));
  }

  private static boolean sameArtifact(Dependency dependency, Coordinates artifact) {
    return artifact.groupId().equals(dependency.getGroupId())
        && artifact.artifactId().equals(dependency.getArtifactId())
        && artifact.version().equals(dependency.getVersion())
        && artifact.type().equals(dependency.getType())
        && Objects.equals(artifact.classifier(),
            dependency.getClassifier() == null || dependency.getClassifier().isBlank()
                ? null : dependency.getClassifier());
  }

  /** A path relative to the project when inside it, as a user writes it in the POM. */
  private String shown(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    return absolute.startsWith(base) ? base.relativize(absolute).toString() : absolute.toString();
  }

  /** Every value of the configuration that the extension takes for a path. */
  private static void configuredPaths(Xpp3Dom configuration, String tmpDir, List<Path> into) {
    if (configuration == null) {
      return;
    }
    for (Xpp3Dom child : configuration.getChildren()) {
      configuredPaths(child, tmpDir, into);
      String value = child.getValue() == null ? "" : child.getValue().trim();
      if (probed(value, tmpDir)) {
        into.add(Path.of(value));
      }
    }
  }

  /** The extension's filter of configuration values it does not try as paths. */
  private static boolean probed(String value, String tmpDir) {
    return !value.isEmpty() && !value.contains("*") && !value.startsWith("${")
        && !(value.contains(":") && !value.contains(":\\"))
        && !value.matches("(?i)true|false|null|utf-8|(com|org|io|java|javax)\\..*")
        && !value.startsWith(tmpDir);
  }

  /** The {@code <global><includes><include>} paths of the cache configuration, if any. */
  private static List<Path> globalIncludes(Path config) {
    List<Path> includes = new ArrayList<>();
    if (!Files.isRegularFile(config)) {
      return includes;
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      NodeList nodes = factory.newDocumentBuilder().parse(config.toFile())
          .getElementsByTagName("include");
      for (int i = 0; i < nodes.getLength(); i++) {
        Element include = (Element) nodes.item(i);
        Element parent = (Element) include.getParentNode();
        if ("includes".equals(parent.getTagName())
            && "global".equals(((Element) parent.getParentNode()).getTagName())) {
          includes.add(Path.of(include.getTextContent().trim()));
        }
      }
    } catch (Exception e) {
      // a configuration the extension cannot read either: the warning errs on the safe side
    }
    return includes;
  }
}
