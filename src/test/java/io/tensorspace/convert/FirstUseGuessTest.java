package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.FirstUseLists.Isolated;
import io.tensorspace.testing.ModelCorpus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
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
  private static Method locate;

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

  /**
   * Format detection in a class loader of its own: asking {@code ModelSources} in this one for
   * hundreds of files would fill and clear the outline cache other tests rely on.
   */
  private static InputFormat detected(Path file) throws Exception {
    if (locate == null) {
      Isolated loader = new Isolated();
      locate = Class.forName(ModelSources.class.getName(), true, loader)
          .getMethod("locate", Path.class, Path.class);
    }
    Object located;
    try {
      located = locate.invoke(null, file, null);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
    Method format = located.getClass().getMethod("format");
    format.setAccessible(true);
    return InputFormat.valueOf(format.invoke(located).toString());
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
