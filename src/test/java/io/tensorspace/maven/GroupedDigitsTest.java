package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** {@link GroupedDigits} against {@code String.format("%,d")}, which it stands in for. */
class GroupedDigitsTest {
  private static final List<Locale> NAMED = List.of(Locale.ENGLISH, Locale.US, Locale.GERMAN,
      Locale.FRENCH, Locale.forLanguageTag("hi-IN"), Locale.forLanguageTag("ar"),
      Locale.forLanguageTag("de-CH"), Locale.forLanguageTag("th-TH-u-nu-thai"),
      Locale.forLanguageTag("en-US-POSIX"));

  /** Each sign, 0, the extremes, every length of digits either side of a power of ten, random. */
  static List<Long> numbers() {
    List<Long> numbers = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE,
        Long.MAX_VALUE - 1, Long.MIN_VALUE + 1));
    for (long power = 1; power > 0 && power <= Long.MAX_VALUE / 10; power *= 10) {
      for (long number : new long[] {power - 1, power, power + 1, 10 * power - 1}) {
        numbers.add(number);
        numbers.add(-number);
      }
    }
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 200; i++) {
      numbers.add(random.nextLong() >> random.nextInt(64));
    }
    return numbers;
  }

  /** Runs {@code body} with {@code locale} as the default format locale, then restores it. */
  static <T> T inLocale(Locale locale, Callable<T> body) throws Exception {
    Locale before = Locale.getDefault(Locale.Category.FORMAT);
    Locale.setDefault(Locale.Category.FORMAT, locale);
    try {
      return body.call();
    } finally {
      Locale.setDefault(Locale.Category.FORMAT, before);
    }
  }

  @Test
  void groupsAsFormatDoesInNamedLocales() {
    for (Locale locale : NAMED) {
      for (long number : numbers()) {
        assertEquals(String.format(locale, "%,d", number), GroupedDigits.of(number, locale),
            locale.toLanguageTag() + " " + number);
      }
    }
  }

  @Test
  void groupsAsFormatDoesInEveryLocaleOfTheJvm() {
    for (Locale locale : Locale.getAvailableLocales()) {
      for (long number : new long[] {0, -7, 1234, -98_765_432_109L, Long.MIN_VALUE}) {
        assertEquals(String.format(locale, "%,d", number), GroupedDigits.of(number, locale),
            locale.toLanguageTag() + " " + number);
      }
    }
  }

  @Test
  void usesTheDefaultFormatLocale() throws Exception {
    for (Locale locale : NAMED) {
      for (long number : numbers()) {
        assertEquals(String.format(locale, "%,d", number),
            inLocale(locale, () -> GroupedDigits.of(number)), locale.toLanguageTag());
      }
    }
    assertEquals("1.234.567", inLocale(Locale.GERMAN, () -> GroupedDigits.of(1_234_567)));
    assertEquals("1,234,567", inLocale(Locale.ENGLISH, () -> GroupedDigits.of(1_234_567)));
  }
}
