package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/**
 * The {@code summary} goal as Maven configures it: which models it reads, from the POM and the
 * command line, and that a model's SavedModel signature and tags reach the reader.
 */
@MojoTest
class SummaryMojoTest extends MojoHarness {
  private static final class CapturingLog extends SystemStreamLog {
    final List<String> lines = new ArrayList<>();

    @Override
    public void info(CharSequence content) {
      lines.add(content.toString());
    }
  }

  private static List<String> run(SummaryMojo mojo) throws Exception {
    CapturingLog log = new CapturingLog();
    mojo.setLog(log);
    mojo.execute();
    return log.lines;
  }

  /** The first line of each model's summary ("Model <file>: ..." or "Graph <file>: ..."), in order. */
  private static List<String> headers(List<String> lines) {
    return lines.stream()
        .filter(line -> line.startsWith("Model " + CORPUS) || line.startsWith("Graph " + CORPUS))
        .toList();
  }

  @Test
  @CommandLine("tensorspace.source=${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5")
  @InjectMojo(goal = "summary")
  void aCommandLineModelIsSummarized(SummaryMojo mojo) throws Exception {
    List<String> lines = run(mojo);
    assertEquals(1, headers(lines).size(), String.join("\n", lines));
    assertTrue(headers(lines).get(0).contains("mnist.h5"), headers(lines).get(0));
    assertTrue(lines.stream().anyMatch(line -> line.contains("Conv2D")), String.join("\n", lines));
  }

  @Test
  @CommandLine({
      "tensorspace.source=${corpus}/keras2-h5/tensorspace-keras-mnist-separated/topology.json",
      "tensorspace.weights=${corpus}/keras2-h5/tensorspace-keras-mnist-separated/weights.h5"})
  @InjectMojo(goal = "summary", pom = POM + """
      <models>
        <model><source>${corpus}/savedmodel/tensorspace-tf1-lenet-saved</source></model>
      """ + MNIST_MODEL + "</models>" + END)
  void theModelsThenTheCommandLineModelAreSummarized(SummaryMojo mojo) throws Exception {
    List<String> headers = headers(run(mojo));
    assertEquals(3, headers.size(), headers.toString());
    assertTrue(headers.get(0).contains("tensorspace-tf1-lenet-saved"), headers.get(0));
    assertTrue(headers.get(1).contains("mnist.h5"), headers.get(1));
    assertTrue(headers.get(2).contains("tensorspace-keras-mnist-separated"), headers.get(2));
  }

  @Test
  @InjectMojo(goal = "summary", pom = POM + """
      <models><model><source>${corpus}/savedmodel/tensorspace-tf1-lenet-saved</source>
        <signature>nope</signature></model></models>
      """ + END)
  void aModelsSignatureReachesTheReader(SummaryMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> run(mojo));
    assertTrue(e.getMessage().contains("has no signature 'nope'"), e.getMessage());
  }

  @Test
  @CommandLine({"tensorspace.source=${corpus}/savedmodel/tensorspace-tf1-lenet-saved",
      "tensorspace.tags=gpu"})
  @InjectMojo(goal = "summary")
  void theCommandLineTagsReachTheReader(SummaryMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> run(mojo));
    assertTrue(e.getMessage().contains("has no MetaGraph tagged [gpu]"), e.getMessage());
  }

  @Test
  @CommandLine("tensorspace.skip=true")
  @InjectMojo(goal = "summary")
  void skipReadsNothingAndNeedsNoModel(SummaryMojo mojo) throws Exception {
    assertEquals(List.of("TensorSpace summary skipped (tensorspace.skip)."), run(mojo));
  }

  @Test
  @InjectMojo(goal = "summary")
  void noModelFailsWithWhatToPass(SummaryMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, () -> run(mojo));
    assertTrue(e.getMessage().contains("-Dtensorspace.source"), e.getMessage());
  }
}
