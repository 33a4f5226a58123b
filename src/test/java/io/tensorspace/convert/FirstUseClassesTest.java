package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.FirstUseLists.Isolated;
import io.tensorspace.convert.FirstUseLists.Sample;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.OnnxCorpus;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** What a conversion loads in a fresh class loader, as in a fresh Maven JVM. */
class FirstUseClassesTest {
  /**
   * An ObjectMapper's ~300 classes were half of a small model's conversion time; jackson-core's
   * parser and generator machinery (~90 classes) another ~40 ms of a fresh Maven JVM.
   */
  private static final String[] NEVER_LOADED = {
      "com.fasterxml.jackson.databind.ObjectMapper",
      "com.fasterxml.jackson.databind.node.InternalNodeMapper",
      "com.fasterxml.jackson.core.JsonFactory",
      "com.fasterxml.jackson.core.JsonGenerator",
      "com.fasterxml.jackson.core.json.UTF8StreamJsonParser",
      "com.fasterxml.jackson.core.json.ReaderBasedJsonParser",
      "com.fasterxml.jackson.core.json.UTF8JsonGenerator",
      "com.fasterxml.jackson.core.json.WriterBasedJsonGenerator"};

  @TempDir Path work;

  /**
   * A {@code JsonNode.toString()} on a conversion path would bring the mapper back; a
   * {@code JsonFactory} the streaming parser and generator.
   */
  @TestFactory
  Stream<DynamicTest> noConversionOfAnyFormatLoadsAMapperOrJacksonsParser() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String format : ModelCorpus.formats()) {
      ModelCorpus.cases(format).stream()
          .filter(c -> !c.expectsError() && c.hasReference())
          .limit(3)
          .forEach(c -> tests.add(DynamicTest.dynamicTest(c.id(), () -> {
            Sample sample = Sample.of(c, work.resolve("in-" + c.id()));
            assertNoMapper(sample);
          })));
    }
    OnnxCorpus.cases().stream().limit(3).forEach(c -> tests.add(DynamicTest.dynamicTest(
        c.id(), () -> assertNoMapper(new Sample(c.id(), c.model(), null)))));
    assertTrue(tests.size() >= 20, "cases: " + tests.size());
    return tests.stream();
  }

  /**
   * A model read from JSON or HDF5 (a tfjs graph model too) loads no protobuf class: building
   * TensorFlow's generated messages and their descriptors was ~260 classes, half of the class
   * loading of a tfjs graph model's conversion. Only TensorFlow's protobuf files (SavedModel,
   * frozen or tfjs 0.x GraphDef) load them, and {@link FirstUse} guesses which models those are,
   * to initialize the generated classes early. (The format is told by what the conversion loads,
   * in its own loader: asking {@code ModelSources} here would fill this JVM's outline cache.)
   */
  @TestFactory
  Stream<DynamicTest> onlyTensorflowProtobufFilesLoadProtobufClasses() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String format : ModelCorpus.formats()) {
      ModelCorpus.cases(format).stream()
          .filter(c -> !c.expectsError() && c.hasReference())
          .limit(3)
          .forEach(c -> tests.add(DynamicTest.dynamicTest(c.id(), () -> {
            Sample sample = Sample.of(c, work.resolve("in-" + c.id()));
            List<String> loaded = sample.convertAlone(work.resolve("out-" + c.id()));
            boolean tensorflowProtos = loaded.stream()
                .anyMatch(n -> n.startsWith("org.tensorflow.proto."));
            assertEquals(tensorflowProtos, FirstUse.looksLikeProtobufGraph(sample.source()),
                c.id() + (tensorflowProtos ? " loaded TensorFlow's protobuf classes, e.g. "
                    + loaded.stream().filter(n -> n.startsWith("org.tensorflow.proto.")).findFirst()
                        .orElseThrow() : " loaded no TensorFlow protobuf class")
                    + ", but FirstUse guessed otherwise");
            if (!tensorflowProtos) {
              assertEquals(List.of(), loaded.stream()
                  .filter(n -> n.startsWith("com.google.protobuf."))
                  .limit(5).toList(), c.id() + " loaded protobuf classes");
            }
          })));
    }
    OnnxCorpus.cases().stream().limit(3).forEach(c -> tests.add(DynamicTest.dynamicTest(c.id(),
        () -> assertFalse(FirstUse.looksLikeProtobufGraph(c.model()), c.id()))));
    assertTrue(tests.size() >= 20, "cases: " + tests.size());
    return tests.stream();
  }

  /**
   * The lists {@link FirstUse} loads early still name the classes a conversion of each format
   * needs: rerun {@link FirstUseLists} when this fails after a change.
   */
  @TestFactory
  Stream<DynamicTest> firstUseListsCoverWhatEachFormatLoads() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<InputFormat, Sample> e : FirstUseLists.samples(work).entrySet()) {
      tests.add(DynamicTest.dynamicTest(e.getKey() + " (" + e.getValue().id() + ")", () -> {
        List<String> listed = listed(e.getKey());
        List<String> loaded = e.getValue().convertAlone(work.resolve("out-" + e.getKey()));
        Set<String> missing = new HashSet<>(loaded);
        listed.forEach(missing::remove);
        assertTrue(missing.size() <= loaded.size() / 10, e.getKey() + ": " + missing.size()
            + " of the " + loaded.size() + " classes loaded are not in first-use/"
            + e.getKey() + ".txt (run FirstUseLists), e.g. " + missing.stream().limit(5).toList());
        try (Isolated loader = new Isolated()) {
          for (String name : listed) {
            assertNotNull(loader.getResource(name.replace('.', '/') + ".class"),
                name + " in first-use/" + e.getKey() + ".txt is no class (run FirstUseLists)");
          }
        }
      }));
    }
    assertTrue(tests.size() >= InputFormat.values().length, "formats: " + tests.size());
    return tests.stream();
  }

  private void assertNoMapper(Sample sample) throws Exception {
    try (Isolated loader = new Isolated()) {
      Class.forName(FirstUseLists.Alone.class.getName(), true, loader)
          .getMethod("convert", String.class, String.class, String.class)
          .invoke(null, sample.source().toString(),
              sample.weights() == null ? null : sample.weights().toString(),
              work.resolve("out-" + sample.id()).toString());
      for (String name : NEVER_LOADED) {
        assertFalse(loader.loaded(name), sample.id() + " loaded " + name);
      }
    }
  }

  private static List<String> listed(InputFormat format) throws Exception {
    try (InputStream in = FirstUse.class.getResourceAsStream("first-use/" + format + ".txt")) {
      assertNotNull(in, "no first-use/" + format + ".txt (run FirstUseLists)");
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
          .toList();
    }
  }
}
