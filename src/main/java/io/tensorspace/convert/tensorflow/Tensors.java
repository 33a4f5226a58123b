package io.tensorspace.convert.tensorflow;

/**
 * Tensor and input names as GraphDef spells them: {@code node}, {@code node:1} (output 1) and
 * {@code ^node} (a control input, ordering only).
 */
final class Tensors {
  private Tensors() {}

  static boolean isControl(String input) {
    return input.startsWith("^");
  }

  /** The node an input or tensor name refers to. */
  static String node(String input) {
    String s = isControl(input) ? input.substring(1) : input;
    int colon = s.lastIndexOf(':');
    if (colon > 0 && isDigits(s, colon + 1)) {
      return s.substring(0, colon);
    }
    return s;
  }

  /** The output index of a tensor name ({@code node} is output 0). */
  static int index(String input) {
    int colon = input.lastIndexOf(':');
    if (colon > 0 && isDigits(input, colon + 1)) {
      return Integer.parseInt(input.substring(colon + 1));
    }
    return 0;
  }

  /** The GraphDef spelling: output 0 is written as the bare node name. */
  static String ref(String node, int index) {
    return index == 0 ? node : node + ":" + index;
  }

  /** The same tensor in canonical GraphDef spelling ({@code x:0} becomes {@code x}). */
  static String canonical(String tensor) {
    return isControl(tensor) ? "^" + node(tensor) : ref(node(tensor), index(tensor));
  }

  private static boolean isDigits(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
