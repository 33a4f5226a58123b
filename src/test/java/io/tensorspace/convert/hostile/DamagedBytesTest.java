package io.tensorspace.convert.hostile;

import static io.tensorspace.convert.hostile.Hostile.Kind.GRAPH;
import static io.tensorspace.convert.hostile.Hostile.Kind.LAYERS;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.tensorspace.convert.hostile.Hostile.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real corpus models cut short at many offsets and with bytes flipped in their headers and data.
 * Truncation must always be refused (except a protobuf cut exactly between two fields, which is a
 * smaller valid message); a flipped byte is refused or, where no format can notice it (inside a
 * float weight), converted — never an internal error, a hang or an OutOfMemoryError.
 */
class DamagedBytesTest {
  @TempDir Path temp;

  /** One model file of the corpus that the tests damage, with what else it needs. */
  private record Base(String caseId, String file, Kind kind, boolean protobuf) {
    @Override
    public String toString() {
      return caseId + "/" + file;
    }

    String tag() {
      return toString().replaceAll("[^A-Za-z0-9]", "_");
    }
  }

  private static final List<Base> BASES = List.of(
      new Base(Hostile.KERAS2, "lstm_functional_tf_keras_2.h5", LAYERS, false),
      new Base(Hostile.KERAS2_SEQ, "sepconv2d_tensorflow_2.h5", LAYERS, false),
      new Base(Hostile.KERAS1, "simple_rnn_tensorflow_1.h5", LAYERS, false),
      new Base(Hostile.TFKERAS, "misc_2.h5", LAYERS, false),
      new Base(Hostile.KERAS3, "model.keras", LAYERS, false),
      new Base(Hostile.TFJS, "model.json", LAYERS, false),
      new Base(Hostile.TFJS, "weights.bin", LAYERS, false),
      new Base(Hostile.FROZEN, "frozen_model.pb", GRAPH, true),
      new Base(Hostile.SAVED, "saved_model.pb", GRAPH, true));

  /** The file conversion starts from: the tfjs shard is reached through its model.json. */
  private static Path sourceOf(Base base, Path folder) {
    if (base.file().equals("weights.bin")) {
      return folder.resolve("model.json");
    }
    return folder.resolve(base.file());
  }

  private static List<Long> offsets(long size) {
    TreeSet<Long> offsets = new TreeSet<>(List.of(0L, 1L, 4L, 8L, 12L, 16L, 24L, 32L, 48L, 64L,
        96L, 128L, 256L, 512L, 1024L, 2048L, 4096L));
    for (int i = 1; i < 24; i++) {
      offsets.add(size * i / 24);
    }
    offsets.add(size - 1);
    offsets.removeIf(o -> o < 0 || o >= size);
    return List.copyOf(offsets);
  }

  @TestFactory
  List<DynamicTest> truncated() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Base base : BASES) {
      long size = Files.size(Hostile.corpus(base.caseId()).dir().resolve(base.file()));
      for (long offset : offsets(size)) {
        tests.add(dynamicTest(base + " cut at " + offset + " of " + size, () -> {
          Path folder = Hostile.copy(base.caseId(), temp.resolve(base.tag() + "-t" + offset));
          Path file = folder.resolve(base.file());
          byte[] bytes = Files.readAllBytes(file);
          Files.write(file, java.util.Arrays.copyOf(bytes, (int) offset));
          Path out = temp.resolve(base.tag() + "-out-" + offset);
          if (base.protobuf()) {
            Hostile.assertRefusedOrConverted(base.kind(), sourceOf(base, folder), null, out);
          } else {
            Hostile.assertRefused(base.kind(), sourceOf(base, folder), null, out, file);
          }
        }));
      }
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> truncatedWithPreviousOutput() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Base base : BASES) {
      tests.add(dynamicTest(base + " cut in half over a previous output", () -> {
        Path folder = Hostile.copy(base.caseId(), temp.resolve(base.tag() + "-p"));
        Path out = temp.resolve(base.tag() + "-out");
        Hostile.previousOutput(base.kind(), sourceOf(base, folder), null, out);
        Path file = folder.resolve(base.file());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        // the snapshot check inside proves the previous model is still there, byte for byte
        Hostile.assertRefusedOrConverted(base.kind(), sourceOf(base, folder), null, out);
      }));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> flippedBytes() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (Base base : BASES) {
      long size = Files.size(Hostile.corpus(base.caseId()).dir().resolve(base.file()));
      Random random = new Random(base.toString().hashCode());
      TreeSet<Integer> positions = new TreeSet<>();
      // every byte of the first 32 (signatures, superblocks, zip headers), then spread samples
      for (int i = 0; i < Math.min(32, size); i++) {
        positions.add(i);
      }
      for (int i = 0; i < 24; i++) {
        positions.add(random.nextInt((int) size));
      }
      for (int position : positions) {
        tests.add(dynamicTest(base + " byte " + position + " flipped", () -> {
          Path folder = Hostile.copy(base.caseId(), temp.resolve(base.tag() + "-f" + position));
          Path file = folder.resolve(base.file());
          byte[] bytes = Files.readAllBytes(file);
          bytes[position] ^= (byte) 0xff;
          Files.write(file, bytes);
          Hostile.assertRefusedOrConverted(
              base.kind(), sourceOf(base, folder), null, temp.resolve(base.tag() + "-out-" + position));
        }));
      }
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> signatureDamaged() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Base base : BASES) {
      if (base.file().equals("weights.bin") || base.protobuf()) {
        continue;
      }
      tests.add(dynamicTest(base + " with its first byte changed", () -> {
        Path folder = Hostile.copy(base.caseId(), temp.resolve(base.tag() + "-s"));
        Path file = folder.resolve(base.file());
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] = (byte) (bytes[0] == '{' ? '[' : bytes[0] + 1);
        Files.write(file, bytes);
        Hostile.assertRefused(base.kind(), file, temp.resolve(base.tag() + "-out"));
      }));
    }
    return tests;
  }
}
