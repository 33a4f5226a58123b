package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many members, each a model converted and recorded, then edited at random in ways a stamp sees
 * differently from the content (a byte flipped with its time set back, a touch, a file replaced
 * by a copy with the same time, shards added or removed, outputs edited): the model must be out
 * of date exactly when an input's content, the settings or an output changed.
 */
class RandomEditsTest {
  private static final int MEMBERS = 80;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  @TempDir Path temp;
  /** LeNet as a TensorFlow.js layers model in 11 shards (the converter's own tfjs output). */
  private static Path sharded;

  @BeforeAll
  static void makeShardedModel() throws Exception {
    Path out = shared.resolve("sharded");
    new Converter().convert(new ConversionRequest(
        ModelCorpus.byId("tfjs-layers/tensorspace-tfjs-lenet-raw").mainPath(), null, out,
        List.of(), List.of(), 16_384));
    sharded = out;
  }

  /** What an edit does and whether it changes what the model is made from. */
  enum Edit {
    FLIP_WITH_TIME_SET_BACK(true), TOUCH(false), REPLACED_BY_SAME_COPY(false),
    REPLACED_BY_EDITED_COPY_SAME_TIME(true), FLIPPED_AND_BACK(false), SHARD_REMOVED(true),
    SHARD_SPLIT_IN_TWO(true), SHARD_FILE_DELETED(true), OUTPUT_FLIP_WITH_TIME_SET_BACK(true),
    OUTPUT_DELETED(true), OUTPUT_ADDED(true), OUTPUT_TOUCHED(true), SETTINGS(true), NONE(false);

    final boolean outOfDate;

    Edit(boolean outOfDate) {
      this.outOfDate = outOfDate;
    }

    boolean onShards() {
      return name().startsWith("SHARD");
    }
  }

  /**
   * A member: its model (tfjs layers, sharded, or Keras HDF5) and one to three edits, at most one
   * of them on the shard list. The first members have each edit alone.
   */
  record Member(int seed, boolean tfjs, List<Edit> edits) {
    static Member of(int seed) {
      Edit[] all = Edit.values();
      if (seed < all.length) {
        return new Member(seed, true, List.of(all[seed]));
      }
      Random random = new Random(seed);
      boolean tfjs = random.nextInt(3) > 0;
      List<Edit> edits = new ArrayList<>();
      for (int n = 1 + random.nextInt(3); edits.size() < n; ) {
        Edit edit = all[random.nextInt(all.length)];
        boolean shards = edits.stream().anyMatch(Edit::onShards);
        if ((tfjs || !edit.onShards()) && !(shards && edit.onShards()) && !edits.contains(edit)) {
          edits.add(edit);
        }
      }
      return new Member(seed, tfjs, edits);
    }

    boolean outOfDate() {
      return edits.stream().anyMatch(edit -> edit.outOfDate);
    }
  }

  @TestFactory
  Stream<DynamicTest> outOfDateExactlyWhenContentChanged() {
    return IntStream.range(0, MEMBERS).mapToObj(Member::of).map(member -> DynamicTest.dynamicTest(
        member.seed() + (member.tfjs() ? " tfjs " : " keras ") + member.edits(),
        () -> check(member)));
  }

  @Test
  void membersCombineEditsBothWays() {
    List<Member> members = IntStream.range(0, MEMBERS).mapToObj(Member::of).toList();
    for (Edit edit : Edit.values()) {
      assertTrue(members.stream().filter(m -> m.edits().size() > 1 && m.edits().contains(edit))
          .count() >= 2, "combined: " + edit);
    }
    assertTrue(members.stream().filter(m -> !m.outOfDate()).count() >= 10, "up-to-date members");
    assertTrue(members.stream().filter(m -> !m.tfjs()).count() >= 10, "Keras HDF5 members");
  }

  private void check(Member plan) throws Exception {
    Random random = new Random(~plan.seed());
    Path member = temp.resolve("member-" + plan.seed()); // dynamic tests share the folder
    Path folder = member.resolve("model");
    Files.createDirectories(folder);
    Path source;
    if (plan.tfjs()) {
      for (Path file : inputsOf(sharded.resolve("model.json"))) {
        Files.copy(file, folder.resolve(file.getFileName().toString()));
      }
      source = folder.resolve("model.json");
    } else {
      source = Files.copy(ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath(),
          folder.resolve("mnist.h5"));
    }
    Thread.sleep(25); // inputs older than the record by more than a clock tick: stamps suffice
    Path out = member.resolve("out");
    ConversionRequest request = request(source, out, ConversionRequest.DEFAULT_SHARD_SIZE);
    UpToDateCheck check = new UpToDateCheck(member.resolve("state"));
    convert(check, request);
    assertTrue(check.isUpToDate(request), "just converted");
    for (Edit edit : plan.edits()) {
      request = apply(edit, random, source, out, request);
    }
    assertEquals(!plan.outOfDate(), check.isUpToDate(request), "up to date after the edits");
    assertEquals(!plan.outOfDate(), check.isUpToDate(request), "asked a second time");
    if (plan.outOfDate() && converts(check, request)) {
      assertTrue(check.isUpToDate(request), "converted again");
    }
  }

