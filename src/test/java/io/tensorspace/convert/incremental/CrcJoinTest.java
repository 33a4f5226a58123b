package io.tensorspace.convert.incremental;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Joining two CRCs gives the CRC the JDK computes over both byte sequences, for both kinds. */
class CrcJoinTest {
  private static int crc(Supplier<Checksum> kind, byte[] bytes, int from, int to) {
    Checksum checksum = kind.get();
    checksum.update(bytes, from, to - from);
    return (int) checksum.getValue();
  }

  private static void joinsAtEverySplit(CrcJoin join, Supplier<Checksum> kind) {
    Random random = new Random(42);
    for (int length : new int[] {0, 1, 7, 64, 1000, 70_000, 1 << 20}) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      int whole = crc(kind, bytes, 0, length);
      for (int split : new int[] {0, length / 3, length / 2, length}) {
        int first = crc(kind, bytes, 0, split);
        int second = crc(kind, bytes, split, length);
        assertEquals(whole, join.join(first, second, length - split),
            "length " + length + ", split at " + split);
      }
    }
  }

  @Test
  void castagnoliJoinsLikeCrc32c() {
    joinsAtEverySplit(CrcJoin.CASTAGNOLI, CRC32C::new);
  }

  @Test
  void ieeeJoinsLikeCrc32() {
    joinsAtEverySplit(CrcJoin.IEEE, CRC32::new);
  }

  @Test
  void joiningManyPiecesInOrderGivesTheWhole() {
    Random random = new Random(7);
    byte[] bytes = new byte[300_000];
    random.nextBytes(bytes);
    int joined = 0;
    for (int at = 0; at < bytes.length; ) {
      int end = Math.min(bytes.length, at + 1 + random.nextInt(40_000));
      joined = CrcJoin.CASTAGNOLI.join(joined, crc(CRC32C::new, bytes, at, end), end - at);
      at = end;
    }
    assertEquals(crc(CRC32C::new, bytes, 0, bytes.length), joined);
  }
}
