package io.tensorspace.bench;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the profile readers do with one collapsed stack (frames separated by {@code ;}). */
final class Stacks {
  private Stacks() {}

  /** The first name whose markers one occurs in the stack, else {@code otherwise}. */
  static String classify(String stack, Map<String, List<String>> markersByName, String otherwise) {
    for (Map.Entry<String, List<String>> e : markersByName.entrySet()) {
      for (String marker : e.getValue()) {
        if (stack.contains(marker)) {
          return e.getKey();
        }
      }
    }
    return otherwise;
  }

  /** Counts the stack's samples once for each plugin method on it (inclusive time). */
  static void addInclusive(String stack, long count, Map<String, Long> byMethod) {
    Set<String> seen = new HashSet<>();
    for (String frame : stack.split(";")) {
      if (frame.startsWith("io/tensorspace/") && !frame.contains("$$Lambda") && seen.add(frame)) {
        byMethod.merge(frame.replace('/', '.'), count, Long::sum);
      }
    }
  }
}
