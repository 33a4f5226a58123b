package io.tensorspace.convert.tfjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model.json's outline is read once for the several steps that ask for it, and never outlives
 * the bytes it was read from: a same-length rewrite with the old time stamp is still seen.
 */
class ModelJsonOutlineReuseTest {
  @TempDir Path dir;

  private static String modelJson(String format, String path) {
    return "{\"format\":\"" + format + "\",\"modelTopology\":{\"node\":[]},"
        + "\"weightsManifest\":[{\"paths\":[\"" + path + "\"],\"weights\":[]}]}";
  }

  @Test
  void unchangedFileIsTokenizedOnce() throws Exception {
    Path file = dir.resolve("model.json");
    Files.writeString(file, modelJson("graph-model", "group1-shard1of1.bin"));
    ModelJsonOutline first = ModelJsonOutline.read(file);
    assertSame(first, ModelJsonOutline.read(file));
    assertSame(first, ModelJsonOutline.read(dir.resolve(".").resolve("model.json")));
  }

  @Test
  void sameLengthRewritesWithTheOldTimeStampAreSeen() throws Exception {
    Path file = dir.resolve("model.json");
    Random random = new Random(7);
    Files.writeString(file, modelJson("graph-model", "aaaaaaaaa.bin"));
    FileTime stamp = Files.getLastModifiedTime(file);
    long length = Files.size(file);
    for (int i = 0; i < 300; i++) {
      boolean layers = random.nextBoolean();
      // "graph-model" is a character shorter than "layers-model": its path is one longer
      String written = modelJson(layers ? "layers-model" : "graph-model",
          randomName(random, layers ? 8 : 9) + ".bin");
      assertEquals(length, written.length());
      Files.write(file, written.getBytes(StandardCharsets.UTF_8));
      Files.setLastModifiedTime(file, stamp);
      ModelJsonOutline outline = ModelJsonOutline.read(file);
      assertEquals(layers, outline.isLayersModel(), written);
      assertEquals(!layers, outline.isGraphModel(), written);
      String expected = written.substring(written.indexOf("[\"") + 2, written.indexOf("\"]"));
      assertEquals(List.of(expected), outline.manifestPaths(), written);
    }
  }

  @Test
  void fileThatStopsBeingJsonHasNoOutline() throws Exception {
    Path file = dir.resolve("model.json");
    String json = modelJson("graph-model", "w.bin");
    Files.writeString(file, json);
    assertTrue(ModelJsonOutline.read(file).isGraphModel());
    Files.writeString(file, "x".repeat(json.length()));
    assertNull(ModelJsonOutline.read(file));
  }

  @Test
  void threadsAskingAtOnceGetTheSameOutline() throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Path file = dir.resolve("m" + i + ".json");
      Files.writeString(file, modelJson(i % 2 == 0 ? "graph-model" : "layers-model", "w" + i));
      files.add(file);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ModelJsonOutline>> answers = new ArrayList<>();
      for (int round = 0; round < 200; round++) {
        Path file = files.get(round % files.size());
        answers.add(pool.submit(() -> ModelJsonOutline.read(file)));
      }
      for (int round = 0; round < answers.size(); round++) {
        ModelJsonOutline outline = answers.get(round).get();
        assertSame(ModelJsonOutline.read(files.get(round % files.size())), outline);
        assertEquals(List.of("w" + round % files.size()), outline.manifestPaths());
        assertEquals(round % 2 == 0, outline.isGraphModel());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String randomName(Random random, int length) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < length; i++) {
      name.append((char) ('a' + random.nextInt(26)));
    }
    return name.toString();
  }
}
