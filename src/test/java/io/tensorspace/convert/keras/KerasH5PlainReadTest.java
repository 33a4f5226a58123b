package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.KerasH5Writer;
import io.tensorspace.testing.ModelCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Keras file stored plainly is read by the small HDF5 reader; the same model with its weights
 * chunked and deflated (which that reader does not read) falls back to jHDF, with the same
 * weights: every tfjs layers model of the corpus, written both ways by jHDF's writer.
 */
class KerasH5PlainReadTest {
  @TempDir Path temp;

  @Test
  void chunkedWeightsFallBackToJhdfWithTheSameWeights() throws Exception {
    int models = 0;
    try (Stream<Path> all = Files.walk(ModelCorpus.root().resolve("tfjs-layers"))) {
      for (Path json : all.filter(p -> p.getFileName().toString().equals("model.json"))
          .sorted().toList()) {
        Path plainFile = temp.resolve(models + "-plain.h5");
        Path chunkedFile = temp.resolve(models + "-chunked.h5");
        try {
          KerasH5Writer.fromTfjs(json.getParent(), plainFile, false);
          KerasH5Writer.fromTfjs(json.getParent(), chunkedFile, true);
        } catch (IOException | RuntimeException e) {
          continue; // a model the test writer does not write
        }
        models++;
        try (LayersModel plain = new KerasH5Reader().readCombined(plainFile);
            LayersModel chunked = new KerasH5Reader().readCombined(chunkedFile)) {
          assertSameWeights(json, plain.weightsByLayer(), chunked.weightsByLayer());
        }
      }
    }
    assertTrue(models >= 10, "models written both ways: " + models);
  }

  @Test
  void keras3ArchivesOfTheCorpusAreReadPlainly() throws Exception {
    int weights = 0;
    for (CorpusCase c : ModelCorpus.cases("keras3-zip")) {
      if (c.expectsError()) {
        continue; // refused for its config, before its weights are read
      }
      try (LayersModel model = new Keras3ArchiveReader().read(c.mainPath())) {
        for (Weight weight : model.weights()) {
          assertInstanceOf(Hdf5Tensor.class, weight.data(), c.id() + " " + weight.name());
          weights++;
        }
      }
    }
    assertTrue(weights > 0, "weights in the corpus' Keras 3 archives: " + weights);
  }

  private static void assertSameWeights(Path model, Map<String, List<Weight>> plain,
      Map<String, List<Weight>> chunked) throws IOException {
    assertEquals(plain.keySet(), chunked.keySet(), model.toString());
    int weights = 0;
    for (String layer : plain.keySet()) {
      List<Weight> mine = plain.get(layer);
      List<Weight> jhdf = chunked.get(layer);
      assertEquals(mine.size(), jhdf.size(), model + " " + layer);
      for (int i = 0; i < mine.size(); i++) {
        Weight a = mine.get(i);
        Weight b = jhdf.get(i);
        assertInstanceOf(Hdf5Tensor.class, a.data(), a.name() + " read plainly");
        assertInstanceOf(H5Tensor.class, b.data(), b.name() + " read by jHDF");
        assertEquals(a.name(), b.name());
        assertArrayEquals(a.shape(), b.shape(), a.name());
        assertEquals(a.dtype(), b.dtype(), a.name());
        assertArrayEquals(bytes(b), bytes(a), a.name());
        weights++;
      }
    }
    assertTrue(weights > 0, model + " has weights");
  }

  private static byte[] bytes(Weight weight) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    weight.data().writeTo(out);
    return out.toByteArray();
  }
}
