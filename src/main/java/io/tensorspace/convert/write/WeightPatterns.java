package io.tensorspace.convert.write;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Weight-name patterns as the official converter takes them ({@code --quantize_uint8 'conv*'},
 * matched with Python's {@code fnmatch}): {@code *} matches any run of characters (including
 * {@code /}), {@code ?} any one character, everything else itself; the whole name must match.
 * No pattern means every weight.
 */
final class WeightPatterns {
  private final List<String> patterns;
  private final List<Pattern> compiled = new ArrayList<>();

  WeightPatterns(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    for (String pattern : this.patterns) {
      compiled.add(compile(pattern));
    }
  }

  List<String> patterns() {
    return patterns;
  }

  boolean isEmpty() {
    return patterns.isEmpty();
  }

  boolean matches(String name) {
    if (compiled.isEmpty()) {
      return true;
    }
    for (Pattern pattern : compiled) {
      if (pattern.matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code pattern} matches {@code name}. */
  static boolean matches(String pattern, String name) {
    return compile(pattern).matcher(name).matches();
  }

  private static Pattern compile(String pattern) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
