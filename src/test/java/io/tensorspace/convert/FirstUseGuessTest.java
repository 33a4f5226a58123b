package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.testing.ModelCorpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FirstUse} starts loading a tfjs model's classes from the format its model.json declares
 * in its first bytes; the guess must be the format detection's answer whenever it is made.
 */
class FirstUseGuessTest {
  @TempDir Path work;

  @Test
  void aDeclaredFormatIsTheDetectedOneForEveryCorpusJsonFile() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      files = walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).toList();
    }
    int guessed = 0;
    for (Path file : files) {
      InputFormat guess = FirstUse.declaredTfjsFormat(FirstUse.head(file));
      if (guess != null) {
        guessed++;
        assertEquals(detected(file), guess, file.toString());
      }
    }
    assertTrue(guessed >= 5, "corpus model.json files declaring a format: " + guessed);
  }

  /**
   * Every corpus tfjs model.json, given the format it is detected as in a first key as the tfjs
   * converter writes it, in several layouts (most corpus models predate the key).
   */
  @Test
  void everyTfjsModelWithItsFormatDeclaredFirst() throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      files = walk.filter(p -> p.toString().endsWith(".json") && Files.isRegularFile(p)).toList();
    }
    String[] spacings = {"", " ", "\n    ", "\t"};
    int checked = 0;
    for (Path file : files) {
      InputFormat format = detectedOrNull(file);
      if (format != InputFormat.TFJS_LAYERS && format != InputFormat.TFJS_GRAPH) {
        continue;
      }
      String declared = format == InputFormat.TFJS_GRAPH ? "graph-model" : "layers-model";
      String text = Files.readString(file, StandardCharsets.ISO_8859_1).stripLeading();
      String spacing = spacings[checked % spacings.length];
      Path copy = Files.createDirectories(work.resolve("m" + checked)).resolve("model.json");
      Files.writeString(copy, "{" + spacing + "\"format\"" + spacing + ":" + spacing + "\""
          + declared + "\"," + text.substring(1), StandardCharsets.ISO_8859_1);
      assertEquals(format, detectedOrNull(copy), copy + " from " + file);
      assertEquals(format, FirstUse.declaredTfjsFormat(FirstUse.head(copy)), file.toString());
      checked++;
    }
    assertTrue(checked >= 30, "tfjs models checked: " + checked);
  }

  @Test
  void noGuessWithoutADeclaredFormat() {
    assertNull(FirstUse.declaredTfjsFormat("{\"modelTopology\": {\"class_name\": \"Sequential\""));
    assertNull(FirstUse.declaredTfjsFormat("{\"format\": \"tfjs-graph\"}"));
    assertNull(FirstUse.declaredTfjsFormat("[{\"format\": \"graph-model\"}]"));
    assertNull(FirstUse.declaredTfjsFormat("\u0089HDF\r\n\"format\":\"graph-model\""));
  }

  private static InputFormat detected(Path file) throws Exception {
    return ModelSources.locate(file, null).format();
  }

  /** The detected format, or null for a file that is no model (a reference, a config...). */
  private static InputFormat detectedOrNull(Path file) {
    try {
      return detected(file);
    } catch (Exception e) {
      return null;
    }
  }
}
