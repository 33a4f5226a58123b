package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

class UpToDateCheckTest {
  @TempDir Path temp;
  private Path model;
  private UpToDateCheck check;

  @BeforeEach
  void convertOnce() throws Exception {
    model = temp.resolve("mnist.h5");
    Files.copy(ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath(), model);
    check = new UpToDateCheck(temp.resolve("state"));
    ConversionRequest request = request(List.of());
    UpToDateCheck.Recording recording = check.begin(request);
    new Converter(ProgressListener.NONE, recording).convert(request);
    recording.finish();
  }

  private ConversionRequest request(List<String> layers) {
    return new ConversionRequest(model, null, temp.resolve("out"), layers, List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE);
  }

  @Test
  void unchangedModelIsUpToDate() throws Exception {
    assertTrue(check.isUpToDate(request(List.of())));
  }

  @Test
  void touchedButSameContentIsUpToDate() throws Exception {
    Files.setLastModifiedTime(model, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    assertTrue(check.isUpToDate(request(List.of())));
  }

  @Test
  void changedContentIsOutOfDate() throws Exception {
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 1] ^= 1;
    Files.write(model, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    assertFalse(check.isUpToDate(request(List.of())));
  }

  @Test
  void changedSettingsAreOutOfDate() throws Exception {
    assertFalse(check.isUpToDate(request(List.of("Conv2D_1"))));
  }

  @Test
  void damagedOutputIsOutOfDate() throws Exception {
    Files.delete(temp.resolve("out").resolve("group1-shard1of1.bin"));
    assertFalse(check.isUpToDate(request(List.of())));
  }

  @Test
  void conversionBegunAgainIsOutOfDateUntilFinished() throws Exception {
    check.begin(request(List.of()));
    assertFalse(check.isUpToDate(request(List.of())));
  }

  @Test
  void modelEditedWhileConvertingIsOutOfDate() throws Exception {
    UpToDateCheck.Recording recording = check.begin(request(List.of()));
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 1] ^= 1;
    Files.write(model, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    Files.setLastModifiedTime(model, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
    recording.finish();
    assertFalse(check.isUpToDate(request(List.of())));
  }

  /** TensorFlow.js models, whose weights are copied as file regions: a layers and a graph model. */
  static List<TfjsModel> tfjsModels() {
    return List.of(
        new TfjsModel("tfjs-layers/tensorspace-tfjs-lenet-raw", "mnist.json", "mnist.weights.bin"),
        new TfjsModel("tfjs-graph/tfjs-rn-graph-model", "model.json", "group1-shard1of1.bin"));
  }

  record TfjsModel(String corpusId, String modelJson, String weights) {}

  /** A copy of the corpus model's two files in the temporary folder, and its conversion request. */
  private ConversionRequest tfjsRequest(TfjsModel model) throws IOException {
    Path folder = Files.createDirectories(temp.resolve("tfjs"));
    Path corpus = ModelCorpus.byId(model.corpusId()).mainPath().getParent();
    for (String name : List.of(model.modelJson(), model.weights())) {
      Files.copy(corpus.resolve(name), folder.resolve(name));
    }
    return new ConversionRequest(folder.resolve(model.modelJson()), null, temp.resolve("tfjs-out"),
        List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE);
  }

  /** Converts and records, the copied regions' checksums passing through {@code regions}. */
  private void convertAndRecord(ConversionRequest request, CopiedRegions regions)
      throws Exception {
    UpToDateCheck.Recording recording = check.begin(request);
    new Converter(ProgressListener.NONE, (file, position, count, crc32c, crc32) -> {
      regions.copied(file, position, count, crc32c, crc32);
      recording.copied(file, position, count, crc32c, crc32);
    }).convert(request);
    recording.finish();
  }

  private static void touch(Path file) throws IOException {
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
  }

  @ParameterizedTest
  @MethodSource("tfjsModels")
  void touchedShardOfTfjsModelIsUpToDate(TfjsModel model) throws Exception {
    ConversionRequest request = tfjsRequest(model);
    AtomicInteger regions = new AtomicInteger();
    convertAndRecord(request, (file, position, count, crc32c, crc32) -> regions.incrementAndGet());
    assertTrue(regions.get() > 1, "the weights were copied as regions, their checksums joined");
    Path shard = request.source().resolveSibling(model.weights());
    touch(shard);
    assertTrue(check.isUpToDate(request));
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length / 2] ^= 1;
    Files.write(shard, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    assertFalse(check.isUpToDate(request));
  }

  @ParameterizedTest
  @MethodSource("tfjsModels")
  void recordUsesTheChecksumsOfTheRegionsTheConversionCopied(TfjsModel model) throws Exception {
    ConversionRequest request = tfjsRequest(model);
    UpToDateCheck.Recording recording = check.begin(request);
    // the reader's paths match the inputs, so these (wrong) checksums are taken, not re-read
    new Converter(ProgressListener.NONE, (file, position, count, crc32c, crc32) ->
        recording.copied(file, position, count, ~crc32c, crc32)).convert(request);
    recording.finish();
    touch(request.source().resolveSibling(model.weights()));
    assertFalse(check.isUpToDate(request));
  }
}
