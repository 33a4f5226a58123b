package io.tensorspace.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a conversion of a corpus case is given, in the corpus and in a copy of the case. */
class CorpusCaseTest {
  @Test
  void aWeightsFileGoesWithTheTopologyBesideIt(@TempDir Path temp) {
    int split = 0;
    for (String format : ModelCorpus.formats()) {
      for (CorpusCase c : ModelCorpus.cases(format)) {
        CorpusCase.SourceFiles here = c.sourceFiles();
        CorpusCase.SourceFiles copied = c.sourceFilesIn(temp.resolve(c.id()));
        if (c.mainFile().contains("weight")) {
          split++;
          assertEquals(c.mainPath(), here.weights(), c.id());
          assertTrue(here.source().getFileName().toString().endsWith(".json"), c.id() + " " + here);
          assertTrue(Files.isRegularFile(here.source()), c.id() + " " + here);
          assertEquals(c.dir().relativize(here.source()).toString(),
              temp.resolve(c.id()).relativize(copied.source()).toString(), c.id());
          assertEquals(temp.resolve(c.id()).resolve(c.mainFile()), copied.weights(), c.id());
        } else {
          assertEquals(new CorpusCase.SourceFiles(c.mainPath(), null), here, c.id());
          assertEquals(temp.resolve(c.id()).resolve(c.mainFile()), copied.source(), c.id());
          assertNull(copied.weights(), c.id());
        }
      }
    }
    assertEquals(2, split, "split Keras models in the corpus (README: *-separated)");
  }
}