  /** Converts again unless the edits broke the model (a flipped byte, a shard gone). */
  private static boolean converts(UpToDateCheck check, ConversionRequest request)
      throws Exception {
    try {
      convert(check, request);
      return true;
    } catch (io.tensorspace.convert.ConversionException e) {
      return false;
    }
  }

  private static void convert(UpToDateCheck check, ConversionRequest request) throws Exception {
    UpToDateCheck.Recording recording = check.begin(request);
    new Converter(ProgressListener.NONE, recording).convert(request);
    recording.finish();
  }

  private static ConversionRequest request(Path source, Path out, long shardSize) {
    return new ConversionRequest(source, null, out, List.of(), List.of(), shardSize);
  }

  private static ConversionRequest apply(Edit edit, Random random, Path source, Path out,
      ConversionRequest request) throws IOException {
    List<Path> inputs = inputsOf(source);
    Path input = inputs.get(random.nextInt(inputs.size()));
    List<Path> outputs;
    try (Stream<Path> list = Files.list(out)) {
      outputs = list.sorted().toList();
    }
    Path output = outputs.get(random.nextInt(outputs.size()));
    switch (edit) {
      case FLIP_WITH_TIME_SET_BACK -> flip(input, random);
      case TOUCH -> Files.setLastModifiedTime(input,
          FileTime.fromMillis(System.currentTimeMillis() + random.nextInt(200_000) - 100_000));
      case REPLACED_BY_SAME_COPY -> replace(input, Files.readAllBytes(input));
      case REPLACED_BY_EDITED_COPY_SAME_TIME -> {
        byte[] bytes = Files.readAllBytes(input);
        bytes[random.nextInt(bytes.length)] ^= 1 << random.nextInt(8);
        replace(input, bytes);
      }
      case FLIPPED_AND_BACK -> {
        byte[] bytes = Files.readAllBytes(input);
        FileTime time = Files.getLastModifiedTime(input);
        flip(input, random);
        Files.write(input, bytes);
        Files.setLastModifiedTime(input, time);
      }
      case SHARD_REMOVED -> editShards(source, (paths, folder) -> {
        Files.delete(folder.resolve(paths.remove(paths.size() - 1).asText()));
      });
      case SHARD_SPLIT_IN_TWO -> editShards(source, (paths, folder) -> {
        Path last = folder.resolve(paths.get(paths.size() - 1).asText());
        byte[] bytes = Files.readAllBytes(last);
        int half = bytes.length / 2;
        Files.write(last, java.util.Arrays.copyOf(bytes, half));
        Files.write(folder.resolve("extra.bin"),
            java.util.Arrays.copyOfRange(bytes, half, bytes.length));
        paths.add("extra.bin");
      });
      case SHARD_FILE_DELETED -> Files.delete(inputs.get(inputs.size() - 1));
      case OUTPUT_FLIP_WITH_TIME_SET_BACK -> flip(output, random);
      case OUTPUT_DELETED -> Files.delete(output);
      case OUTPUT_ADDED -> Files.writeString(out.resolve("notes.txt"), "added");
      case OUTPUT_TOUCHED -> Files.setLastModifiedTime(output, Files.getLastModifiedTime(output));
      case SETTINGS -> {
        return request(source, out, 8192);
      }
      case NONE -> { }
    }
    return request;
  }

  /** A model.json and the shards it names (listed last), or the HDF5 file alone. */
  private static List<Path> inputsOf(Path source) throws IOException {
    List<Path> files = new ArrayList<>(List.of(source));
    if (source.toString().endsWith(".json")) {
      for (var path : JSON.readTree(source.toFile()).path("weightsManifest").get(0).path("paths")) {
        files.add(source.resolveSibling(path.asText()));
      }
    }
    return files;
  }

  /** One random byte flipped in place, the modification time set back to what it was. */
  private static void flip(Path file, Random random) throws IOException {
    FileTime time = Files.getLastModifiedTime(file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[random.nextInt(bytes.length)] ^= 1 << random.nextInt(8);
    Files.write(file, bytes);
    Files.setLastModifiedTime(file, time);
  }

  /** The file replaced by a new one (another inode) with these bytes and the old time. */
  private static void replace(Path file, byte[] bytes) throws IOException {
    FileTime time = Files.getLastModifiedTime(file);
    Path copy = file.resolveSibling(file.getFileName() + ".copy");
    Files.write(copy, bytes);
    Files.setLastModifiedTime(copy, time);
    Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private interface ShardEdit {
    void apply(ArrayNode paths, Path folder) throws IOException;
  }

  /** Edits the manifest's shard list (and the shards), keeping the model.json's time. */
  private static void editShards(Path modelJson, ShardEdit edit) throws IOException {
    FileTime time = Files.getLastModifiedTime(modelJson);
    ObjectNode root = (ObjectNode) JSON.readTree(modelJson.toFile());
    edit.apply((ArrayNode) root.path("weightsManifest").get(0).path("paths"),
        modelJson.getParent());
    JSON.writeValue(modelJson.toFile(), root);
    Files.setLastModifiedTime(modelJson, time);
  }
}
