package io.tensorspace.convert.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.InputFailures;
import io.tensorspace.convert.tensorflow.GraphConverter;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs one conversion of a broken or hostile model and checks the contract of issue #7: a {@link
 * ConversionException} whose message names the file, within a bounded time, nothing else thrown
 * (no OutOfMemoryError, no internal exception), and the output folder absent or unchanged.
 */
final class Hostile {
  /** Generous for a CI machine; a real refusal takes milliseconds. */
  static final Duration BOUND = Duration.ofSeconds(60);

  enum Kind { LAYERS, GRAPH, ONNX }

  private Hostile() {}

  /** The real corpus files used as the starting point of every broken variant. */
  static final String KERAS2 = "keras2-h5/dl4j-functional-lstm";
  static final String KERAS2_SEQ = "keras2-h5/dl4j-sepconv2d-tensorflow-2";
  static final String KERAS1 = "keras1-h5/dl4j-simple-rnn-tensorflow-1";
  static final String TFKERAS = "tfkeras-h5/dl4j-tfkeras-misc-2";
  static final String KERAS3 = "keras3-zip/keras3-masking-lstm";
  static final String TFJS = "tfjs-layers/tfjs2keras-gru";
  static final String FROZEN = "frozen-pb/dl4j-ae-00";
  static final String SAVED = "savedmodel/tfjs-node-times-three-float";
  static final String SEPARATED = "keras2-h5/dl4j-ELU-0";

  static CorpusCase corpus(String id) {
    return ModelCorpus.byId(id);
  }

  /** A writable copy of a corpus case's folder. */
  static Path copy(String id, Path into) {
    return corpus(id).copyTo(into.resolve(id.replace('/', '_')));
  }

  /** Whether the product entry point, {@link Converter}, reads TensorFlow graphs itself. */
  private static final boolean CONVERTER_ROUTES_GRAPHS = routesGraphs();

  private static boolean routesGraphs() {
    try {
      io.tensorspace.convert.ModelReaders.class.getMethod("isTensorFlowGraph", Path.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** What a conversion did: the exception it threw, or null when it wrote a model. */
  static Throwable run(Kind kind, Path source, Path weights, Path out) {
    ConversionRequest request = new ConversionRequest(
        source, weights, out, List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE);
    try {
      if (kind == Kind.GRAPH && !CONVERTER_ROUTES_GRAPHS) {
        // what Converter.convert does once it hands graphs to GraphConverter
        try {
          new GraphConverter().convert(request);
        } catch (RuntimeException | StackOverflowError e) {
          throw InputFailures.damaged(source, e);
        }
      } else {
        new Converter().convert(request);
      }
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  /** Refused with a ConversionException naming {@code named}; output absent or unchanged. */
  static ConversionException assertRefused(Kind kind, Path source, Path weights, Path out,
      Path named) {
    Throwable t = bounded(kind, source, weights, out);
    if (!(t instanceof ConversionException e)) {
      throw failure(source, t);
    }
    String file = named.getFileName().toString();
    assertTrue(e.getMessage().contains(file)
            || e.getMessage().contains(source.getFileName().toString()),
        () -> "message does not name " + file + ": " + e.getMessage());
    assertFalse(e.getMessage().contains("\n") && e.getMessage().length() > 2000,
        () -> "message is not one clear message: " + e.getMessage());
    return e;
  }

  static ConversionException assertRefused(Kind kind, Path source, Path out) {
    return assertRefused(kind, source, null, out, source);
  }

  /**
   * For damage no reader can detect (a flipped bit inside a float weight): refused as above or
   * converted; never another exception, a hang or an OutOfMemoryError.
   */
  static void assertRefusedOrConverted(Kind kind, Path source, Path weights, Path out) {
    Throwable t = bounded(kind, source, weights, out);
    if (t != null && !(t instanceof ConversionException)) {
      throw failure(source, t);
    }
    if (t != null) {
      Path named = weights == null ? source : weights;
      assertTrue(t.getMessage().contains(source.getFileName().toString())
              || t.getMessage().contains(named.getFileName().toString()),
          () -> "message does not name the file: " + t.getMessage());
    }
  }

  /** Bytes the last bounded conversion allocated (on its own thread, garbage included). */
  private static volatile long lastAllocated;

  static long lastAllocatedBytes() {
    return lastAllocated;
  }

  private static Throwable bounded(Kind kind, Path source, Path weights, Path out) {
    Map<String, String> before = snapshot(out);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    Throwable t = assertTimeoutPreemptively(BOUND, () -> {
      long start = threads.getCurrentThreadAllocatedBytes();
      Throwable result = run(kind, source, weights, out);
      lastAllocated = threads.getCurrentThreadAllocatedBytes() - start;
      return result;
    }, () -> "conversion of " + source + " did not end within " + BOUND);
    if (t != null) {
      assertEquals(before, snapshot(out), "the output folder changed although the conversion failed");
    }
    return t;
  }

  private static AssertionError failure(Path source, Throwable t) {
    if (t == null) {
      return new AssertionError("converted " + source + " although it is broken");
    }
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    return new AssertionError(
        source + ": expected a ConversionException, got " + t + "\n" + trace, t);
  }

  /** Every file under {@code folder} with a hash of its content; empty map when absent. */
  static Map<String, String> snapshot(Path folder) {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(folder)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String key = folder.relativize(p).toString();
        files.put(key, Files.isRegularFile(p) ? sha256(Files.readAllBytes(p)) : "dir");
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return files;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Converts the intact model into {@code out}, so a later failure must leave it intact. */
  static void previousOutput(Kind kind, Path source, Path weights, Path out) {
    Throwable t = run(kind, source, weights, out);
    if (t != null) {
      throw new AssertionError("the intact model " + source + " does not convert", t);
    }
    fail_if_empty(out);
  }

  private static void fail_if_empty(Path out) {
    if (snapshot(out).size() < 2) {
      fail("no output written to " + out);
    }
  }
}
