package io.tensorspace.convert.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.CopiedRegions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards hold the stream's bytes in order, however written bytes and copied file regions mix. */
class ShardedOutputStreamTest {
  @TempDir Path dir;

  @Test
  void writtenBytesAndCopiedRegionsLandInOrderAcrossShards() throws IOException {
    byte[] file = new byte[3_000_000];
    new Random(7).nextBytes(file);
    Path source = Files.write(dir.resolve("source.bin"), file);
    Path out = Files.createDirectory(dir.resolve("out"));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    long shardSize = 100_003; // odd, so pieces straddle shard ends
    long total = 7 + 1_000_000 + 300_000 + 1_500_001 + 5;
    List<long[]> copied = Collections.synchronizedList(new ArrayList<>());
    List<Path> copiedFrom = Collections.synchronizedList(new ArrayList<>());
    // the listener runs on copying threads: it only collects; the test thread asserts
    try (RegionTransfers transfers = new RegionTransfers((from, position, count, crc32c, crc32) -> {
          copiedFrom.add(from);
          copied.add(new long[] {position, count, crc32c, crc32});
        });
        ShardedOutputStream shards = new ShardedOutputStream(out, 1, total, shardSize, transfers)) {
      byte[] head = {1, 2, 3, 4, 5, 6, 7};
      shards.write(head, 0, head.length);
      expected.write(head, 0, head.length);
      shards.transferFrom(source, 11, 1_000_000);
      expected.write(file, 11, 1_000_000);
      shards.write(file, 2_000_000, 300_000);
      expected.write(file, 2_000_000, 300_000);
      shards.transferFrom(source, 1_400_000, 1_500_001);
      expected.write(file, 1_400_000, 1_500_001);
      byte[] tail = {9, 8, 7, 6, 5};
      shards.write(tail, 0, tail.length);
      expected.write(tail, 0, tail.length);
      assertEquals(total, shards.written());
    }
    List<String> names = ShardedOutputStream.names(1, total, shardSize);
    ByteArrayOutputStream actual = new ByteArrayOutputStream();
    for (int i = 0; i < names.size(); i++) {
      byte[] shard = Files.readAllBytes(out.resolve(names.get(i)));
      if (i < names.size() - 1) {
        assertEquals(shardSize, shard.length, names.get(i));
      }
      actual.write(shard);
    }
    assertArrayEquals(expected.toByteArray(), actual.toByteArray());
    // every copied piece is reported with the checksums of exactly its bytes
    assertEquals(List.of(source), copiedFrom.stream().distinct().toList());
    long reported = 0;
    for (long[] region : copied) {
      CRC32C castagnoli = new CRC32C();
      castagnoli.update(file, (int) region[0], (int) region[1]);
      CRC32 ieee = new CRC32();
      ieee.update(file, (int) region[0], (int) region[1]);
      assertEquals((int) castagnoli.getValue(), (int) region[2]);
      assertEquals((int) ieee.getValue(), (int) region[3]);
      reported += region[1];
    }
    assertEquals(1_000_000 + 1_500_001, reported);
  }

  @Test
  void aRegionPastTheEndOfItsFileFailsWhenTheCopiesFinish() throws IOException {
    Path source = Files.write(dir.resolve("short.bin"), new byte[1000]);
    Path out = Files.createDirectory(dir.resolve("out"));
    IOException e = assertThrows(IOException.class, () -> {
      try (RegionTransfers transfers = new RegionTransfers(CopiedRegions.NONE);
          ShardedOutputStream shards = new ShardedOutputStream(out, 1, 2000, 4096, transfers)) {
        shards.transferFrom(source, 500, 2000);
      }
    });
    assertTrue(e.getMessage().contains("short.bin"), e.getMessage());
  }

  @Test
  void anErrorOnACopyThreadFailsTheWrite() throws IOException {
    Path source = Files.write(dir.resolve("source.bin"), new byte[1000]);
    Path out = Files.createDirectory(dir.resolve("out"));
    IOException e = assertThrows(IOException.class, () -> {
      try (RegionTransfers transfers = new RegionTransfers((from, position, count, a, b) -> {
            throw new StackOverflowError("from a listener");
          });
          ShardedOutputStream shards = new ShardedOutputStream(out, 1, 1000, 4096, transfers)) {
        shards.transferFrom(source, 0, 1000);
      }
    });
    assertTrue(e.getCause() instanceof StackOverflowError, String.valueOf(e.getCause()));
  }
}
