package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorflow.GraphOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
}
