package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.testing.Conformance;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder given as source converts exactly like the model file in it: every corpus case of the
 * eight readable formats is copied into a folder of its own and converted once by its file and
 * once by its folder, and the two outputs must be byte-identical (or both refused with the same
 * message). Folders with no model or several are refused naming what they hold and every format.
 */
class FolderSourceTest {
  static final List<String> FORMATS = List.of("keras1-h5", "keras2-h5", "tfkeras-h5", "keras3-zip",
      "savedmodel", "frozen-pb", "tfjs-layers", "tfjs-graph");

  @TempDir
  Path temp;

  /** Outcome of one conversion: its output files by name, or its refusal. */
  private record Outcome(Map<String, String> files, ConversionResult result, Exception error) {}

  @TestFactory
  Stream<DynamicTest> everyCorpusCaseGivenAsItsFolderConvertsAsItsFile() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    List<TfjsJob> jobs = new ArrayList<>();
    int cases = 0;
    int refused = 0;
    for (String format : FORMATS) {
      for (CorpusCase c : ModelCorpus.cases(format)) {
        cases++;
        Path folder = c.copyTo(temp.resolve("in").resolve(c.id()));
        CorpusCase.SourceFiles byFile = c.sourceFilesIn(folder);
        Outcome fromFile = convert(byFile.source(), byFile.weights(), temp.resolve("file").resolve(c.id()));
        Path out = temp.resolve("folder").resolve(c.id()).resolve("model");
        Outcome fromFolder = convert(folder, null, out.getParent());
        refused += fromFile.error() == null ? 0 : 1;
        tests.add(DynamicTest.dynamicTest(c.id() + " given as its folder converts as its file",
            () -> {
              if (fromFile.error() != null) {
                assertNotNull(fromFolder.error(), "the file is refused, the folder is not: "
                    + fromFile.error().getMessage());
                assertEquals(fromFile.error().getMessage(), fromFolder.error().getMessage());
                return;
              }
              if (fromFolder.error() != null) {
                fail("the folder is refused: " + fromFolder.error().getMessage(),
                    fromFolder.error());
              }
              assertTrue(fromFile.files().size() >= 2, "output files " + fromFile.files());
              assertEquals(fromFile.files(), fromFolder.files(), "output bytes differ");
            }));
        boolean layers = fromFolder.result() != null
            && !fromFolder.result().outputs().isEmpty()
            && (format.equals("tfjs-layers") || c.id().endsWith("-separated"));
        if (layers && c.hasReference()) {
          jobs.addAll(TfjsJob.layersInEveryVersion(c.id() + "#folder", out.resolve("model.json"),
              c.referencePath(), fromFolder.result().outputs()));
        }
      }
    }
    assertTrue(cases >= 100, "corpus cases tried: " + cases);
    assertTrue(jobs.size() >= 30, "tfjs jobs: " + jobs.size());
    List<TfjsResult> results = TfjsClient.check(jobs);
    Conformance.writeReport(results, Path.of("target", "conformance", "folder-source-report.tsv"));
    results.forEach(r -> tests.add(Conformance.matchesReference(r)));
    System.out.println("[folder-source] " + cases + " corpus cases given as folders ("
        + (cases - refused) + " converted, " + refused + " refused by file), " + results.size()
        + " tfjs runs");
    return tests.stream();
  }

  private static Outcome convert(Path source, Path weights, Path parent) throws IOException {
    Path out = parent.resolve("model");
    try {
      ConversionResult result = new Converter().convert(new ConversionRequest(source, weights, out,
          List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
      return new Outcome(contents(out), result, null);
    } catch (ConversionException e) {
      return new Outcome(Map.of(), null, e);
    }
  }

  private static Map<String, String> contents(Path folder) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          files.put(folder.relativize(p).toString(),
              Integer.toHexString(Arrays.hashCode(Files.readAllBytes(p))) + "/" + Files.size(p));
        }
      }
    }
    return files;
  }

  @Test
  void aNestedSavedModelFolderIsStillReadAsASavedModel() throws Exception {
    CorpusCase c = ModelCorpus.byId("savedmodel/dl4j-saved-model-counter");
    Path folder = c.copyTo(temp.resolve("counter"));
    ModelSources.ModelSource found = ModelSources.locate(folder, null);
    assertEquals(InputFormat.SAVED_MODEL, found.format());
    assertEquals(folder, found.file());
    // a stray model file beside the version folder does not make it ambiguous
    Files.copy(ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath(),
        folder.resolve("other.h5"));
    assertEquals(InputFormat.SAVED_MODEL, ModelSources.locate(folder, null).format());
  }

  @Test
  void modelJsonWinsInAFolderOfSeveralTfjsModels() throws Exception {
    Path folder = ModelCorpus.byId("tfjs-graph/tfjs-e2e-graph-model")
        .copyTo(temp.resolve("graphs"));
    ModelSources.ModelSource found = ModelSources.locate(folder, null);
    assertEquals(folder.resolve("model.json"), found.file());
    assertEquals(InputFormat.TFJS_GRAPH, found.format());
  }

  /** Every pair (and a triple) of real models of different formats in one folder. */
  @TestFactory
  Stream<DynamicTest> aFolderOfSeveralModelsIsRefusedListingThem() {
    List<Path> models = List.of(
        ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath(),
        ModelCorpus.byId("tfkeras-h5/dl4j-tfkeras-mlp-36").mainPath(),
        ModelCorpus.byId("keras3-zip/keras3-masking-lstm").mainPath(),
        ModelCorpus.byId("frozen-pb/tsc-test-lenet-frozen").mainPath(),
        ModelCorpus.byId("tfjs-layers/tensorspace-tfjs-lenet-raw").mainPath(),
        ModelCorpus.byId("keras1-h5/dl4j-simple-rnn-tensorflow-1").mainPath());
    List<List<Path>> groups = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      for (int j = i + 1; j < models.size(); j++) {
        groups.add(List.of(models.get(i), models.get(j)));
      }
    }
    groups.add(models.subList(0, 3));
    return groups.stream().map(group -> DynamicTest.dynamicTest(names(group), () -> {
      Path folder = Files.createDirectories(temp.resolve("several").resolve(names(group)));
      List<String> names = new ArrayList<>();
      for (int k = 0; k < group.size(); k++) {
        String name = k + "-" + group.get(k).getFileName();
        Files.copy(group.get(k), folder.resolve(name));
        names.add(name);
      }
      Files.writeString(folder.resolve("notes.txt"), "not a model");
      ConversionException e = refused(folder);
      assertTrue(e.getMessage().contains("holds " + group.size() + " models"), e.getMessage());
      names.forEach(n -> assertTrue(e.getMessage().contains(n), n + ": " + e.getMessage()));
      assertTrue(e.getMessage().contains("notes.txt (no model)"), e.getMessage());
      assertNamesEveryFormat(e);
    }));
  }

  /** Folders holding files that are no model: empty, data, weights alone, pictures, text. */
  @TestFactory
  Stream<DynamicTest> aFolderWithoutAModelIsRefusedListingWhatItHolds() throws IOException {
    CorpusCase elu = ModelCorpus.byId("keras2-h5/dl4j-ELU-0");
    Map<String, List<Path>> folders = new TreeMap<>();
    folders.put("empty", List.of());
    folders.put("hdf5-data", List.of(elu.file("inputs_and_outputs.h5")));
    folders.put("weights-only", List.of(elu.file("ELU_0_weights.h5")));
    folders.put("two-topologies-and-weights", List.of(elu.file("config.json"),
        ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist-separated").file("topology.json"),
        elu.file("ELU_0_weights.h5")));
    folders.put("topology-without-weights", List.of(elu.file("config.json")));
    folders.put("shards-only", List.of(
        ModelCorpus.byId("tfjs-layers/tfjs2keras-time-distributed-lstm").file("weights.bin"),
        ModelCorpus.byId("tfjs-layers/tfjs2keras-cnn").file("weights.bin")));
    folders.put("data-files", List.of(
        ModelCorpus.byId("frozen-pb/dl4j-mnist-00").file("input.placeholder.csv"),
        ModelCorpus.byId("tfjs-layers/tfjs2keras-cnn").file("cnn.xs-data.json")));
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, List<Path>> entry : folders.entrySet()) {
      tests.add(DynamicTest.dynamicTest(entry.getKey(), () -> {
        Path folder = Files.createDirectories(temp.resolve("none").resolve(entry.getKey()));
        int k = 0;
        for (Path file : entry.getValue()) {
          Files.copy(file, folder.resolve(k++ + "-" + file.getFileName()),
              StandardCopyOption.REPLACE_EXISTING);
        }
        ConversionException e = refused(folder);
        assertTrue(e.getMessage().contains("holds no model"), e.getMessage());
        try (Stream<Path> list = Files.list(folder)) {
          list.forEach(f -> assertTrue(e.getMessage().contains(f.getFileName().toString()),
              f + ": " + e.getMessage()));
        }
        assertNamesEveryFormat(e);
      }));
    }
    return tests.stream();
  }

  @Test
  void aTopologyJsonAndItsWeightsFileInAFolderAreReadTogether() throws Exception {
    Path folder = ModelCorpus.byId("keras2-h5/dl4j-ELU-0").copyTo(temp.resolve("elu"));
    Files.delete(folder.resolve("ELU_0_model.h5"));
    ModelSources.ModelSource found = ModelSources.locate(folder, null);
    assertEquals(folder.resolve("config.json"), found.file());
    assertEquals(folder.resolve("ELU_0_weights.h5"), found.weights());
    // a <weights> given with the folder pairs with its topology even beside other weights
    Files.copy(folder.resolve("ELU_0_weights.h5"), folder.resolve("copy_weights.h5"));
    Path weights = folder.resolve("copy_weights.h5");
    assertEquals(weights, ModelSources.locate(folder, weights).weights());
    assertThrows(ConversionException.class, () -> ModelSources.locate(folder, null));
  }

  @Test
  void aFolderIsNamedAfterItselfAndModelJsonAfterItsFolder() {
    assertEquals("lenet", ModelSources.defaultName(temp.resolve("lenet")));
    assertEquals("lenet", ModelSources.defaultName(temp.resolve("lenet").resolve("model.json")));
    assertEquals("lenet",
        ModelSources.defaultName(temp.resolve("lenet").resolve("saved_model.pb")));
    assertEquals("mnist", ModelSources.defaultName(temp.resolve("lenet").resolve("mnist.json")));
    assertEquals("mnist", ModelSources.defaultName(temp.resolve("mnist.h5")));
    assertEquals("lenet", ModelSources.defaultName(temp.resolve("lenet").resolve(".")));
  }

  private static ConversionException refused(Path folder) {
    Path out = folder.resolveSibling(folder.getFileName() + "-out");
    ConversionException e = assertThrows(ConversionException.class, () -> new Converter().convert(
        new ConversionRequest(folder, null, out, List.of(), List.of(),
            ConversionRequest.DEFAULT_SHARD_SIZE)));
    assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
    assertFalse(Files.exists(out), "wrote output");
    return e;
  }

  static void assertNamesEveryFormat(Exception e) {
    for (InputFormat format : InputFormat.values()) {
      assertTrue(e.getMessage().contains(format.description()), format + ": " + e.getMessage());
    }
  }

  private static String names(List<Path> group) {
    return String.join("+", group.stream().map(p -> p.getFileName().toString()).toList());
  }
}
