package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorflow.GraphOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text the up-to-date check compares is complete and the same in every JVM. */
class FingerprintTest {
  private static ConversionRequest request(List<String> layers, Set<String> tags) {
    return new ConversionRequest(Path.of("m.h5"), null, Path.of("out"), layers, List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE)
        .withGraphOptions(new GraphOptions("serving_default", tags));
  }

  @Test
  void setsAreSortedBecauseTheirIterationOrderChangesFromRunToRun() {
    assertEquals("[a, b, c]", Fingerprint.describe(Set.of("c", "a", "b")));
    assertEquals(Fingerprint.describe(request(List.of(), Set.of("serve", "gpu"))),
        Fingerprint.describe(request(List.of(), Set.of("gpu", "serve"))));
  }

  @Test
  void listsKeepTheirOrderAndNestedSettingsCount() {
    assertNotEquals(Fingerprint.describe(request(List.of("a", "b"), Set.of("serve"))),
        Fingerprint.describe(request(List.of("b", "a"), Set.of("serve"))));
    assertNotEquals(Fingerprint.describe(request(List.of(), Set.of("serve"))),
        Fingerprint.describe(request(List.of(), Set.of("serve", "gpu"))));
    String text = Fingerprint.describe(request(List.of(), Set.of("serve")));
    for (var component : ConversionRequest.class.getRecordComponents()) {
      assertTrue(text.contains(component.getName() + "="), component.getName());
    }
  }

  @Test
  void keysAreStable() {
    assertEquals("af63dc4c8601ec8c", Fingerprint.key("a")); // FNV-1a 64 of "a"
  }

  private static Fingerprint.CopiedRegion region(Path file, byte[] bytes, int from, int to) {
    CRC32C castagnoli = new CRC32C();
    CRC32 ieee = new CRC32();
    castagnoli.update(bytes, from, to - from);
    ieee.update(bytes, from, to - from);
    return new Fingerprint.CopiedRegion(file, from, to - from, (int) castagnoli.getValue(),
        (int) ieee.getValue());
  }

  @Test
  void copiedRegionsJoinToTheChecksumOfReadingEverything(@TempDir Path temp) throws Exception {
    Random random = new Random(3);
    byte[] first = new byte[500_000];
    byte[] second = new byte[300_001];
    random.nextBytes(first);
    random.nextBytes(second);
    Path a = Files.write(temp.resolve("a.bin"), first);
    Path b = Files.write(temp.resolve("b.bin"), second);
    List<Path> files = List.of(a, b);
    String read = Fingerprint.content(files);
    List<Fingerprint.CopiedRegion> regions = new ArrayList<>(List.of(
        region(b, second, 100, 200_000),
        region(a, first, 0, 4096),
        region(a, first, 300_000, 500_000),
        region(a, first, 10_000, 290_000),
        region(a, first, 20_000, 30_000), // inside another region: read instead
        region(b, second, 250_000, 300_001)));
    assertEquals(read, Fingerprint.content(files, regions));
    // a region past the end of its file (the file shrank) is ignored, not trusted
    regions.add(new Fingerprint.CopiedRegion(b, 300_000, 10, 0, 0));
    assertEquals(read, Fingerprint.content(files, regions));
    // the regions' checksums are used, not read again: a wrong one changes the result
    Fingerprint.CopiedRegion good = region(b, second, 100, 200_000);
    regions.set(0, new Fingerprint.CopiedRegion(b, 100, 199_900, good.castagnoli() ^ 1,
        good.ieee()));
    assertNotEquals(read, Fingerprint.content(files, regions));
  }
}
