package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.convert.write.Quantize;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Converting the same model with the same settings twice gives byte-identical files: one conversion
 * runs in this JVM, the other a few seconds later in a fresh JVM (other identity hashes, other
 * clock), each into its own temporary folder. Every file of the two outputs is compared byte for
 * byte, and both outputs must hold the same file names.
 *
 * <p>The two output folders have the same name ({@code model}) under different parents, because
 * the folder name is the documented default model name inside the TensorSpace companion files.
 */
class ReproducibleOutputTest {

  /** One conversion, as arguments a fresh JVM can be given. */
  record Case(String label, Path source, long shardSize, Quantize quantize, boolean splitByLayer) {
    static final int ARGS = 6;

    static Case of(String label, String corpusId, long shardSize, Quantize quantize,
        boolean splitByLayer) {
      return new Case(label, ModelCorpus.byId(corpusId).mainPath(), shardSize, quantize,
          splitByLayer);
    }

    static Case of(String label, String corpusId) {
      return of(label, corpusId, ConversionRequest.DEFAULT_SHARD_SIZE, Quantize.NONE, false);
    }

    List<String> args(Path root) {
      return List.of(label, source.toString(), Long.toString(shardSize), quantize.name(),
          Boolean.toString(splitByLayer), root.resolve(label).resolve("model").toString());
    }

    static void run(String[] a) throws ConversionException, IOException {
      ConversionRequest request = new ConversionRequest(Path.of(a[1]), null, Path.of(a[5]),
          List.of(), List.of(), Long.parseLong(a[2]))
          .withWeightOptions(Quantize.valueOf(a[3]), List.of(), Boolean.parseBoolean(a[4]));
      new Converter().convert(request);
    }
  }

  static List<Case> cases() {
    return List.of(
        Case.of("keras2-lenet", "keras2-h5/tensorspace-keras-mnist"),
        // several shards, one group per layer, uint8 quantization with its min/scale metadata
        Case.of("tfkeras-lenet-uint8-split", "tfkeras-h5/tensorspace-tf-keras-mnist",
            64 * 1024, Quantize.UINT8, true),
        Case.of("tfjs-layers-lenet-float16", "tfjs-layers/tensorspace-tfjs-lenet-raw",
            32 * 1024, Quantize.FLOAT16, false),
        Case.of("keras1-cnn", "keras1-h5/dl4j-simple-cnn-tf"),
        Case.of("keras3-lstm", "keras3-zip/keras3-reshape-lstm"),
        Case.of("frozen-lenet", "frozen-pb/tensorspace-lenet-frozen"));
  }

  @TestFactory
  Stream<DynamicTest> twoConversionsGiveIdenticalFiles(@TempDir Path temp) throws Exception {
    Path here = temp.resolve("this-jvm");
    Path there = temp.resolve("fresh-jvm");
    List<String> forkArgs = new ArrayList<>();
    for (Case c : cases()) {
      Case.run(c.args(here).toArray(String[]::new));
      forkArgs.addAll(c.args(there));
    }
    convertInFreshJvm(forkArgs, temp.resolve("fresh-jvm.log"));
    return cases().stream().map(c -> DynamicTest.dynamicTest(c.label(), () -> assertSameFiles(
        here.resolve(c.label()).resolve("model"), there.resolve(c.label()).resolve("model"))));
  }

  /** Entry point of the fresh JVM: groups of {@link Case#ARGS} arguments, one conversion each. */
  public static void main(String[] args) throws Exception {
    for (int i = 0; i < args.length; i += Case.ARGS) {
      Case.run(Arrays.copyOfRange(args, i, i + Case.ARGS));
    }
  }

  private static void convertInFreshJvm(List<String> args, Path log) throws Exception {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, ReproducibleOutputTest.class.getName()));
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("the conversion in a fresh JVM did not finish in 3 minutes");
    }
    assertEquals(0, process.exitValue(), () -> "the conversion in a fresh JVM failed:\n" + read(log));
  }

  private static void assertSameFiles(Path a, Path b) throws IOException {
    List<String> namesA = relativeFiles(a);
    List<String> namesB = relativeFiles(b);
    assertTrue(namesA.contains("model.json"), () -> "no model.json in " + a + ": " + namesA);
    assertEquals(namesA, namesB, "the two conversions wrote different files");
    for (String name : namesA) {
      long mismatch = Files.mismatch(a.resolve(name), b.resolve(name));
      if (mismatch != -1) {
        fail(name + " differs from byte " + mismatch + " on (sizes " + Files.size(a.resolve(name))
            + " and " + Files.size(b.resolve(name)) + ")" + excerpt(a.resolve(name), mismatch)
            + excerpt(b.resolve(name), mismatch));
      }
    }
  }

  private static List<String> relativeFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }

  /** Up to 60 characters around a difference, for text files. */
  private static String excerpt(Path file, long at) throws IOException {
    String name = file.getFileName().toString();
    if (!(name.endsWith(".json") || name.endsWith(".html") || name.endsWith(".js"))) {
      return "";
    }
    byte[] bytes = Files.readAllBytes(file);
    int from = (int) Math.max(0, at - 30);
    int to = (int) Math.min(bytes.length, at + 30);
    return "\n  " + file + ": ..." + new String(bytes, from, to - from, StandardCharsets.UTF_8) + "...";
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
