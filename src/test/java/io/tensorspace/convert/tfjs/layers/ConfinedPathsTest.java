package io.tensorspace.convert.tfjs.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A model.json may only name weight files inside its own folder. */
class ConfinedPathsTest {
  @TempDir Path root;

  private Path modelJson() throws IOException {
    Path folder = Files.createDirectories(root.resolve("model"));
    Files.write(folder.resolve("w.bin"), new byte[8]);
    Files.createDirectories(folder.resolve("sub"));
    Files.write(folder.resolve("sub/w2.bin"), new byte[8]);
    Files.write(root.resolve("secret.bin"), new byte[8]);
    return folder.resolve("model.json");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "../secret.bin", "sub/../../secret.bin", "..\\secret.bin", "%2e%2e/secret.bin",
      ".%2E/secret.bin", "./sub/../w.bin", "/etc/passwd", "\\\\server\\share\\w.bin", "http://example.com/w.bin",
      "https://example.com/w.bin", "file:///etc/passwd", "data:application/octet-stream;base64,AA==",
      "C:\\weights\\w.bin", "C:/w.bin", "~/w.bin", "", " ", "sub", "."})
  void refuses(String entry) throws IOException {
    Path modelJson = modelJson();
    ConversionException e =
        assertThrows(ConversionException.class, () -> ConfinedPaths.resolve(modelJson, entry));
    assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"w.bin", "./w.bin", "sub/w2.bin", "sub//w2.bin"})
  void accepts(String entry) throws Exception {
    Path modelJson = modelJson();
    Path resolved = ConfinedPaths.resolve(modelJson, entry);
    assertTrue(resolved.startsWith(modelJson.getParent()));
    assertTrue(Files.isRegularFile(resolved));
  }

  @Test
  void refusesASymlinkLeadingOutside() throws Exception {
    Path modelJson = modelJson();
    Files.createSymbolicLink(modelJson.resolveSibling("link.bin"), root.resolve("secret.bin"));
    Files.createSymbolicLink(modelJson.resolveSibling("inside.bin"), modelJson.resolveSibling("w.bin"));
    ConversionException e = assertThrows(ConversionException.class,
        () -> ConfinedPaths.resolve(modelJson, "link.bin"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals(modelJson.resolveSibling("inside.bin"), ConfinedPaths.resolve(modelJson, "inside.bin"));
  }

  @Test
  void aMissingFileIsNamed() throws Exception {
    Path modelJson = modelJson();
    ConversionException e = assertThrows(ConversionException.class,
        () -> ConfinedPaths.resolve(modelJson, "group1-shard1of2.bin"));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void theConverterRefusesTheModelAndWritesNothing() throws Exception {
    Path modelJson = modelJson();
    Files.writeString(modelJson, """
        {"format": "layers-model", "modelTopology": {"class_name": "Sequential", "config": {
          "name": "s", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 1,
          "batch_input_shape": [null, 1]}}]}},
         "weightsManifest": [{"paths": ["../secret.bin"], "weights": [
           {"name": "d/kernel", "shape": [1, 1], "dtype": "float32"},
           {"name": "d/bias", "shape": [1], "dtype": "float32"}]}]}""");
    Path out = root.resolve("out");
    ConversionException e = assertThrows(ConversionException.class, () -> new Converter().convert(
        new ConversionRequest(modelJson, null, out, List.of(), List.of(), 1 << 20)));
    assertTrue(e.getMessage().contains("refusing weight path '../secret.bin'"), e.getMessage());
    assertFalse(Files.exists(out));
  }
}
