package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.OnnxCorpus;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A conversion in a fresh class loader, as in a fresh Maven JVM, never creates a Jackson
 * {@code ObjectMapper}: its ~300 classes were half of a small model's conversion time. A
 * {@code JsonNode.toString()} on a conversion path would bring it back.
 */
class FirstUseClassesTest {
  private static final String[] NEVER_LOADED = {
      "com.fasterxml.jackson.databind.ObjectMapper",
      "com.fasterxml.jackson.databind.node.InternalNodeMapper"};

  @TempDir Path out;

  @TestFactory
  Stream<DynamicTest> noConversionOfAnyFormatLoadsAnObjectMapper() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String format : ModelCorpus.formats()) {
      ModelCorpus.cases(format).stream()
          .filter(c -> !c.expectsError() && c.hasReference())
          .limit(3)
          .forEach(c -> tests.add(DynamicTest.dynamicTest(c.id(), () -> convertAlone(c))));
    }
    OnnxCorpus.cases().stream().limit(3).forEach(c -> tests.add(DynamicTest.dynamicTest(
        c.id(), () -> convertAlone(c.model(), null, c.id()))));
    assertTrue(tests.size() >= 20, "cases: " + tests.size());
    return tests.stream();
  }

  private void convertAlone(CorpusCase c) throws Exception {
    Path copy = c.copyTo(out.resolve("in-" + c.id()));
    Path source = copy.resolve(c.mainFile());
    Path weights = null;
    if (c.mainFile().contains("weight")) {
      for (String topology : List.of("topology.json", "model.json", "config.json")) {
        if (c.hasFile(topology)) {
          weights = source;
          source = copy.resolve(topology);
          break;
        }
      }
    }
    convertAlone(source, weights, c.id());
  }

  private void convertAlone(Path source, Path weights, String id) throws Exception {
    try (Isolated loader = new Isolated()) {
      Class<?> entry = Class.forName(Alone.class.getName(), true, loader);
      entry.getMethod("convert", String.class, String.class, String.class).invoke(null,
          source.toString(), weights == null ? null : weights.toString(),
          out.resolve("out-" + id).toString());
      for (String name : NEVER_LOADED) {
        assertFalse(loader.loaded(name), id + " loaded " + name);
      }
    }
  }

  /** Loads the test class path itself, so nothing is shared with the JVM's loader. */
  private static final class Isolated extends URLClassLoader {
    Isolated() throws MalformedURLException {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }

    private static URL[] classPath() throws MalformedURLException {
      List<URL> urls = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(new File(entry).toURI().toURL());
      }
      return urls.toArray(URL[]::new);
    }
  }

  /** The conversion, called by reflection inside the isolated loader. */
  public static final class Alone {
    private Alone() {}

    public static void convert(String source, String weights, String target) throws Exception {
      new Converter().convert(new ConversionRequest(Path.of(source),
          weights == null ? null : Path.of(weights), Path.of(target), List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
    }
  }
}
