package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.testing.CorpusCase;
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

  /**
   * Models whose weights are copied as file regions (a tfjs layers model, a tfjs graph model, a
   * SavedModel given as its saved_model.pb, a TensorFlow.js 0.x graph), each with the file that
   * holds them beside the source file.
   */
  static List<RegionModel> regionModels() {
    return List.of(
        new RegionModel("tfjs-layers/tensorspace-tfjs-lenet-raw", "mnist.weights.bin"),
        new RegionModel("tfjs-graph/tfjs-rn-graph-model", "group1-shard1of1.bin"),
        new RegionModel("savedmodel/tensorspace-tf1-lenet-saved",
            "variables/variables.data-00000-of-00001"),
        new RegionModel("golden/tsp-preprocess-tensorflow", "group1-shard1of1"));
  }

  record RegionModel(String corpusId, String weights) {}

  /** The corpus model's folder copied into the temporary folder, and a request to convert it. */
  private ConversionRequest copy(RegionModel model) {
    CorpusCase corpus = ModelCorpus.byId(model.corpusId());
    Path folder = corpus.copyTo(temp.resolve("model"));
    return new ConversionRequest(folder.resolve(corpus.mainFile()), null,
        temp.resolve("model-out"), List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE);
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
  @MethodSource("regionModels")
  void touchedWeightsFileIsUpToDate(RegionModel model) throws Exception {
    ConversionRequest request = copy(model);
    AtomicInteger regions = new AtomicInteger();
    convertAndRecord(request, (file, position, count, crc32c, crc32) -> regions.incrementAndGet());
    assertTrue(regions.get() > 1, "the weights were copied as regions, their checksums joined");
    Path shard = temp.resolve("model").resolve(model.weights());
    touch(shard);
    assertTrue(check.isUpToDate(request));
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length / 2] ^= 1;
    Files.write(shard, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    assertFalse(check.isUpToDate(request));
  }

  @ParameterizedTest
  @MethodSource("regionModels")
  void recordUsesTheChecksumsOfTheRegionsTheConversionCopied(RegionModel model) throws Exception {
    ConversionRequest request = copy(model);
    UpToDateCheck.Recording recording = check.begin(request);
    // the reader's paths match the inputs, so these (wrong) checksums are taken, not re-read
    new Converter(ProgressListener.NONE, (file, position, count, crc32c, crc32) ->
        recording.copied(file, position, count, ~crc32c, crc32)).convert(request);
    recording.finish();
    touch(temp.resolve("model").resolve(model.weights()));
    assertFalse(check.isUpToDate(request));
  }

  private Path recordFile() throws IOException {
    try (var files = Files.list(temp.resolve("state"))) {
      return files.filter(f -> f.toString().endsWith(".properties")).findFirst().orElseThrow();
    }
  }

  /** The conversion's record with its time and checksum replaced. */
  private void rewriteRecord(long time, String content) throws IOException {
    StateRecord record = StateRecord.load(recordFile());
    new StateRecord(record.settings(), time, record.inputs(), content, record.outputs())
        .store(recordFile(), null);
  }

  @Test
  void settledStampsAreTrustedWithoutReadingTheModel() throws Exception {
    rewriteRecord(Long.MAX_VALUE / 2, "not the checksum");
    assertTrue(check.isUpToDate(request(List.of())), "the content was compared");
  }

  @Test
  void stampsTooFreshToProveAnythingAreComparedByContentThenRecordedAgain() throws Exception {
    long lastChange = FileStamp.of(model).latest(); // as if recording began in that clock tick
    rewriteRecord(lastChange, "not the checksum");
    assertFalse(check.isUpToDate(request(List.of())), "a fresh stamp was trusted");
    rewriteRecord(lastChange, Fingerprint.content(List.of(model.toAbsolutePath().normalize())));
    assertTrue(check.isUpToDate(request(List.of())));
    assertTrue(StateRecord.load(recordFile()).time() > lastChange, "the stamps were not renewed");
  }

  @Test
  void aStampIsSettledATickAfterTheLastChange() {
    long second = 1_000_000_000L;
    FileStamp fine = new FileStamp(1, 5 * second + 1, 5 * second + 7, "1:2");
    assertFalse(fine.settledBefore(5 * second + 7 + 10_000_000L));
    assertTrue(fine.settledBefore(5 * second + 8 + 10_000_000L));
    FileStamp wholeSeconds = new FileStamp(1, 5 * second, -1, "-");
    assertFalse(wholeSeconds.settledBefore(7 * second));
    assertTrue(wholeSeconds.settledBefore(7 * second + 1));
  }
}
