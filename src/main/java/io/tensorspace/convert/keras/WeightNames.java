package io.tensorspace.convert.keras;

/** Maps the weight names Keras stores to the {@code <layer>/<weight>} names tfjs binds. */
final class WeightNames {
  private WeightNames() {}

  /**
   * {@code dense_1/kernel:0} → {@code dense_1/kernel}; RNN cells drop their cell scope
   * ({@code lstm/lstm_cell/kernel:0} → {@code lstm/kernel}), because tfjs 1.x has no fallback for it.
   */
  static String tfjsName(String stored) {
    String name = stored.endsWith(":0") ? stored.substring(0, stored.length() - 2) : stored;
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
