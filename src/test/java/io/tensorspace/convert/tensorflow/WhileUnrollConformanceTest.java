package io.tensorspace.convert.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorflow.RnnSavedModels.Cell;
import io.tensorspace.convert.tensorflow.RnnSavedModels.Spec;
import io.tensorspace.testing.TfjsClient;
import io.tensorspace.testing.TfjsJob;
import io.tensorspace.testing.TfjsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * TF2 RNN SavedModels (a {@code While} over TensorLists, as tf.keras lowers LSTM, GRU and
 * SimpleRNN layers), written and run by TF Java, converted and run in real TensorFlow.js 1.7.4 and
 * 4.22.0 with {@code execute()}: the model's output and the hidden state of every unrolled step
 * ({@code .../while/step_<k>/<h>}, compared with time step k of the sequence TF Java returns)
 * must match. A loop whose number of steps the signature leaves open must be refused, saying that
 * a fixed-length signature makes it convertible.
 */
class WhileUnrollConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  /** A converted model: a SavedModel, or ({@code #frozen}) the same graph as a frozen GraphDef. */
  private record Member(String id, Spec spec, Path output, List<String> nodes,
      List<String> references) {
    boolean frozen() {
      return id.endsWith(FROZEN);
    }
  }

  private static final String FROZEN = "#frozen";

  private static final List<Member> MEMBERS = new ArrayList<>();
  private static final Map<String, TfjsResult> RESULTS = new LinkedHashMap<>();
  /** The default selection of each member, by id. */
  private static final Map<String, List<String>> DEFAULTS = new LinkedHashMap<>();

  /** The static-length members: every cell, with units, steps, features and endings varied. */
  static List<Spec> specs() {
    List<Spec> specs = new ArrayList<>();
    long seed = 1;
    for (Cell cell : Cell.values()) {
      specs.add(new Spec(cell, 4, 5, 3, true, false, false, false, false, false, false, false, seed++));
      specs.add(new Spec(cell, 8, 12, 6, false, true, true, false, false, false, false, false, seed++));
      specs.add(new Spec(cell, 3, 1, 2, false, false, false, true, false, false, false, false, seed++));
      specs.add(new Spec(cell, 16, 28, 28, true, false, false, true, false, false, false, false, seed++));
      specs.add(new Spec(cell, 5, 7, 4, true, false, true, false, false, false, false, false, seed++));
      specs.add(new Spec(cell, 6, 9, 5, false, false, true, false, false, true, false, false, seed++));
      specs.add(new Spec(cell, 7, 10, 3, false, true, false, true, false, true, false, false, seed++));
      specs.add(new Spec(cell, 6, 8, 4, true, false, false, false, false, false, true, false, seed++));
      specs.add(new Spec(cell, 5, 6, 3, true, false, false, false, false, false, false, true, seed++));
      specs.add(new Spec(cell, 4, 9, 2, false, true, true, true, false, true, false, true, seed++));
    }
    return specs;
  }

  /** The node holding the new hidden state in each cell's step (the value written to the list). */
  private static String hiddenNode(Cell cell) {
    return switch (cell) {
      case SIMPLE_RNN -> "Tanh";
      case LSTM -> "mul_2";
      case GRU -> "add_3";
    };
  }

  @BeforeAll
  static void generateConvertAndRun() throws Exception {
    List<TfjsJob> jobs = new ArrayList<>();
    for (Spec spec : specs()) {
      MEMBERS.addAll(generateAndConvert(spec));
    }
    for (Member member : MEMBERS) {
      for (String v : TfjsJob.VERSIONS) {
        jobs.add(new TfjsJob(member.id() + "@" + v, v, member.output(), "model.json",
            TfjsJob.GRAPH, member.output().resolve("reference.json"), member.nodes(),
            member.references()));
      }
    }
    for (TfjsResult r : TfjsClient.check(jobs)) {
      RESULTS.put(r.id(), r);
      System.out.println("[while-unroll] " + r.id() + " ok=" + r.ok() + " outputs="
          + r.outputs().size() + " maxAbsDiff=" + r.maxAbsDiff()
          + (r.ok() ? "" : " " + r.describe()));
    }
  }

  /** The SavedModel's member, and the frozen GraphDef's for a sequence without variables. */
  private static List<Member> generateAndConvert(Spec spec) throws Exception {
    Path model = tmp.resolve("models").resolve(spec.id());
    RnnSavedModels.write(spec, model);
    float[] input = RnnSavedModels.input(spec);
    float[] output = RnnSavedModels.run(model, spec, input);

    Map<String, Map.Entry<List<Integer>, float[]>> reference = new LinkedHashMap<>();
    reference.put(RnnSavedModels.OUTPUT, Map.entry(RnnSavedModels.outputShape(spec), output));
    List<String> steps = new ArrayList<>();
    if (spec.returnSequences()) {
      String loop = "sequential/" + spec.cell().name().toLowerCase()
          + (spec.stacked() ? "_1" : "") + "/while";
      for (int k = 0; k < spec.steps(); k++) {
        float[] h = Arrays.copyOfRange(output, k * spec.units(), (k + 1) * spec.units());
        reference.put("step_" + k, Map.entry(List.of(1, spec.units()), h));
        steps.add(loop + "/step_" + k + "/" + hiddenNode(spec.cell()));
      }
    }
    Path out = tmp.resolve("converted").resolve(spec.id());
    List<String> nodes = new ArrayList<>();
    nodes.add(outputNode(model, out));
    nodes.addAll(steps);
    new GraphConverter().convert(new ConversionRequest(model, null, out, nodes, List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    RnnSavedModels.writeReference(out.resolve("reference.json"), spec, input, reference);
    List<String> names = new ArrayList<>(reference.keySet());
    List<Member> members = new ArrayList<>();
    members.add(new Member(spec.id(), spec, out, nodes, names));
    if (spec.returnSequences() && !spec.variables()) {
      // without signature nothing is inlined unprefixed: the wrapper call's name stays in front
      Path frozenOut = tmp.resolve("converted").resolve(spec.id() + "-frozen");
      List<String> frozenNodes = nodes.stream().map(n -> "StatefulPartitionedCall/" + n).toList();
      new GraphConverter().convert(new ConversionRequest(RnnSavedModels.frozen(model), null,
          frozenOut, frozenNodes, List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
      RnnSavedModels.writeReference(frozenOut.resolve("reference.json"), spec, input, reference);
      members.add(new Member(spec.id() + FROZEN, spec, frozenOut, frozenNodes, names));
    }
    return members;
  }

  /** The node the converted signature names for the model's output. */
  private static String outputNode(Path model, Path out) throws Exception {
    Path probe = out.resolveSibling(out.getFileName() + "-default");
    new GraphConverter().convert(new ConversionRequest(model, null, probe, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    JsonNode json = JSON.readTree(probe.resolve("model.json").toFile());
    List<String> defaults = new ArrayList<>();
    json.path("userDefinedMetadata").path("outputNodes").forEach(n -> defaults.add(n.asText()));
    DEFAULTS.put(model.getFileName().toString(), defaults);
    System.out.println("[while-unroll] default selection " + model.getFileName() + " " + defaults);
    String tensor = json.path("signature").path("outputs").path(RnnSavedModels.OUTPUT).path("name")
        .asText();
    return Tensors.node(tensor);
  }

  @TestFactory
  Stream<DynamicTest> everyMemberMatchesTfJavaInBothTfjsVersions() {
    assertEquals(30 + 12, MEMBERS.size());
    return MEMBERS.stream().map(m -> DynamicTest.dynamicTest(m.id(), () -> {
      for (String v : TfjsJob.VERSIONS) {
        TfjsResult r = RESULTS.get(m.id() + "@" + v);
        assertNotNull(r, "no tfjs result for " + m.id() + "@" + v);
        r.assertOk();
        assertEquals(m.nodes().size(), r.outputs().size(), r.describe());
      }
    }));
  }

  @TestFactory
  Stream<DynamicTest> unrolledModelsHoldNoLoopOrListOp() {
    return MEMBERS.stream().map(m -> DynamicTest.dynamicTest(m.id(), () -> {
      JsonNode nodes = JSON.readTree(m.output().resolve("model.json").toFile())
          .path("modelTopology").path("node");
      int steps = 0;
      for (JsonNode node : nodes) {
        String op = node.path("op").asText();
        assertTrue(NodeSelection.runs(op), node.path("name").asText() + " has op " + op);
        if (node.path("name").asText().matches(".*/while/step_\\d+/.*")) {
          steps++;
        }
      }
      assertTrue(steps >= m.spec().steps(), "one body copy per step: " + steps);
    }));
  }

  /**
   * With a Dense layer after it, the default selection is one node per layer: the RNN's output
   * after the loop (not a step's last op, whose many MatMuls must not outvote the Dense layer's
   * scope depth) and the Dense layer's Softmax.
   */
  @TestFactory
  Stream<DynamicTest> defaultSelectionIsOneNodePerLayer() {
    return MEMBERS.stream().filter(m -> m.spec().dense() && !m.frozen()).map(m -> DynamicTest.dynamicTest(
        m.spec().id(), () -> {
          List<String> defaults = DEFAULTS.get(m.spec().id());
          String rnn = "sequential/" + m.spec().cell().name().toLowerCase();
          List<String> layers = m.spec().stacked() ? List.of(rnn + "/", rnn + "_1/") : List.of(rnn + "/");
          assertEquals(layers.size() + 1, defaults.size(), defaults.toString());
          for (int i = 0; i < layers.size(); i++) {
            assertTrue(defaults.get(i).startsWith(layers.get(i))
                && !defaults.get(i).contains("/while/"), defaults.toString());
          }
          assertTrue(defaults.get(layers.size()).endsWith("/dense/Softmax"), defaults.toString());
        }));
  }

  /**
   * A variable the loop body reads in every step is written once, not once per step: the other
   * steps' reads are Identity ops of the first.
   */
  @TestFactory
  Stream<DynamicTest> variablesReadInTheLoopAreWrittenOnce() {
    return MEMBERS.stream().filter(m -> m.spec().variables() && !m.frozen()).map(m -> DynamicTest.dynamicTest(
        m.spec().id(), () -> {
          JsonNode json = JSON.readTree(m.output().resolve("model.json").toFile());
          List<String> reads = new ArrayList<>();
          for (JsonNode group : json.path("weightsManifest")) {
            for (JsonNode w : group.path("weights")) {
              if (w.path("name").asText().contains("ReadVariableOp")) {
                reads.add(w.path("name").asText());
              }
            }
          }
          assertEquals(3, reads.size(), reads.toString());
        }));
  }

  /**
   * A 1000-step loop converts in seconds: inlining, list lowering and clean-up each take one pass
   * over the graph, not one per step (which took minutes).
   */
  @Test
  void aThousandStepLoopConvertsInSeconds() throws Exception {
    Spec spec = new Spec(Cell.LSTM, 8, 1000, 4, true, false, false, false, false, false, false,
        false, 7);
    Path model = tmp.resolve("long").resolve(spec.id());
    RnnSavedModels.write(spec, model);
    Path out = tmp.resolve("long-out");
    long start = System.nanoTime();
    new GraphConverter().convert(new ConversionRequest(model, null, out,
        List.of("sequential/lstm/while/step_999/mul_2"), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("[while-unroll] 1000 steps converted in %.1f s%n", seconds);
    assertTrue(seconds < 60, seconds + " s");
  }

  /** Members whose signature leaves the number of time steps open. */
  @TestFactory
  Stream<DynamicTest> dynamicLengthLoopsAreRefusedWithTheFix() {
    return Stream.of(Cell.values()).map(cell -> DynamicTest.dynamicTest(cell.name(), () -> {
      Spec spec = new Spec(cell, 4, 6, 3, true, false, false, false, true, false, false, false,
          99);
      Path model = tmp.resolve("dynamic").resolve(spec.id());
      RnnSavedModels.write(spec, model);
      // TF Java runs it: the model is fine, only its length is open
      assertEquals(6 * 4, RnnSavedModels.run(model, spec, RnnSavedModels.input(spec)).length);
      ConversionException e = assertThrows(ConversionException.class,
          () -> new GraphConverter().convert(new ConversionRequest(model, null,
              tmp.resolve("dynamic-out").resolve(spec.id()), List.of(), List.of(),
              ConversionRequest.DEFAULT_SHARD_SIZE)));
      String message = e.getMessage();
      for (String word : List.of("executeAsync", "was not unrolled", "fixes the number of time steps",
          "sequential/" + cell.name().toLowerCase() + "/while")) {
        assertTrue(message.contains(word), "'" + word + "' in: " + message);
      }
      System.out.println("[while-unroll] " + spec.id() + " refused: " + message);
    }));
  }
}
