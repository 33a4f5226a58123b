package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code .keras} archives: weight paths mapped back to layers, unsafe archives refused. */
class Keras3ArchiveReaderTest {
  private static final Path FIXTURES =
      Path.of("src/test/resources/io/tensorspace/convert/keras/keras3");

  @TempDir Path dir;

  @Test
  void mapsClassAndCounterPathsBackToLayerNames() throws Exception {
    try (LayersModel model = new Keras3ArchiveReader().read(FIXTURES.resolve("rnn_stack.keras"))) {
      Map<String, List<String>> names = model.weightsByLayer().entrySet().stream().collect(
          Collectors.toMap(Map.Entry::getKey,
              e -> e.getValue().stream().map(Weight::name).toList()));
      assertEquals(List.of("embed/embeddings"), names.get("embed"));
      assertEquals(List.of("bilstm/forward_lstm/kernel", "bilstm/forward_lstm/recurrent_kernel",
          "bilstm/forward_lstm/bias", "bilstm/backward_lstm/kernel",
          "bilstm/backward_lstm/recurrent_kernel", "bilstm/backward_lstm/bias"), names.get("bilstm"));
      assertEquals(List.of("td/kernel", "td/bias"), names.get("td"));
      assertEquals(List.of("gru/kernel", "gru/recurrent_kernel", "gru/bias"), names.get("gru"));
      assertEquals("Model", model.modelConfig().path("class_name").asText());
    }
  }

  @Test
  void deletesTheExtractedWeightsOnClose() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = temporaries(tmp);
    LayersModel model = new Keras3ArchiveReader().read(FIXTURES.resolve("functional_cnn.keras"));
    // compare by name, not count: other builds on the machine may use the temp folder too
    List<Path> extracted = temporaries(tmp).stream().filter(p -> !before.contains(p)).toList();
    assertFalse(extracted.isEmpty(), "the weights were extracted to a temporary file");
    model.close();
    assertTrue(extracted.stream().noneMatch(Files::exists), "deleted on close: " + extracted);
  }

  private static List<Path> temporaries(Path tmp) throws IOException {
    try (var files = Files.list(tmp)) {
      return files.filter(p -> p.getFileName().toString().startsWith("tensorspace-keras3-"))
          .sorted().toList();
    }
  }

  @Test
  void refusesEntriesThatEscapeTheArchive() throws Exception {
    Path zip = zip("evil.keras", Map.of(
        "config.json", "{\"class_name\": \"Sequential\", \"config\": {\"layers\": []}}",
        "../outside.txt", "x"));
    ConversionException e =
        assertThrows(ConversionException.class, () -> new Keras3ArchiveReader().read(zip));
    assertTrue(e.getMessage().contains("../outside.txt"), e.getMessage());
  }

  @Test
  void refusesAZipThatIsNoKerasArchive() throws Exception {
    Path zip = zip("other.zip", Map.of("readme.txt", "hello"));
    ConversionException e =
        assertThrows(ConversionException.class, () -> new Keras3ArchiveReader().read(zip));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void refusesSubclassedModelsBeforeExtractingWeights() throws Exception {
    Path zip = zip("sub.keras", Map.of(
        "metadata.json", "{\"keras_version\": \"3.15.0\"}",
        "config.json", "{\"module\": null, \"class_name\": \"MyModel\", \"config\": {\"name\": \"my_model\"}}",
        "model.weights.h5", "not read"));
    ConversionException e =
        assertThrows(ConversionException.class, () -> new Keras3ArchiveReader().read(zip));
    assertTrue(e.getMessage().contains("'my_model'") && e.getMessage().contains("MyModel"),
        e.getMessage());
  }

  private Path zip(String name, Map<String, String> entries) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return file;
  }
}
