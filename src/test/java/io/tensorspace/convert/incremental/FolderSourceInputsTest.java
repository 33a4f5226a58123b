package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.testing.CorpusCase;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder given as source is out of date when any file in it changes or appears, not only the
 * model file found in it: adding a second model changes what the folder means.
 */
class FolderSourceInputsTest {
  @TempDir Path temp;

  /** Every case of the eight formats: the inputs are every file of its folder, nested ones too. */
  @TestFactory
  Stream<DynamicTest> theInputsOfAFolderAreAllItsFiles() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String format : List.of("keras1-h5", "keras2-h5", "tfkeras-h5", "keras3-zip",
        "savedmodel", "frozen-pb", "tfjs-layers", "tfjs-graph")) {
      for (CorpusCase c : ModelCorpus.cases(format)) {
        tests.add(DynamicTest.dynamicTest(c.id(), () -> {
          Path folder = c.copyTo(temp.resolve(c.id()));
          Files.createDirectories(folder.resolve("notes/old"));
          Files.writeString(folder.resolve("notes/old/readme.txt"), "kept beside the model");
          List<Path> expected;
          try (Stream<Path> walk = Files.walk(folder)) {
            expected = walk.filter(Files::isRegularFile).sorted().toList();
          }
          assertEquals(expected, InputFiles.of(request(folder, temp.resolve("out"))));
        }));
      }
    }
    return tests.stream();
  }

  /** One model per format converted from its folder; then each of its files edited in turn. */
  @TestFactory
  Stream<DynamicTest> editingOrAddingAnyFileOfAFolderSourceConvertsAgain() {
    return Stream.of("keras2-h5/dl4j-ELU-0", "keras2-h5/tensorspace-keras-mnist-separated",
        "keras3-zip/keras3-reshape-lstm", "savedmodel/tfjs-node-times-three-float",
        "frozen-pb/tensorspace-lenet-frozen", "tfjs-layers/tfjs2keras-cnn",
        "tfjs-graph/tfjs-rn-graph-model").map(id -> DynamicTest.dynamicTest(id, () -> {
          Path folder = temp.resolve(id);
          // the SavedModel in a TF Serving version folder: <model>/<version>/saved_model.pb
          ModelCorpus.byId(id).copyTo(id.startsWith("savedmodel") ? folder.resolve("7") : folder);
          ConversionRequest request = request(folder, temp.resolve(id + "-out"));
          UpToDateCheck check = new UpToDateCheck(temp.resolve(id + "-state"));
          UpToDateCheck.Recording recording = check.begin(request);
          new Converter(ProgressListener.NONE, recording).convert(request);
          recording.finish();
          assertTrue(check.isUpToDate(request));
          List<Path> files;
          try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
          }
          for (Path file : files) {
            byte[] original = Files.readAllBytes(file);
            byte[] edited = original.clone();
            edited[edited.length / 2] ^= 1;
            Files.write(file, edited);
            assertFalse(check.isUpToDate(request), "edited " + folder.relativize(file));
            Files.write(file, original);
            assertTrue(check.isUpToDate(request), "restored " + folder.relativize(file));
          }
          Files.writeString(folder.resolve("another.h5"), "x");
          assertFalse(check.isUpToDate(request), "a file added");
        }));
  }

  private static ConversionRequest request(Path folder, Path out) {
    return new ConversionRequest(folder, null, out, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE);
  }
}
