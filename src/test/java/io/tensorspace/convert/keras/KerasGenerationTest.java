package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KerasGeneration} tells a Keras 3 version as the pattern it replaced did. */
class KerasGenerationTest {
  @Test
  void aKeras3VersionIsWhatThePattern3DotAnythingMatches() {
    JsonNode keras2 = JsonNodeFactory.instance.objectNode(); // no Keras 3 markers
    List<String> pieces = List.of("", "3", ".", "1", "3.", " ", "\t", "\n", "\r", "\u0085",
        "\u2028", "\u2029", "x", "-tf", "\ud83d", "\ud83d\ude00", "13", "03", "2.");
    int checked = 0;
    for (String a : pieces) {
      for (String b : pieces) {
        for (String c : pieces) {
          String version = a + b + c;
          assertEquals(version.trim().matches("3(\\..*)?"),
              KerasGeneration.isKeras3(version, keras2), "[" + version + "]");
          checked++;
        }
      }
    }
    assertTrue(checked > 6000, "versions: " + checked);
  }
}
