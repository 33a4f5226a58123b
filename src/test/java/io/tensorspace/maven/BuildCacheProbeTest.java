package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.incremental.InputFiles;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import io.tensorspace.convert.artifact.Coordinates;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Extension;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.model.Resource;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3DomBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which files a conversion reads that the Maven Build Cache Extension's key misses, for every
 * TensorFlow.js layers model and SavedModel of the corpus given each way a POM can give it. The
 * build-cache IT shows with the extension itself that these are the files whose change restores a
 * stale conversion.
 */
class BuildCacheProbeTest {
  private static final String PLUGIN = "io.tensorspace:tensorspace-maven-plugin";
  private static final String EXTENSIONS_XML = "<extensions><extension>"
      + "<groupId>org.apache.maven.extensions</groupId>"
      + "<artifactId>maven-build-cache-extension</artifactId><version>1.3.0</version>"
      + "</extension></extensions>";

  @TempDir Path dir;

  static Stream<CorpusCase> multiFileModels() {
    return Stream.concat(ModelCorpus.cases("tfjs-layers").stream(),
        ModelCorpus.cases("savedmodel").stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multiFileModels")
  void theModelFileAloneLeavesItsWeightsUnseen(CorpusCase model) throws Exception {
    Path base = project();
    Path folder = model.copyTo(base.resolve("src/main/models/m"));
    Path file = folder.resolve(model.mainFile());
    List<Path> read = InputFiles.of(request(file));
    List<Path> rest = new ArrayList<>(read);
    rest.remove(file);
    assertFalse(rest.isEmpty(), "the corpus model reads more than its main file: " + read);

    BuildCacheProbe probe = probe(base, "src/main/models/m/" + model.mainFile());
    assertEquals(rest, probe.unseen(read));
    String warning = probe.warning("m", file, read).orElseThrow();
    assertTrue(warning.contains("does not see " + (rest.size() == 1 ? "1 file" : rest.size() + " files"))
        && warning.contains("src/main/models/m/" + folder.relativize(rest.get(0)))
        && warning.contains("Give the folder as <source>" + base.relativize(file.getParent())
            + "</source>"), warning);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multiFileModels")
  void theModelFolderIsSeenWhole(CorpusCase model) throws Exception {
    Path base = project();
    Path folder = model.copyTo(base.resolve("src/main/models/m"));

    List<Path> read = InputFiles.of(request(folder));
    assertEquals(List.of(), probe(base, "src/main/models/m").unseen(read));
    assertTrue(probe(base, "src/main/models/m").warning("m", folder, read).isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multiFileModels")
  void aFolderUnderTheTmpDirIsNeverSeenUnlessNamedAsInputProperty(CorpusCase model)
      throws Exception {
    Path base = project();
    Path tmp = dir.resolve("tmp");
    Path folder = model.copyTo(tmp.resolve("m"));
    List<Path> read = InputFiles.of(request(folder));

    BuildCacheProbe probe = probe(base, folder.toString(), tmp);
    assertEquals(read, probe.unseen(read));
    String warning = probe.warning("m", folder, read).orElseThrow();
    assertTrue(warning.contains("It never looks under java.io.tmpdir")
        && warning.contains("<maven.build.cache.input.m>" + folder + "</maven.build.cache.input.m>"),
        warning);
    MavenProject project = mavenProject(base, folder.toString());
    project.getProperties().setProperty("maven.build.cache.input.m", folder.toString());
    assertEquals(List.of(), of(project, base, tmp).orElseThrow().unseen(read));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("multiFileModels")
  void aModelOutsideTheProjectIsSeenWhereThePomOrAGlobalIncludeNamesIt(CorpusCase model) throws Exception {
    Path base = project();
    Path folder = model.copyTo(dir.resolve("elsewhere/m"));
    List<Path> read = InputFiles.of(request(folder));

    assertEquals(read, probe(base, "src/main/models/other.h5").unseen(read));
    assertEquals(List.of(), probe(base, folder.toString()).unseen(read),
        "outside the project, but written in the POM");
    assertEquals(List.of(), probe(base, "../elsewhere/m").unseen(read),
        "outside the project, written relative to it");
    Files.writeString(base.resolve(".mvn/maven-build-cache-config.xml"),
        "<cache><input><global><includes><include>" + folder
            + "</include></includes></global></input></cache>");
    assertEquals(List.of(), probe(base, "src/main/models/other.h5").unseen(read));
  }

  @Test
  void keysResourceFoldersAndWeightsFilesAsWritten() throws Exception {
    Path base = project();
    Path separated = ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist-separated")
        .copyTo(base.resolve("models"));
    ConversionRequest request = new ConversionRequest(separated.resolve("topology.json"),
        separated.resolve("weights.h5"), dir.resolve("out"), List.of(), List.of(), 4096);
    List<Path> read = InputFiles.of(request);

    assertEquals(List.of(separated.resolve("weights.h5")),
        probe(base, "models/topology.json").unseen(read));
    MavenProject project = mavenProject(base,
        "<source>models/topology.json</source><weights>models/weights.h5</weights>");
    assertEquals(List.of(), of(project, base, dir.resolve("tmp")).orElseThrow().unseen(read));
    Resource resource = new Resource();
    resource.setDirectory(base.resolve("models").toString());
    project = mavenProject(base, "models/topology.json");
    project.getBuild().addResource(resource);
    assertEquals(List.of(), of(project, base, dir.resolve("tmp")).orElseThrow().unseen(read));
  }

  @Test
  void noProbeWithoutTheExtensionOrWhenItIsOff() throws Exception {
    Path base = project();
    MavenProject project = mavenProject(base, "src/main/models/a.h5");
    Files.delete(base.resolve(".mvn/extensions.xml"));
    assertTrue(of(project, base, dir.resolve("tmp")).isEmpty());

    Extension extension = new Extension();
    extension.setGroupId("org.apache.maven.extensions");
    extension.setArtifactId("maven-build-cache-extension");
    project.getBuild().addExtension(extension);
    assertTrue(of(project, base, dir.resolve("tmp")).isPresent());
    assertTrue(BuildCacheProbe.of(project, base, PLUGIN, dir.resolve("tmp").toString(), "false")
        .isEmpty());
  }

  static Stream<String> artifacts() {
    return Stream.of("com.acme.models:lenet:1.2.0:h5", "com.acme.models:lenet:1.2.0",
        "com.acme:mobilenet:2.0.1:zip:tfjs", "com.acme:inception:3.0:tar.gz",
        "org.example.ml:encoder:0.9:keras:fp16")
        .flatMap(release -> Stream.of(release, release.replaceFirst(
            "^([^:]+:[^:]+:)([^:]+)", "$1$2-SNAPSHOT")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("artifacts")
  void aSnapshotArtifactIsKeyedOnlyAsADependencyOfTheProject(String written) throws Exception {
    Path base = project();
    Coordinates artifact = Coordinates.parse(written);
    MavenProject project = mavenProject(base, "<artifact>" + written + "</artifact>");
    Optional<String> warning = of(project, base, dir.resolve("tmp")).orElseThrow()
        .warning("m", artifact);
    assertEquals(artifact.isSnapshot(), warning.isPresent(), written);
    if (!artifact.isSnapshot()) {
      return;
    }
    assertTrue(warning.get().contains("<version>" + artifact.version() + "</version><type>"
        + artifact.type() + "</type>"), warning.get());

    Dependency other = dependency(artifact);
    other.setVersion("0.1-SNAPSHOT");
    project.getModel().addDependency(other);
    Dependency otherType = dependency(artifact);
    otherType.setType("pom");
    project.getModel().addDependency(otherType);
    assertTrue(of(project, base, dir.resolve("tmp")).orElseThrow().warning("m", artifact)
        .isPresent(), "only the same coordinates are the artifact");
    project.getModel().addDependency(dependency(artifact));
    assertEquals(Optional.empty(),
        of(project, base, dir.resolve("tmp")).orElseThrow().warning("m", artifact));
  }

  private static Dependency dependency(Coordinates artifact) {
    Dependency dependency = new Dependency();
    dependency.setGroupId(artifact.groupId());
    dependency.setArtifactId(artifact.artifactId());
    dependency.setVersion(artifact.version());
    dependency.setType(artifact.type());
    dependency.setClassifier(artifact.classifier());
    dependency.setScope("provided");
    return dependency;
  }

  /** An empty project folder that loads the extension from .mvn/extensions.xml. */
  private Path project() throws IOException {
    Path base = dir.resolve("project");
    Files.createDirectories(base.resolve(".mvn"));
    Files.writeString(base.resolve(".mvn/extensions.xml"), EXTENSIONS_XML);
    return base;
  }

  private BuildCacheProbe probe(Path base, String source) throws Exception {
    return probe(base, source, dir.resolve("tmp"));
  }

  private BuildCacheProbe probe(Path base, String source, Path tmp) throws Exception {
    return of(mavenProject(base, source), base, tmp).orElseThrow();
  }

  private static Optional<BuildCacheProbe> of(MavenProject project, Path base, Path tmp)
      throws IOException {
    return BuildCacheProbe.of(project, base, PLUGIN, tmp.toString(), null);
  }

  /**
   * A project whose plugin execution has one model: {@code model} is its source path, or its
   * elements when it starts with {@code <}.
   */
  private static MavenProject mavenProject(Path base, String model) throws Exception {
    MavenProject project = new MavenProject();
    project.setFile(base.resolve("pom.xml").toFile());
    project.getBuild().setSourceDirectory(base.resolve("src/main/java").toString());
    project.getBuild().setTestSourceDirectory(base.resolve("src/test/java").toString());
    Plugin plugin = new Plugin();
    plugin.setGroupId("io.tensorspace");
    plugin.setArtifactId("tensorspace-maven-plugin");
    PluginExecution execution = new PluginExecution();
    String elements = model.startsWith("<") ? model : "<source>" + model + "</source>";
    execution.setConfiguration(Xpp3DomBuilder.build(new StringReader(
        "<configuration><resourceTargetPath>static/models</resourceTargetPath><models><model>"
            + "<name>m</name>" + elements + "</model></models></configuration>")));
    plugin.addExecution(execution);
    project.getBuild().addPlugin(plugin);
    return project;
  }

  private ConversionRequest request(Path source) {
    return new ConversionRequest(source, null, dir.resolve("out"), List.of(), List.of(), 4096);
  }
}
