package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.convert.view.ModelViewer;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/**
 * The view goal's wiring without a POM: parameters to the viewer, the temporary folder, the
 * printed address, blocking until stopped. (Ctrl-C, the shutdown hook, is the no-pom-cli IT's.)
 */
class ViewMojoTest {
  private static final Path MNIST =
      ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath();
  private static final Path NODE_MODULES =
      Path.of("src", "test", "browser", "node_modules").toAbsolutePath();
  private static final Pattern URL_LINE = Pattern.compile("TensorSpace view: (http://\\S+)");

  /** The goal as Maven would configure it from {@code -D} options, without a project. */
  private static ViewMojo mojo(Path source, Path libraries) throws Exception {
    ViewMojo mojo = new ViewMojo();
    UserMistakesTest.set(mojo, "source", source == null ? null : source.toFile());
    UserMistakesTest.set(mojo, "port", 0);
    UserMistakesTest.set(mojo, "libraries", libraries == null ? null : libraries.toFile());
    UserMistakesTest.set(mojo, "shardSizeBytes", 4194304L);
    UserMistakesTest.set(mojo, "quantize", "none");
    return mojo;
  }

  /** The goal's info lines, as it logs them. */
  private static List<String> infoLines(ViewMojo mojo) {
    List<String> lines = new CopyOnWriteArrayList<>();
    mojo.setLog(new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        lines.add(content.toString());
      }
    });
    return lines;
  }

  @Test
  void withoutAPomTheModelGoesToATemporaryFolderDeletedOnClose() throws Exception {
    Set<Path> before = viewFolders();
    ModelViewer viewer = mojo(MNIST, null).start();
    Set<Path> created = viewFolders();
    created.removeAll(before);
    try {
      assertEquals(1, created.size(), "one temporary folder: " + created);
      URI uri = viewer.uri();
      assertEquals("127.0.0.1", uri.getHost());
      assertTrue(read(uri.resolve("/")).contains("https://cdn.jsdelivr.net/npm/tensorspace@0.6.1/"),
          "default libraries: the npm CDN");
      assertTrue(read(uri.resolve("/model.json")).contains("layers-model"));
    } finally {
      viewer.close();
    }
    assertFalse(Files.exists(created.iterator().next()), "deleted on close");
  }

  @Test
  void aLibrariesFolderIsServedWithThePage() throws Exception {
    ModelViewer viewer = mojo(MNIST, NODE_MODULES).start();
    try {
      String page = read(viewer.uri().resolve("/"));
      assertTrue(page.contains("src=\"/__libraries/three@0.102.1/build/three.min.js\""), page);
      assertTrue(read(viewer.uri().resolve("/__libraries/three@0.102.1/build/three.min.js"))
          .length() > 100_000);
    } finally {
      viewer.close();
    }
  }

  @Test
  void theConvertedLineGroupsTheWeightBytesInTheDefaultLocale() throws Exception {
    ViewMojo mojo = mojo(MNIST, null);
    List<String> lines = infoLines(mojo);
    GroupedDigitsTest.inLocale(Locale.GERMAN, mojo::start).close();
    assertTrue(lines.stream().anyMatch(line -> line.matches(
        "TensorSpace model 'mnist': \\d+ outputs, \\d{1,3}(\\.\\d{3})+ weight bytes, \\d+ ms")),
        lines.toString());
  }

  @Test
  void badInputFailsTheGoalWithWhatToDo() throws Exception {
    MojoFailureException none = assertThrows(MojoFailureException.class, () -> mojo(null, null).start());
    assertTrue(none.getMessage().contains("-Dtensorspace.source"), none.getMessage());
    MojoFailureException libraries = assertThrows(MojoFailureException.class,
        () -> mojo(MNIST, Path.of("no-such-folder")).start());
    assertTrue(libraries.getMessage().contains("no-such-folder"), libraries.getMessage());
    MojoFailureException model = assertThrows(MojoFailureException.class,
        () -> mojo(Path.of("pom.xml"), null).start());
    assertTrue(model.getMessage().contains("pom.xml"), model.getMessage());
  }

  @Test
  void executePrintsTheAddressAndServesUntilInterrupted() throws Exception {
    ViewMojo mojo = mojo(MNIST, null);
    List<String> lines = infoLines(mojo);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<Path> before = viewFolders();
    Thread goal = new Thread(() -> {
      try {
        mojo.execute();
      } catch (Exception e) {
        failures.add(e);
      }
    });
    goal.start();
    String url = null;
    for (long end = System.currentTimeMillis() + 60_000; url == null; Thread.sleep(50)) {
      assertTrue(System.currentTimeMillis() < end && failures.isEmpty(), lines + " " + failures);
      url = lines.stream().map(URL_LINE::matcher).filter(Matcher::find)
          .map(m -> m.group(1)).findFirst().orElse(null);
    }
    assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/"), url);
    assertTrue(read(URI.create(url)).contains("TensorSpaceModels"));
    Thread.sleep(300);
    assertTrue(goal.isAlive(), "the goal blocks while serving");
    goal.interrupt();
    goal.join(30_000);
    assertFalse(goal.isAlive());
    assertEquals(List.of(), failures);
    Set<Path> left = viewFolders();
    left.removeAll(before);
    assertEquals(Set.of(), left, "temporary folder deleted");
    try {
      read(URI.create(url));
      fail("still serving after the goal ended");
    } catch (IOException expected) {
      // connection refused
    }
  }

  private static String read(URI uri) throws IOException {
    URL url = uri.toURL();
    try (InputStream in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static Set<Path> viewFolders() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return new HashSet<>(files.filter(p -> p.getFileName().toString()
          .startsWith("tensorspace-view-")).toList());
    }
  }

}
