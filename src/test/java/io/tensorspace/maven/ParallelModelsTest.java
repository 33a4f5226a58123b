package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/**
 * Several models in one execution, converted on one thread and on four: the same files, byte for
 * byte, the same log lines in the same (POM) order, and the same failure, that of the first
 * failing model in POM order, although on four threads a later model fails first.
 */
@MojoTest
class ParallelModelsTest extends MojoHarness {
  /**
   * Six formats and two failures: the second model asks for a layer LeNet lacks (found after
   * reading it), the fourth has no file (found at once, so on four threads it fails first).
   */
  private static final String MODELS = """
      <models>
        <model><name>keras</name>
          <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model>
        <model><name>bad-layer</name>
          <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
          <outputLayers>no_such_layer</outputLayers></model>
        <model><name>tfjs</name>
          <source>${corpus}/tfjs-layers/tensorspace-tfjs-lenet-raw/mnist.json</source></model>
        <model><name>missing</name><source>${corpus}/no/such/model.h5</source></model>
        <model><name>saved</name>
          <source>${corpus}/savedmodel/tensorspace-tf1-lenet-saved/saved_model.pb</source></model>
        <model><name>frozen</name>
          <source>${corpus}/frozen-pb/tensorspace-lenet-frozen/frozen_model.pb</source></model>
        <model><name>graph</name>
          <source>${corpus}/tfjs-graph/tfjs-rn-graph-model/model.json</source></model>
        <model><name>keras3</name>
          <source>${corpus}/keras3-zip/keras3-reshape-lstm/model.keras</source></model>
      </models>""";

  /** Each line as "LEVEL text", the milliseconds taken left out, and who wrote it. */
  private static final class Lines extends SystemStreamLog {
    final List<String> lines = new ArrayList<>();
    final java.util.Set<Thread> writers = new java.util.HashSet<>();

    private synchronized void add(String level, CharSequence text) {
      lines.add(level + " " + text.toString().replaceAll("\\d+ ms", "N ms"));
      writers.add(Thread.currentThread());
    }

    @Override public void info(CharSequence text) { add("INFO", text); }
    @Override public void warn(CharSequence text) { add("WARN", text); }
    @Override public void error(CharSequence text) { add("ERROR", text); }
  }

  /** The run's log, its failure's message and every file it wrote. */
  private record Run(List<String> log, String failure, Map<String, String> files) {}

  private Run run(PreprocessMojo mojo, int threads) throws IOException {
    Lines log = new Lines();
    mojo.setLog(log);
    mojo.threads = threads;
    mojo.force = true;
    MojoFailureException failure = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals(java.util.Set.of(Thread.currentThread()), log.writers, "only the mojo's thread logs");
    return new Run(log.lines, failure.getMessage(), files());
  }

  /** Every file of the output folder (not the lock files) with a digest of its bytes. */
  private Map<String, String> files() throws IOException {
    Path out = basedir.resolve("target/generated-resources/tensorspace");
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(out)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        if (!file.getFileName().toString().startsWith(".")) {
          files.put(out.relativize(file).toString(),
              Arrays.hashCode(Files.readAllBytes(file)) + "/" + Files.size(file));
        }
      }
    }
    return files;
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + MODELS + END)
  void oneThreadOrFourGiveTheSameFilesLogAndFailure(PreprocessMojo mojo) throws Exception {
    Run sequential = run(mojo, 1);
    assertTrue(sequential.failure().startsWith("Model 'bad-layer'"), sequential.failure());
    assertEquals(6, sequential.log().stream().filter(l -> l.startsWith("INFO TensorSpace model"))
        .count(), String.join("\n", sequential.log()));
    assertTrue(sequential.log().stream().anyMatch(l -> l.startsWith("ERROR Also failed: Model"
        + " 'missing'")), String.join("\n", sequential.log()));
    assertEquals(6, sequential.files().keySet().stream().map(f -> f.split("/")[0]).distinct()
        .count(), sequential.files().keySet().toString());
    for (int repeat = 0; repeat < 3; repeat++) {
      Run parallel = run(mojo, 4);
      assertEquals(sequential.log(), parallel.log(), "four threads, run " + repeat);
      assertEquals(sequential.failure(), parallel.failure());
      assertEquals(sequential.files(), parallel.files());
      assertEquals(sequential, run(mojo, 1), "one thread again, run " + repeat);
    }
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + MODELS + END)
  void threadsBelowOneAreRefused(PreprocessMojo mojo) {
    mojo.threads = 0;
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(e.getMessage().contains("-Dtensorspace.threads must be 1"), e.getMessage());
  }
}
