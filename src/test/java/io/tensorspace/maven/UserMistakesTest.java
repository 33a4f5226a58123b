package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.InputFormat;
import io.tensorspace.testing.ModelCorpus;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import java.util.Properties;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenExecutionRequest;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.descriptor.MojoDescriptor;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each mistake a user can make in the configuration ends the build with a {@link
 * MojoFailureException} whose message names the model, the path as given and resolved, and the
 * fix; never "Unexpected failure" (a {@link MojoExecutionException}).
 */
class UserMistakesTest {
  @TempDir Path project;
  private Path mnist;

  @BeforeEach
  void projectWithAModel() throws IOException {
    Files.writeString(project.resolve("pom.xml"), "<project/>");
    mnist = Files.createDirectories(project.resolve("src/main/models")).resolve("mnist.h5");
    Files.copy(ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath(), mnist);
  }

  /** A preprocess goal of a project in {@link #project}, configured as Maven would. */
  private PreprocessMojo preprocess() throws Exception {
    PreprocessMojo mojo = new PreprocessMojo();
    configure(mojo);
    set(mojo, "outputDirectory", new File("target/generated-resources/tensorspace"));
    set(mojo, "resourceTargetPath", "tensorspace");
    set(mojo, "shardSizeBytes", 4194304L);
    set(mojo, "quantize", "none");
    set(mojo, "stateDirectory", new File("target/tensorspace-state"));
    return mojo;
  }

  private void configure(AbstractMojo mojo) throws Exception {
    MavenProject maven = new MavenProject();
    maven.setFile(project.resolve("pom.xml").toFile());
    set(mojo, "project", maven);
  }

  /**
   * The command-line model as Maven hands it over: the File made absolute against the project
   * (a URL's "//" collapsed by java.io.File), the text as typed in the session's user properties.
   */
  private void cli(AbstractMojo mojo, String typed) throws Exception {
    Properties user = new Properties();
    user.setProperty("tensorspace.source", typed);
    MavenExecutionRequest request = new DefaultMavenExecutionRequest().setUserProperties(user);
    set(mojo, "session", new MavenSession(null, request, new DefaultMavenExecutionResult(),
        List.of()));
    set(mojo, "source", typed.isEmpty() ? null : aligned(new File(typed)));
  }

  /**
   * {@code <models>} as Maven hands them over: each path made absolute against the project, the
   * text as written in the execution's configuration.
   */
  private void pom(AbstractMojo mojo, List<Model> models) throws Exception {
    Xpp3Dom configuration = new Xpp3Dom("configuration");
    Xpp3Dom list = new Xpp3Dom("models");
    configuration.addChild(list);
    for (Model model : models) {
      Xpp3Dom element = new Xpp3Dom("model");
      list.addChild(element);
      if (model == null) {
        continue;
      }
      for (String name : List.of("source", "weights")) {
        File file = name.equals("source") ? model.getSource() : model.getWeights();
        if (file != null) {
          Xpp3Dom path = new Xpp3Dom(name);
          path.setValue(file.getPath());
          element.addChild(path);
        }
      }
      if (model.getSource() != null) {
        model.setSource(model.getSource().getPath().isBlank() ? null : aligned(model.getSource()));
      }
      if (model.getWeights() != null) {
        model.setWeights(aligned(model.getWeights()));
      }
    }
    set(mojo, "mojoExecution", new MojoExecution(new MojoDescriptor(), configuration));
    set(mojo, "models", models);
  }

  /** What Maven's file converter does with a relative path: resolve it against the project. */
  private File aligned(File file) {
    return file.isAbsolute() ? file : new File(project.toFile(), file.getPath());
  }

