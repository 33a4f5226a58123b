package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.InputFormat;
import io.tensorspace.convert.ModelSources;
import io.tensorspace.testing.ModelCorpus;
import io.tensorspace.testing.OnnxCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged ONNX file (cut short, or a byte changed: in its IR version field, its header, its
 * graph) is found as ONNX or refused as a damaged ONNX model (file, what is wrong, what to do),
 * never handed to a TensorFlow reader, which reported it as no GraphDef or SavedModel.
 */
class DamagedOnnxDetectionTest {
  private static final int GRAPH_TAG = 0x3a;

  @Test
  void damagedOnnxFilesAreNeverTakenForTensorFlowModels(@TempDir Path temp) throws IOException {
    Map<String, Integer> outcomes = new TreeMap<>();
    Random random = new Random(4);
    int members = 0;
    for (OnnxCorpus.Case c : OnnxCorpus.cases()) {
      byte[] bytes = Files.readAllBytes(c.model());
      int graph = graphTag(bytes);
      Path file = temp.resolve(c.model().getFileName());
      for (byte[] damaged : members(bytes, graph, random)) {
        Files.write(file, damaged);
        outcomes.merge(outcome(c.id(), file, damaged), 1, Integer::sum);
        members++;
      }
    }
    System.out.println("[damaged-onnx] " + members + " members: " + outcomes);
    assertTrue(members >= 3000, "members: " + members);
    assertTrue(outcomes.getOrDefault("refused as a damaged ONNX model", 0) >= 1000,
        outcomes.toString());
  }

  @Test
  void theIrVersionFieldBrokenIsNamed(@TempDir Path temp) throws IOException {
    Path file = temp.resolve("model.onnx");
    byte[] bytes = Files.readAllBytes(OnnxCorpus.byId("pt03-linear").model());
    bytes[0] = 0x0a; // the IR version's tag as a length-delimited field: read once as a GraphDef
    Files.write(file, bytes);
    assertEquals(file + " starts like an ONNX model but is damaged: it does not start with the IR"
        + " version field (byte 0x08). Download or export the model again (a transfer may have"
        + " cut or altered it).", refusal(file));
    bytes[0] = 0x08;
    bytes[1] = (byte) 0xc8; // IR version 200 + continuation: the varint swallows the next byte
    Files.write(file, bytes);
    assertTrue(refusal(file).contains(" starts like an ONNX model but is damaged: its IR version"
        + " reads as "), refusal(file));
  }

  /** No file of the TensorFlow / Keras / tfjs corpus starts like a damaged ONNX model. */
  @Test
  void noOtherModelFileStartsLikeOnnx() throws IOException {
    int files = 0;
    try (Stream<Path> walk = Files.walk(ModelCorpus.root())) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        assertNull(OnnxDetection.damage(file), file.toString());
        files++;
      }
    }
    assertTrue(files > 400, "corpus files: " + files);
  }

  /**
   * Truncations that keep the header up to the graph's tag, single-bit changes of the IR version
   * field's two bytes, random bytes in the header and anywhere else but the graph's tag.
   */
  private static List<byte[]> members(byte[] bytes, int graph, Random random) {
    List<byte[]> members = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      members.add(Arrays.copyOf(bytes, graph + 2 + random.nextInt(bytes.length - graph - 2)));
    }
    for (int at = 0; at < 2; at++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = bytes.clone();
        flipped[at] ^= (byte) (1 << bit);
        members.add(flipped);
      }
    }
    for (int i = 0; i < 60; i++) {
      int at = i < 20 ? random.nextInt(Math.min(bytes.length, 64)) : random.nextInt(bytes.length);
      if (at != graph) {
        byte[] changed = bytes.clone();
        changed[at] = (byte) random.nextInt(256);
        members.add(changed);
      }
    }
    return members;
  }

  /** Where the ModelProto's graph field starts: after the header, which no change may hide. */
  private static int graphTag(byte[] bytes) {
    for (int at = 2; at < bytes.length; at++) {
      if (bytes[at] == GRAPH_TAG) {
        return at;
      }
    }
    throw new AssertionError("no graph tag");
  }

  /** Found as ONNX, or refused naming ONNX; a TensorFlow format or other refusal fails. */
  private static String outcome(String id, Path file, byte[] damaged) {
    String where = id + " damaged (" + damaged.length + " bytes, starting "
        + java.util.HexFormat.of().formatHex(damaged, 0, Math.min(24, damaged.length)) + ")";
    try {
      InputFormat format = ModelSources.locate(file, null).format();
      assertEquals(InputFormat.ONNX, format, where);
      return "found as ONNX (its reader reports the damage)";
    } catch (ConversionException e) {
      String message = e.getMessage();
      if (message.contains("TensorFlow") || !message.contains("ONNX")) {
        fail(where + ": " + message, e);
      }
      assertTrue(message.startsWith(file + " starts like an ONNX model but is damaged: ")
          && message.endsWith(". Download or export the model again (a transfer may have cut or"
          + " altered it)."), where + ": " + message);
      return "refused as a damaged ONNX model";
    }
  }

  private static String refusal(Path file) {
    try {
      ModelSources.locate(file, null);
      throw new AssertionError(file + " was not refused");
    } catch (ConversionException e) {
      return e.getMessage();
    }
  }
}
