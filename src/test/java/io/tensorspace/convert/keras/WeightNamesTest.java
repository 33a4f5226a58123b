package io.tensorspace.convert.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The names tfjs binds, over generated stored names of zero to three scopes. */
class WeightNamesTest {
  @Test
  void namesOfAnyScopeDepthAreMappedAsBySplittingThemAtEachSlash() {
    List<String> pieces = List.of("", "/", "conv1", "lstm_cell", "cell", "gru_cell_2", "kernel",
        "kernel:0", ":0", "a/b");
    int checked = 0;
    for (String a : pieces) {
      for (String b : pieces) {
        for (String c : pieces) {
          for (String joint : List.of("", "/")) {
            String stored = a + joint + b + "/" + c;
            for (boolean nested : new boolean[] {false, true}) {
              assertEquals(expected("layer", nested, stored),
                  WeightNames.tfjsName("layer", nested, stored), stored);
              checked++;
            }
          }
        }
      }
    }
    assertEquals("lstm/kernel", WeightNames.tfjsName("lstm", false, "lstm/lstm_cell/kernel:0"));
    assertEquals("conv1/kernel", WeightNames.tfjsName("conv1", false, "conv1_1/kernel:0"));
    assertTrue(checked >= 4000, "names: " + checked);
  }

  /** The mapping written with a split at every slash, as it was before its fast path. */
  private static String expected(String layer, boolean nestedModel, String stored) {
    String name = stored.endsWith(":0") ? stored.substring(0, stored.length() - 2) : stored;
    String[] parts = name.split("/");
    if (parts.length >= 3 && isCellScope(parts[parts.length - 2])) {
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        if (i != parts.length - 2) {
          joined.append(joined.length() == 0 ? "" : "/").append(parts[i]);
        }
      }
      name = joined.toString();
    }
    int slash = name.indexOf('/');
    if (nestedModel || slash < 0) {
      return nestedModel || name.equals(layer) ? name : layer + "/" + name;
    }
    return layer + name.substring(slash);
  }

  private static boolean isCellScope(String token) {
    return token.endsWith("_cell") || token.equals("cell") || token.matches(".*_cell_\\d+");
  }
}
