package io.tensorspace.convert.keras;

/** Maps the weight names Keras stores to the {@code <layer>/<weight>} names tfjs binds. */
final class WeightNames {
  private WeightNames() {}

  /**
   * The name tfjs binds for a weight stored under a top-level layer. Keras stores TF variable names,
   * whose first scope may differ from the layer name ({@code conv1_1/kernel:0} under layer
   * {@code conv1}); tfjs binds by layer name, so the first scope is replaced by it. Nested models
   * keep their inner layers' names.
   */
  static String tfjsName(String layer, boolean nestedModel, String stored) {
    String name = tfjsName(stored);
    int slash = name.indexOf('/');
    if (nestedModel || slash < 0) {
      return nestedModel || name.equals(layer) ? name : layer + "/" + name;
    }
    return layer + name.substring(slash);
  }

  /** {@code dense_1_W:0} → {@code dense_1_W}. */
  static String withoutSuffix(String stored) {
    return stored.endsWith(":0") ? stored.substring(0, stored.length() - 2) : stored;
  }

  /** Drops {@code prefix} (e.g. {@code sequential/}) when the name starts with it. */
  static String withoutPrefix(String name, String prefix) {
    return prefix != null && !prefix.equals("/") && name.startsWith(prefix)
        ? name.substring(prefix.length())
        : name;
  }

  /**
   * {@code dense_1/kernel:0} → {@code dense_1/kernel}; RNN cells drop their cell scope
   * ({@code lstm/lstm_cell/kernel:0} → {@code lstm/kernel}), because tfjs 1.x has no fallback for it.
   */
  private static String tfjsName(String stored) {
    String name = stored.endsWith(":0") ? stored.substring(0, stored.length() - 2) : stored;
    if (name.indexOf('/') == name.lastIndexOf('/')) {
      return name; // one scope at most, so no cell scope: no split, a cost per weight
    }
    String[] parts = name.split("/");
    if (parts.length >= 3 && isCellScope(parts[parts.length - 2])) {
      StringBuilder joined = new StringBuilder();
      for (int i = 0; i < parts.length; i++) {
        if (i != parts.length - 2) {
          joined.append(joined.length() == 0 ? "" : "/").append(parts[i]);
        }
      }
      return joined.toString();
    }
    return name;
  }

  private static boolean isCellScope(String token) {
    return token.endsWith("_cell") || token.equals("cell") || token.matches(".*_cell_\\d+");
  }
}
