package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorflow.CheckpointSavedModels.Spec;
import io.tensorspace.testing.LevelDbTables;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * SavedModels written by TensorFlow (TF Java) whose {@code variables.index} is then re-encoded
 * with Snappy-compressed blocks the way TensorFlow 1.x wrote it ({@link LevelDbTables}, another
 * Snappy implementation than the reader's), for many layer counts, widths, extra variables and
 * block sizes, so indexes have one to hundreds of blocks, compressed and not. Each must convert to
 * exactly the bytes of the uncompressed original and match TF Java running the original in
 * TensorFlow.js 1.7.4 and 4.22.0.
 */
class CompressedCheckpointTest {
  @TempDir
  static Path tmp;

  private record Member(Spec spec, int blockSize, Path output, Path reference,
      LevelDbTables.Table table, String problem) {
    String id() {
      return spec.id() + "-b" + blockSize;
    }
  }

  private static final List<Member> MEMBERS = new ArrayList<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();

  static List<Member> plan() {
    int[][] widths = {{3, 2}, {4, 8, 3}, {16, 32, 16, 4}, {6, 5, 4, 3, 2, 1}, {64, 48, 10},
        {2, 130, 2}};
    int[] extras = {0, 7, 60, 300};
    int[] blockSizes = {4096, 512, 96};
    List<Member> plan = new ArrayList<>();
    long seed = 1;
    for (int[] w : widths) {
      for (int e = 0; e < extras.length; e++) {
        Spec spec = new Spec(w, extras[e], 1 + (e * 5) % 9, seed++);
        plan.add(new Member(spec, blockSizes[(int) (seed % blockSizes.length)], null, null, null,
            null));
      }
    }
    return plan;
  }

  @BeforeAll
  static void convertAndRun() throws Exception {
    List<TfjsJob> jobs = new ArrayList<>();
    for (Member planned : plan()) {
      Member member = convert(planned);
      MEMBERS.add(member);
      if (member.problem() == null) {
        for (String v : TfjsJob.VERSIONS) {
          jobs.add(new TfjsJob(member.id() + "@" + v, v, member.output(), "model.json",
              TfjsJob.GRAPH, member.reference(), member.spec().nodes(), null));
        }
      }
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      RESULTS.put(r.id(), r);
    }
    int blocks = MEMBERS.stream().mapToInt(m -> m.table() == null ? 0 : m.table().blocks()).sum();
    int compressed = MEMBERS.stream()
        .mapToInt(m -> m.table() == null ? 0 : m.table().compressedBlocks()).sum();
    double worst = RESULTS.values().stream().mapToDouble(TfjsResult::maxAbsDiff).max().orElse(0);
    System.out.printf("[compressed-index] %d members, %d blocks (%d Snappy), worst |diff| %.3g%n",
        MEMBERS.size(), blocks, compressed, worst);
  }

  /** Writes, re-encodes, converts both and compares. */
  private static Member convert(Member m) throws Exception {
    Path original = tmp.resolve(m.id()).resolve("original");
    CheckpointSavedModels.write(m.spec(), original);
    Path reference = tmp.resolve(m.id()).resolve("reference.json");
    CheckpointSavedModels.writeReference(m.spec(), original, reference);
    Path compressed = tmp.resolve(m.id()).resolve("compressed");
    copyTree(original, compressed);
    Path index = compressed.resolve("variables/variables.index");
    LevelDbTables.Table table = LevelDbTables.write(
        LevelDbTables.read(Files.readAllBytes(index)), m.blockSize());
    Files.write(index, table.bytes());
    Path plainOut = tmp.resolve(m.id()).resolve("out-original");
    Path out = tmp.resolve(m.id()).resolve("out-compressed");
    for (Path[] pair : new Path[][] {{original, plainOut}, {compressed, out}}) {
      try {
        new GraphConverter().convert(new ConversionRequest(pair[0], null, pair[1],
            m.spec().nodes(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
      } catch (ConversionException e) {
        return new Member(m.spec(), m.blockSize(), out, reference, table,
            pair[0].getFileName() + " did not convert: " + e.getMessage());
      }
    }
    String problem = null;
    for (String file : List.of("model.json", "group1-shard1of1.bin")) {
      if (!java.util.Arrays.equals(Files.readAllBytes(plainOut.resolve(file)),
          Files.readAllBytes(out.resolve(file)))) {
        problem = file + " differs from the uncompressed original's";
      }
    }
    return new Member(m.spec(), m.blockSize(), out, reference, table, problem);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> compressedIndexesConvertAndMatchTensorFlow() {
    return MEMBERS.stream().map(m -> DynamicTest.dynamicTest(m.id(), () -> {
      assertEquals(null, m.problem(), m.id());
      // a few keys compress by less than an eighth, so like LevelDB the writer keeps them raw
      assertTrue(m.spec().extras() == 0 || m.table().compressedBlocks() > 0,
          m.id() + ": no block was worth compressing");
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(m.id() + "@" + v);
        assertNotNull(r, m.id() + "@" + v);
        r.assertOk();
        assertEquals(m.spec().nodes().size(), r.outputs().size(), r.describe());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> theMembersSpanOneToManyBlocks() {
    return Stream.of(DynamicTest.dynamicTest("blocks", () -> {
      int[] counts = MEMBERS.stream().mapToInt(m -> m.table().blocks()).sorted().toArray();
      // data blocks + metaindex + index: 3 is a one-block index
      assertEquals(3, counts[0]);
      assertTrue(counts[counts.length - 1] > 50, "largest index has " + counts[counts.length - 1]);
      assertArrayEquals(new int[0], MEMBERS.stream().filter(m -> m.table().blocks()
          == m.table().compressedBlocks()).mapToInt(m -> 0).toArray(),
          "some blocks (the empty metaindex at least) stay raw");
    }));
  }
}