  /** Sets a parameter field of a goal, wherever in its class hierarchy it is declared. */
  static void set(Object mojo, String field, Object value) throws Exception {
    for (Class<?> c = mojo.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(field);
        f.setAccessible(true);
        f.set(mojo, value);
        return;
      } catch (NoSuchFieldException e) {
        // declared further up
      }
    }
    throw new AssertionError("no field " + field);
  }

  private static Model model(String name, String source, String weights) {
    Model model = new Model();
    model.setName(name);
    model.setSource(source == null ? null : new File(source));
    model.setWeights(weights == null ? null : new File(weights));
    return model;
  }

  /** The message of the failure; fails the test on success or on any other exception. */
  private static String failure(AbstractMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(!e.getMessage().contains("Unexpected failure"), e.getMessage());
    System.out.println("[user-mistake] " + e.getMessage());
    return e.getMessage();
  }

  private static void assertContains(String message, String... words) {
    for (String word : words) {
      assertTrue(message.contains(word), "'" + word + "' not in: " + message);
    }
  }

  private static void assertNamesEveryFormat(String message) {
    for (InputFormat format : InputFormat.values()) {
      assertContains(message, format.description());
    }
  }

  @TestFactory
  Stream<DynamicTest> aMissingSourceNamesTheModelAndThePathAsGivenAndResolved() {
    return Stream.of("nothere.h5", "src/main/models/mnsit.h5", "src/main/model/mnist.h5",
        "models/lenet/model.json", "src/main/models/lenet", "pom.xml/mnist.h5", "../../elsewhere.h5")
        .map(given -> DynamicTest.dynamicTest(given, () -> {
          PreprocessMojo cli = preprocess();
          cli(cli, given);
          String resolved = project.resolve(given).toString();
          assertContains(failure(cli), "-Dtensorspace.source=" + given,
              "resolved against " + project, resolved,
              project.resolve(given).normalize().toString(), "does not exist");
          PreprocessMojo pom = preprocess();
          pom(pom, List.of(model("lenet", given, null)));
          String message = failure(pom);
          assertContains(message, "Model 'lenet'", "<source>" + given + "</source>", resolved,
              "does not exist");
          SummaryMojo summary = new SummaryMojo();
          configure(summary);
          cli(summary, given);
          assertContains(failure(summary), "-Dtensorspace.source=" + given, resolved);
        }));
  }

  @Test
  void aMissingSourceSaysWhatItsFolderHoldsOrThatAParentIsAFile() throws Exception {
    PreprocessMojo typo = preprocess();
    cli(typo, "src/main/models/mnsit.h5");
    assertContains(failure(typo), "its folder " + mnist.getParent() + " holds mnist.h5");
    PreprocessMojo underFile = preprocess();
    cli(underFile, "pom.xml/mnist.h5");
    assertContains(failure(underFile), project.resolve("pom.xml") + " is a file, not a folder");
  }

  @Test
  void aMissingWeightsFileNamesTheModelAndTheWeightsAsGivenAndResolved() throws Exception {
    Path topology = project.resolve("topology.json");
    Files.copy(ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist-separated")
        .file("topology.json"), topology);
    for (String given : List.of("weights.h5", "src/main/models/weights.h5", "topology.json/w.h5")) {
      PreprocessMojo mojo = preprocess();
      pom(mojo, List.of(model("separated", "topology.json", given)));
      assertContains(failure(mojo), "Model 'separated'", "<weights>" + given + "</weights>",
          "resolved against " + project, "The weights file " + project.resolve(given),
          "does not exist");
    }
  }

  @TestFactory
  Stream<DynamicTest> aUrlAsSourceSaysSourcesAreLocalAndHowToFetchOne() {
    return Stream.of("https://example.com/models/mnist.h5", "http://example.com/m/model.json",
        "ftp://example.com/mnist.h5", "s3://bucket/models/mnist.keras",
        "https://storage.googleapis.com/tfjs-models/tfjs/mnist/model.json")
        .map(url -> DynamicTest.dynamicTest(url, () -> {
          PreprocessMojo mojo = preprocess();
          cli(mojo, url);
          String message = failure(mojo);
          assertContains(message, "(-Dtensorspace.source=" + url + ", resolved against ",
              "The model source " + url + " is a URL", "local files or folders",
              "Download it first");
          if (!url.startsWith("s3:")) {
            assertContains(message, "curl -L -O " + url);
          }
        }));
  }

  /** Files no format fits, written by real libraries (ImageIO, java.util.zip) or as text. */
  @TestFactory
  Stream<DynamicTest> aFileOfUnknownTypeIsRefusedListingEveryFormat() throws IOException {
    Map<String, Path> files = new TreeMap<>();
    BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    for (String format : List.of("png", "jpg", "bmp", "gif")) {
      Path file = project.resolve("digit." + format);
      ImageIO.write(image, format, file.toFile());
      files.put(format, file);
    }
    Path gz = project.resolve("mnist.h5.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(mnist, out);
    }
    files.put("gzip", gz);
    files.put("empty", Files.createFile(project.resolve("empty.h5")));
    files.put("text", Files.writeString(project.resolve("model.txt"), "layers: 7\n"));
    files.put("csv", Files.writeString(project.resolve("weights.csv"), "0.5,0.25\n"));
    files.put("json array", Files.writeString(project.resolve("shapes.json"), "[[1, 28, 28]]"));
    return files.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
      PreprocessMojo mojo = preprocess();
      String given = project.relativize(e.getValue()).toString();
      pom(mojo, List.of(model(null, given, null)));
      String message = failure(mojo);
      assertContains(message, "<source>" + given + "</source>", e.getValue().toString(),
          "is not a model this plugin reads");
      assertNamesEveryFormat(message);
    }));
  }

  @Test
  void aFolderWithNoModelOrSeveralIsRefusedListingWhatItHolds() throws Exception {
    Path empty = Files.createDirectories(project.resolve("src/main/empty"));
    PreprocessMojo none = preprocess();
    cli(none, empty.toString());
    String message = failure(none);
    assertContains(message, "Model 'empty'", empty + " holds no model");
    assertNamesEveryFormat(message);
    Files.copy(ModelCorpus.byId("keras3-zip/keras3-masking-lstm").mainPath(),
        mnist.resolveSibling("lstm.keras"));
    PreprocessMojo several = preprocess();
    pom(several, List.of(model(null, "src/main/models", null)));
    message = failure(several);
    assertContains(message, "Model 'models'", "holds 2 models",
        "lstm.keras (Keras 3 archive), mnist.h5 (Keras HDF5 model).");
    assertNamesEveryFormat(message);
  }

  @Test
  void aFolderWithOneModelConvertsAndIsNamedAfterTheFolder() throws Exception {
    PreprocessMojo mojo = preprocess();
    pom(mojo, List.of(model(null, "src/main/models", null)));
    mojo.execute();
    assertTrue(Files.isRegularFile(project.resolve(
        "target/generated-resources/tensorspace/models/model.json")));
  }

  /**
   * {@code <source>} and {@code <artifact>} are alternatives: both, neither, empty or malformed
   * coordinates are refused before anything is resolved, naming the entry and the fix.
   */
  @Test
  void artifactCoordinatesMistakes() throws Exception {
    Model both = model("lenet", "src/main/models/mnist.h5", null);
    both.setArtifact("com.acme.models:lenet:1.0:h5");
    PreprocessMojo bothInPom = preprocess();
    pom(bothInPom, List.of(both));
    assertContains(failure(bothInPom), "<models> entry 1 of 1 (named 'lenet')",
        "has both <source> and <artifact>, which are alternatives");

    PreprocessMojo neither = preprocess();
    pom(neither, List.of(model("lenet", null, null)));
    assertContains(failure(neither), "has no <source> or <artifact>",
        "<artifact>com.acme.models:lenet:1.2.0:h5</artifact>");

    for (String written : List.of("lenet.h5", "com.acme:lenet", "com.acme:lenet:[1.0,2.0):h5",
        "com.acme:../lenet:1.0:h5", "com.acme:lenet:1.0:h5:tfjs:x")) {
      Model malformed = new Model();
      malformed.setArtifact(written);
      PreprocessMojo inPom = preprocess();
      pom(inPom, List.of(malformed));
      assertContains(failure(inPom), "Model (<artifact>" + written + "</artifact>)",
          "groupId:artifactId:version[:type[:classifier]]");
      PreprocessMojo onCommandLine = preprocess();
      set(onCommandLine, "artifact", written);
      assertContains(failure(onCommandLine), "Model (-Dtensorspace.artifact=" + written + ")",
          "groupId:artifactId:version[:type[:classifier]]");
    }

    PreprocessMojo empty = preprocess();
    set(empty, "artifact", " ");
    assertContains(failure(empty), "-Dtensorspace.artifact is empty",
        "-Dtensorspace.artifact=com.acme.models:lenet:1.2.0:h5");

    PreprocessMojo bothOnCommandLine = preprocess();
    cli(bothOnCommandLine, "src/main/models/mnist.h5");
    set(bothOnCommandLine, "artifact", "com.acme.models:lenet:1.0:h5");
    assertContains(failure(bothOnCommandLine),
        "-Dtensorspace.source and -Dtensorspace.artifact are both given");

    PreprocessMojo nothing = preprocess();
    assertContains(failure(nothing), "-Dtensorspace.artifact=<coordinates>");
  }

  @Test
  void emptyModelsEntriesSayWhichEntry() throws Exception {
    List<List<Model>> configurations = new ArrayList<>();
    configurations.add(List.of(new Model()));
    configurations.add(List.of(model("lenet", "src/main/models/mnist.h5", null), new Model()));
    configurations.add(List.of(model("lenet", "", null)));
    configurations.add(List.of(model("lenet", " ", null)));
    List<Model> withNull = new ArrayList<>();
    withNull.add(model("lenet", "src/main/models/mnist.h5", null));
    withNull.add(null);
    configurations.add(withNull);
    for (List<Model> models : configurations) {
      PreprocessMojo mojo = preprocess();
      pom(mojo, models);
      assertContains(failure(mojo), "<models> entry " + models.size() + " of " + models.size(),
          "has no <source>");
    }
    PreprocessMojo blank = preprocess();
    cli(blank, "");
    assertContains(failure(blank), "-Dtensorspace.source is empty");
    PreprocessMojo nothing = preprocess();
    assertContains(failure(nothing), "No model to preprocess");
  }

  @Test
  void duplicateNamesNameBothSources() throws Exception {
    Path other = Files.createDirectories(project.resolve("other")).resolve("mnist.h5");
    Files.copy(mnist, other);
    PreprocessMojo byFileName = preprocess();
    pom(byFileName, List.of(model(null, "src/main/models/mnist.h5", null),
        model(null, "other/mnist.h5", null)));
    assertContains(failure(byFileName), "Two models are named 'mnist'", mnist.toString(),
        other.toString(), "Give each <model> its own <name>");
    PreprocessMojo byName = preprocess();
    pom(byName, List.of(model("lenet", "src/main/models/mnist.h5", null),
        model("lenet", "other/mnist.h5", null)));
    assertContains(failure(byName), "Two models are named 'lenet'");
  }

  @Test
  void anInvalidShardSizeIsAConfigurationFailure() throws Exception {
    for (long size : List.of(0L, -1L, Long.MIN_VALUE)) {
      PreprocessMojo mojo = preprocess();
      cli(mojo, mnist.toString());
      set(mojo, "shardSizeBytes", size);
      assertContains(failure(mojo), "shardSizeBytes", "positive number of bytes",
          String.valueOf(size));
    }
  }

  @Test
  void anOutputOrStateFolderUnderAFileIsAConfigurationFailure() throws Exception {
    PreprocessMojo output = preprocess();
    cli(output, mnist.toString());
    set(output, "outputDirectory", new File("pom.xml/out"));
    assertContains(failure(output), project.resolve("pom.xml") + " is a file");
    PreprocessMojo state = preprocess();
    cli(state, mnist.toString());
    set(state, "stateDirectory", new File("pom.xml/state"));
    assertContains(failure(state), project.resolve("pom.xml") + " is a file");
  }

  @Test
  void anUnknownLayerNameNamesTheModel() throws Exception {
    PreprocessMojo mojo = preprocess();
    Model model = model("lenet", "src/main/models/mnist.h5", null);
    model.setOutputLayers("Dense_9");
    pom(mojo, List.of(model));
    assertContains(failure(mojo), "Model 'lenet'", "no layer named 'Dense_9'", "did you mean");
  }

  /**
   * Every {@code new MojoExecutionException} in the Mojos, with why no user input reaches it. A
   * new one fails this test until it is listed here (with a mistake above that shows it is not
   * reachable from the configuration).
   */
  @Test
  void everyMojoExecutionExceptionIsListedAndNoneIsReachedByAMistakeAbove() throws IOException {
    Map<String, String> expected = Map.of(
        "AbstractTensorSpaceMojo:context + \"Unexpected failure: \" + e",
        "an IOException or RuntimeException the core did not map: the core turns every user"
            + " mistake above into a ConversionException",
        "PreprocessMojo:\"Cannot copy the models to \" + to + \": \" + e.getMessage()",
        "copying finished models into target/classes on Maven 4.0.0-rc-4: the disk, not input");
    Map<String, String> found = new TreeMap<>();
    Pattern site = Pattern.compile("new MojoExecutionException\\(\\s*([^,]+),");
    try (Stream<Path> sources = Files.list(Path.of("src/main/java/io/tensorspace/maven"))) {
      for (Path source : (Iterable<Path>) sources::iterator) {
        Matcher m = site.matcher(Files.readString(source));
        while (m.find()) {
          String name = source.getFileName().toString().replace(".java", "");
          found.put(name + ":" + m.group(1).replaceAll("\\s+", " ").strip(), "");
        }
      }
    }
    assertEquals(new TreeMap<>(expected).keySet(), found.keySet());
  }
}
