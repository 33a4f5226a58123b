package io.tensorspace.convert.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** {@code groupId:artifactId:version[:type[:classifier]]} as the POM and command line give it. */
class CoordinatesTest {
  @Test
  void threeFourAndFiveParts() {
    Coordinates three = Coordinates.parse("com.acme.models:lenet:1.2.0");
    assertEquals(new Coordinates("com.acme.models", "lenet", "1.2.0", "jar", null), three);
    assertEquals("com.acme.models:lenet:1.2.0:jar", three.toString());
    Coordinates four = Coordinates.parse(" com.acme.models:lenet:1.2.0:h5 ");
    assertEquals("h5", four.type());
    assertNull(four.classifier());
    Coordinates five = Coordinates.parse("com.acme.models:lenet:1.2.0-SNAPSHOT:tar.gz:tfjs");
    assertEquals("tar.gz", five.type());
    assertEquals("tfjs", five.classifier());
    assertTrue(five.isSnapshot());
    assertFalse(four.isSnapshot());
    assertEquals(five, Coordinates.parse(five.toString()));
  }

  /** Every part empty, or with a character that is no Maven coordinate (and could make a path). */
  @TestFactory
  List<DynamicTest> malformedCoordinatesSayWhatIsWrong() {
    String[] parts = {"com.acme", "lenet", "1.0", "zip", "tfjs"};
    String[] names = {"groupId", "artifactId", "version", "type", "classifier"};
    List<String> bad = List.of("", "a/b", "..", "a..b", "a b", "[1.0,2.0)", "a\\b", "${x}", "-x",
        "é", "a\u0000");
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < parts.length; i++) {
      for (String value : bad) {
        String[] written = parts.clone();
        written[i] = value;
        String text = String.join(":", written);
        String name = names[i];
        tests.add(dynamicTest(name + " '" + value + "'", () -> {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
              () -> Coordinates.parse(text));
          assertTrue(e.getMessage().contains("its " + name + " '" + value + "'"), e.getMessage());
          assertTrue(e.getMessage().contains(Coordinates.FORM), e.getMessage());
        }));
      }
    }
    for (String text : List.of("", "  ", "lenet", "com.acme:lenet", "a:b:c:d:e:f",
        "com.acme.models:lenet:1.0:zip:tfjs:extra", "https://repo/lenet.h5")) {
      tests.add(dynamicTest("'" + text + "'", () -> {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Coordinates.parse(text));
        assertTrue(e.getMessage().contains("is not artifact coordinates"), e.getMessage());
        assertTrue(e.getMessage().contains("e.g. com.acme.models:lenet:1.2.0:h5"), e.getMessage());
      }));
    }
    return tests;
  }
}
