package io.tensorspace.convert.hostile;

import static io.tensorspace.convert.hostile.Hostile.Kind.GRAPH;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.testing.LevelDbTables;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SavedModel's checkpoint index re-encoded with Snappy-compressed blocks (as TensorFlow 1.x
 * wrote it), then damaged: bytes flipped inside compressed blocks (the checksum catches them),
 * streams broken behind a valid checksum (truncated, extended, bytes flipped), and blocks whose
 * Snappy header declares far more than the block can expand to (refused before allocating).
 */
class CompressedIndexTest {
  /** Enough Adam slots next to the weights that its index blocks compress. */
  private static final String BASE = "savedmodel/tsc-test-tf1-lenet-saved";
  private static final int BLOCK_SIZE = 160;

  @TempDir Path temp;
  private int members;

  /** A copy of {@link #BASE} whose index is re-encoded, Snappy blocks passed through tamper. */
  private Path model(UnaryOperator<byte[]> tamper, LevelDbTables.Table[] table) throws IOException {
    Path folder = Hostile.copy(BASE, temp.resolve("m" + members++));
    Path index = folder.resolve("variables/variables.index");
    table[0] = LevelDbTables.write(LevelDbTables.read(Files.readAllBytes(index)), BLOCK_SIZE,
        tamper);
    Files.write(index, table[0].bytes());
    return folder;
  }

  private Path out() {
    return temp.resolve("out" + members);
  }

  @Test
  void theUndamagedCompressedIndexConverts() throws IOException {
    LevelDbTables.Table[] table = new LevelDbTables.Table[1];
    Path folder = model(UnaryOperator.identity(), table);
    assertTrue(table[0].compressedBlocks() >= 3, "compressed blocks: " + table[0].compressedBlocks());
    Hostile.assertRefusedOrConverted(GRAPH, folder, null, out());
    assertTrue(Files.isRegularFile(out().resolve("model.json")), "converted");
  }

  @Test
  void aByteFlippedInACompressedBlockFailsItsChecksum() throws IOException {
    LevelDbTables.Table[] table = new LevelDbTables.Table[1];
    Path clean = model(UnaryOperator.identity(), table);
    byte[] bytes = Files.readAllBytes(clean.resolve("variables/variables.index"));
    int refused = 0;
    for (int[] block : table[0].compressed()) {
      for (int at : new int[] {0, 1, block[1] / 3, block[1] / 2, block[1] - 1}) {
        Path folder = Hostile.copy(BASE, temp.resolve("flip" + members++));
        byte[] damaged = bytes.clone();
        damaged[block[0] + at] ^= 0x5a;
        Files.write(folder.resolve("variables/variables.index"), damaged);
        ConversionException e = Hostile.assertRefused(GRAPH, folder, null, out(),
            folder.resolve("variables/variables.index"));
        assertTrue(e.getMessage().contains("fails its checksum"), e.getMessage());
        refused++;
      }
    }
    assertTrue(refused >= 15, "members: " + refused);
  }

  @Test
  void aBrokenSnappyStreamBehindAValidChecksumIsRefusedOrHarmless() throws IOException {
    List<UnaryOperator<byte[]>> damages = List.of(
        b -> Arrays.copyOf(b, b.length - 1),
        b -> Arrays.copyOf(b, b.length / 2),
        b -> Arrays.copyOf(b, 1),
        b -> Arrays.copyOf(b, b.length + 7),
        b -> flip(b, 1), b -> flip(b, 2), b -> flip(b, b.length / 2), b -> flip(b, b.length - 1),
        b -> flip(b, b.length - 2), b -> flip(b, b.length / 3));
    int refused = 0;
    for (UnaryOperator<byte[]> damage : damages) {
      Path folder = model(damage, new LevelDbTables.Table[1]);
      // a flipped literal byte can decompress to another valid key or value: converted (or
      // refused later) is then fine, anything but a clear refusal or a conversion is not
      Hostile.assertRefusedOrConverted(GRAPH, folder, null, out());
      if (!Files.exists(out().resolve("model.json"))) {
        refused++;
      }
    }
    assertTrue(refused >= 4, "truncated and extended streams are refused: " + refused);
  }

  @Test
  void aSnappyHeaderDeclaringMoreThanSnappyCanExpandIsRefusedBeforeAllocating()
      throws IOException {
    List<UnaryOperator<byte[]>> bombs = List.of(
        b -> withDeclaredLength(b, 23L * b.length),
        b -> withDeclaredLength(b, 1L << 28),
        b -> withDeclaredLength(b, Integer.MAX_VALUE),
        b -> withDeclaredLength(b, 1L << 40),
        b -> withDeclaredLength(b, -1L));
    for (UnaryOperator<byte[]> bomb : bombs) {
      Path folder = model(bomb, new LevelDbTables.Table[1]);
      ConversionException e = Hostile.assertRefused(GRAPH, folder, null, out(),
          folder.resolve("variables/variables.index"));
      assertTrue(e.getMessage().contains("decompression bomb"), e.getMessage());
    }
  }

  @Test
  void aSnappyHeaderThatLiesWithinTheBoundIsRefused() throws IOException {
    for (int extra : new int[] {1, 2, 100}) {
      Path folder = model(b -> withDeclaredLength(b, length(b) + extra), new LevelDbTables.Table[1]);
      ConversionException e = Hostile.assertRefused(GRAPH, folder, null, out(),
          folder.resolve("variables/variables.index"));
      assertTrue(e.getMessage().contains("Snappy block"), e.getMessage());
    }
  }

  private static byte[] flip(byte[] b, int at) {
    byte[] copy = b.clone();
    copy[at] ^= 0x21;
    return copy;
  }

  /** The uncompressed length a Snappy stream declares (its leading varint). */
  private static long length(byte[] stream) {
    long v = 0;
    for (int i = 0, shift = 0; ; i++, shift += 7) {
      v |= (long) (stream[i] & 0x7f) << shift;
      if ((stream[i] & 0x80) == 0) {
        return v;
      }
    }
  }

  /** The stream with its leading varint replaced by {@code size} (unsigned). */
  private static byte[] withDeclaredLength(byte[] stream, long size) {
    int header = 0;
    while ((stream[header] & 0x80) != 0) {
      header++;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long v = size;
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    out.write(stream, header + 1, stream.length - header - 1);
    return out.toByteArray();
  }
}
