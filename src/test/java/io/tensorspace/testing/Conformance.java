package io.tensorspace.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;

/**
 * What the layers-model conformance tests share: the verdict on each tfjs result, the report of
 * the figures, and the check that a case the corpus marks as unconvertible is refused clearly.
 */
public final class Conformance {
  private Conformance() {}

  /** A conversion to check for a clear refusal. */
  @FunctionalInterface
  public interface Conversion {
    void run() throws ConversionException, IOException;
  }

  /** The test for one result: tfjs loaded and ran the model; every output is within tolerance. */
  public static DynamicTest matchesReference(TfjsResult r) {
    return DynamicTest.dynamicTest(r.id() + " matches the reference", () -> {
      r.assertOk();
      assertFalse(r.outputs().isEmpty(), "no output was compared");
    });
  }

  /** Writes a line per result (job, ok, largest difference, outputs, error) to {@code file}. */
  public static void writeReport(List<TfjsResult> results, Path file) throws IOException {
    StringBuilder tsv = new StringBuilder("job\tok\tmax_abs_diff\toutputs\terror\n");
    for (TfjsResult r : results) {
      tsv.append(r.id()).append('\t').append(r.ok()).append('\t').append(r.maxAbsDiff())
          .append('\t').append(r.outputs().size()).append('\t')
          .append(r.error() == null ? "" : r.error().replace('\n', ' ').replace('\t', ' '))
          .append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, tsv);
  }

  /**
   * Asserts that the case, which its {@code expect-error.json} says cannot convert, is refused with
   * a message naming the layer, its class and the file, and that nothing was written to
   * {@code target}.
   */
  public static void assertRefused(CorpusCase c, Path target, Conversion conversion) {
    CorpusCase.ExpectError expected = c.expectError().orElseThrow();
    try {
      conversion.run();
      fail(c.id() + " converted, but must be refused: " + expected.reason());
    } catch (ConversionException e) {
      String message = e.getMessage();
      assertNotNull(message);
      assertTrue(message.contains("'" + expected.layer() + "'"), "names the layer: " + message);
      assertTrue(message.contains(expected.className()), "names the class: " + message);
      assertTrue(message.contains(c.mainFile()), "names the file: " + message);
      assertFalse(Files.exists(target.resolve("model.json")), "wrote nothing");
    } catch (IOException e) {
      fail(c.id() + " failed with an I/O error instead of a clear refusal: " + e, e);
    }
  }
}
