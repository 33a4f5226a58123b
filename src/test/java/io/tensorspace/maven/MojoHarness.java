package io.tensorspace.maven;

import io.tensorspace.testing.ModelCorpus;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.nio.file.Path;
import java.util.Properties;
import javax.inject.Inject;
import org.apache.maven.api.di.Provides;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the goals' harness tests ({@code @MojoTest}) share: a real project in a fresh folder (the
 * harness's own mock leaves {@code ${project.build.directory}} and {@code addResource} empty), the
 * test's {@link CommandLine} as the session's {@code -D} properties, and POM fragments that
 * configure this plugin. {@code ${corpus}} in a fragment or a property is the model corpus.
 */
abstract class MojoHarness {
  /** {@code -D} properties of the test's Maven session, {@code name=value} each. */
  @Retention(RetentionPolicy.RUNTIME)
  @interface CommandLine {
    String[] value();
  }

  static final Path CORPUS = ModelCorpus.root();

  /** Opens this plugin's {@code <configuration>} in a POM; {@link #END} closes it. */
  static final String POM = """
      <project><build><plugins><plugin>
        <artifactId>tensorspace-maven-plugin</artifactId>
        <configuration>
      """;
  static final String END = "</configuration></plugin></plugins></build></project>";
  static final String MNIST_MODEL =
      "<model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model>";

  @TempDir
  Path basedir;

  @Inject
  MavenSession session;

  @Provides
  MavenProject project() {
    MavenProject project = new MavenProject();
    project.setFile(basedir.resolve("pom.xml").toFile());
    project.getBuild().setDirectory(basedir.resolve("target").toString());
    project.getBuild().setOutputDirectory(basedir.resolve("target/classes").toString());
    return project;
  }

  @BeforeEach
  void commandLine(TestInfo test) {
    Properties user = session.getUserProperties();
    user.setProperty("corpus", CORPUS.toString());
    CommandLine properties = test.getTestMethod().orElseThrow().getAnnotation(CommandLine.class);
    for (String property : properties == null ? new String[0] : properties.value()) {
      int equals = property.indexOf('=');
      user.setProperty(property.substring(0, equals),
          property.substring(equals + 1).replace("${corpus}", CORPUS.toString()));
    }
  }
}
