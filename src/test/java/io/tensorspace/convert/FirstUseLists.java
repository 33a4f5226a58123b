package io.tensorspace.convert;

import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.OnnxCorpus;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code first-use/<format>.txt} for {@link FirstUse}: the classes a conversion of a corpus
 * model of each input format loads in a fresh class loader, in the order it loads them.
 * {@code java -cp <test class path> io.tensorspace.convert.FirstUseLists src/main/resources/io/tensorspace/convert/first-use}
 */
public final class FirstUseLists {
  private FirstUseLists() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    Files.createDirectories(folder);
    Path work = Files.createTempDirectory("first-use-");
    for (Map.Entry<InputFormat, Sample> e : samples(work).entrySet()) {
      List<String> names = e.getValue().convertAlone(work.resolve("out-" + e.getKey()));
      Files.write(folder.resolve(e.getKey().name() + ".txt"), names);
      System.out.println(e.getKey() + ": " + names.size() + " classes (" + e.getValue().id() + ")");
    }
  }

  /**
   * Samples taken before the first corpus model of their format: CNNs as (tf.)Keras 2 writes
   * them, in one HDF5 file and as a topology JSON with a weights file, since the corpus' first of
   * both formats are Keras 1 files, whose translation classes a Keras 2 file never loads.
   */
  private static final List<String> PREFERRED = List.of("tfkeras-h5/tensorspace-tf-keras-mnist",
      "keras2-h5/tensorspace-keras-mnist-separated");

  /** The first corpus model of each input format (or a preferred one), copied into {@code work}. */
  static Map<InputFormat, Sample> samples(Path work) throws ConversionException {
    Map<InputFormat, Sample> samples = new LinkedHashMap<>();
    List<CorpusCase> cases = new ArrayList<>();
    PREFERRED.forEach(id -> cases.add(ModelCorpus.byId(id)));
    for (String format : ModelCorpus.formats()) {
      cases.addAll(ModelCorpus.cases(format));
    }
    for (CorpusCase c : cases) {
      if (c.expectsError() || !c.hasReference()) {
        continue;
      }
      Sample sample = Sample.of(c, work.resolve("in-" + c.id()));
      samples.putIfAbsent(ModelSources.locate(sample.source(), sample.weights()).format(),
          sample);
    }
    OnnxCorpus.Case onnx = OnnxCorpus.cases().get(0);
    samples.put(InputFormat.ONNX, new Sample(onnx.id(), onnx.model(), null));
    return samples;
  }

  /** A model to convert. */
  record Sample(String id, Path source, Path weights) {
    static Sample of(CorpusCase c, Path copy) {
      c.copyTo(copy);
      CorpusCase.SourceFiles files = c.sourceFilesIn(copy);
      return new Sample(c.id(), files.source(), files.weights());
    }

    /** Converts in a fresh loader; the names of the classes it loaded, in order. */
    List<String> convertAlone(Path target) throws Exception {
      try (Isolated loader = new Isolated()) {
        Class<?> entry = Class.forName(Alone.class.getName(), true, loader);
        entry.getMethod("convert", String.class, String.class, String.class).invoke(null,
            source.toString(), weights == null ? null : weights.toString(), target.toString());
        List<String> names = new ArrayList<>(loader.found);
        names.removeIf(n -> n.startsWith("io.tensorspace.testing.")
            || n.startsWith(FirstUseLists.class.getName()) || n.startsWith("org.junit."));
        return names;
      }
    }
  }

  /** Loads the test class path itself (nothing shared with the JVM's loader), noting each class. */
  static final class Isolated extends URLClassLoader {
    final List<String> found = Collections.synchronizedList(new ArrayList<>());

    Isolated() throws MalformedURLException {
      super(classPath(), ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      Class<?> found = super.findClass(name);
      this.found.add(name);
      return found;
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

    public static void convert(String source, String weights, String target) throws IOException,
        ConversionException {
      new Converter().convert(new ConversionRequest(Path.of(source),
          weights == null ? null : Path.of(weights), Path.of(target), List.of(), List.of(),
          ConversionRequest.DEFAULT_SHARD_SIZE));
    }
  }
}
