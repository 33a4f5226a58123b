package io.tensorspace.convert.tensorflow;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ops TensorFlow.js graph-models run ({@code tfjs-ops.txt}, read from the op mappers of the
 * tfjs versions this plugin targets), so that an unsupported op fails the conversion instead of the
 * user's page.
 */
final class TfjsOps {
  /** Categories tfjs runs only through executeAsync(); TensorSpace calls execute(). */
  private static final Set<String> ASYNC_CATEGORIES = Set.of("control", "dynamic", "hash_table");

  private record Op(String category, int since) {}

  private static final Map<String, Op> OPS = load();

  private TfjsOps() {}

  static boolean supported(String op) {
    return OPS.containsKey(op);
  }

  /** Whether the op needs executeAsync() (while loops, tensor arrays, dynamic shapes, tables). */
  static boolean needsAsync(String op) {
    Op known = OPS.get(op);
    return known != null && ASYNC_CATEGORIES.contains(known.category());
  }

  /** Whether tfjs 1.x (TensorSpace 0.6's bundled version) runs the op, not only tfjs 4. */
  static boolean inTfjs1(String op) {
    Op known = OPS.get(op);
    return known != null && known.since() == 1;
  }

  private static Map<String, Op> load() {
    Map<String, Op> ops = new HashMap<>();
    try (InputStream in = TfjsOps.class.getResourceAsStream("tfjs-ops.txt")) {
      if (in == null) {
        throw new IllegalStateException("tfjs-ops.txt missing from the plugin jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        // "<op> <category> <since>": split by hand, String.split compiles a regex per line
        int category = line.indexOf(' ');
        int since = line.indexOf(' ', category + 1);
        ops.put(line.substring(0, category), new Op(line.substring(category + 1, since),
            Integer.parseInt(line.substring(since + 1))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.copyOf(ops);
  }
}
