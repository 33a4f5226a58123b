package io.tensorspace.maven;

import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Locale;

/**
 * A whole number with its digits grouped as {@code String.format("%,d", n)} writes it in the
 * default format locale, without a {@code Formatter}: the first one costs a fresh JVM several ms,
 * while the locale's number symbols are loaded already (Maven's own date formats load them).
 */
final class GroupedDigits {
  private GroupedDigits() {
  }

  static String of(long number) {
    return of(number, Locale.getDefault(Locale.Category.FORMAT));
  }

  /** Like {@code %,d}: the locale's digits and separator, groups of its size, always '-'. */
  static String of(long number, Locale locale) {
    char zero = '0';
    char separator = ',';
    int size = 3;
    if (!locale.equals(Locale.US)) {
      DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(locale);
      zero = symbols.getZeroDigit();
      separator = symbols.getGroupingSeparator();
      size = groupSize(locale);
    }
    String digits = Long.toString(number);
    int first = number < 0 ? 1 : 0;
    StringBuilder out = new StringBuilder(digits.length() * 4 / 3 + 1).append(digits, 0, first);
    for (int i = first; i < digits.length(); i++) {
      int left = digits.length() - i;
      if (i > first && size > 0 && left % size == 0) {
        out.append(separator);
      }
      out.append((char) (zero + digits.charAt(i) - '0'));
    }
    return out.toString();
  }

  /** The locale's group size, 0 when it writes numbers ungrouped (en-US-POSIX). */
  private static int groupSize(Locale locale) {
    NumberFormat format = NumberFormat.getInstance(locale);
    if (!format.isGroupingUsed()) {
      return 0;
    }
    return format instanceof DecimalFormat decimal ? decimal.getGroupingSize() : 3;
  }
}
