package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The state record's properties text reads back as written, and as Properties writes it. */
class StateRecordTextTest {
  private static final String AWKWARD = " \t\n\r\f=:#!\\\u0000\u001f\u007f\u00e9\u20ac\ud83d\ude00aZ09/.- ";

  @Test
  void randomKeysAndValuesReadBackAndMatchPropertiesStore() throws IOException {
    Random random = new Random(20261203);
    for (int n = 0; n < 500; n++) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int k = random.nextInt(4); k >= 0; k--) {
        values.put(text(random), text(random));
      }
      String text = StateRecord.propertiesText(values);
      Properties read = new Properties();
      read.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
      assertEquals(values, Map.copyOf(read.entrySet().stream().collect(
          java.util.stream.Collectors.toMap(e -> (String) e.getKey(), e -> (String) e.getValue()))));
      if (values.size() == 1) {
        Properties one = new Properties();
        one.putAll(values);
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        one.store(stored, null);
        String withoutDate = stored.toString(StandardCharsets.ISO_8859_1).replaceFirst("^#.*\n", "");
        assertEquals(withoutDate, text);
      }
    }
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(12); i > 0; i--) {
      text.append(AWKWARD.charAt(random.nextInt(AWKWARD.length())));
    }
    return text.toString();
  }
}
