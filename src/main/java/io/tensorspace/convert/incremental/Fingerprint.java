package io.tensorspace.convert.incremental;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * What the up-to-date check compares. The cheap parts (file stamps, settings, a state file's key)
 * are plain text, so a no-op build computes no checksum; contents are checksummed only to record a
 * conversion and when a file's stamp changed.
 */
final class Fingerprint {
  /** A class, not a lambda: each lambda costs a fresh JVM a bootstrap on the first conversion. */
  private static final Comparator<CopiedRegion> BY_POSITION = new Comparator<>() {
    @Override
    public int compare(CopiedRegion a, CopiedRegion b) {
      return Long.compare(a.position(), b.position());
    }
  };
  private Fingerprint() {}

  /** Cheap: names and {@link FileStamp}s only. */
  static String stamp(List<Path> files) throws IOException {
    StringBuilder stamp = new StringBuilder();
    for (Path file : files) {
      stamp.append(file).append('\t').append(FileStamp.of(file).text()).append('\n');
    }
    return stamp.toString();
  }

  /**
   * A value as text, records component by component. Reflection rather than the records' own
   * toString, whose first call costs ~50 ms of bootstrapping; every component is still included,
   * so a setting added later cannot be forgotten here.
   */
  static String describe(Object value) {
    if (value instanceof Collection<?> values) {
      List<String> items = new ArrayList<>();
      for (Object item : values) {
        items.add(describe(item));
      }
      if (value instanceof Set) {
        Collections.sort(items); // Set.of iterates in a different order every run
      }
      return items.toString();
    }
    if (value instanceof Map<?, ?> map) {
      List<String> entries = new ArrayList<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        entries.add(describe(entry.getKey()) + "=" + describe(entry.getValue()));
      }
      Collections.sort(entries);
      return entries.toString();
    }
    if (value == null || !value.getClass().isRecord()) {
      return String.valueOf(value);
    }
    StringBuilder text = new StringBuilder(value.getClass().getSimpleName()).append('[');
    RecordComponent[] components = value.getClass().getRecordComponents();
    for (int i = 0; i < components.length; i++) {
      Object component;
      try {
        component = components[i].getAccessor().invoke(value);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read " + components[i], e);
      }
      text.append(i == 0 ? "" : ", ").append(components[i].getName()).append('=')
          .append(describe(component));
    }
    return text.append(']').toString();
  }

  /** A short, stable name for a text (64-bit FNV-1a); collisions only cost a conversion. */
  static String key(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return HexFormat.of().toHexDigits(hash);
  }

  /**
   * Full: names, sizes and every byte, as CRC-32C and CRC-32 together (64 bits, like the XX hash
   * of Maven's build cache). This detects accidental change, which is all an up-to-date check
   * needs, at about 5 times the speed of SHA-256.
   */
  static String content(List<Path> files) throws IOException {
    return content(files, List.of());
  }

  /**
   * The same checksum, without reading again the regions a conversion copied and checksummed:
   * their checksums are joined in file order with those of the bytes between them, which are read.
   * A region that overlaps one before it or ends past the file is read instead.
   */
  static String content(List<Path> files, Collection<CopiedRegion> copied) throws IOException {
    Map<Path, List<CopiedRegion>> byFile = new HashMap<>();
    for (CopiedRegion region : copied) {
      List<CopiedRegion> regions = byFile.get(region.file());
      if (regions == null) {
        regions = new ArrayList<>();
        byFile.put(region.file(), regions);
      }
      regions.add(region);
    }
    Checksum total = new Checksum();
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 18);
    for (Path file : files) {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        long size = channel.size();
        total.update(ByteBuffer.wrap((file + "\0" + size + "\0").getBytes(StandardCharsets.UTF_8)));
        List<CopiedRegion> regions = byFile.getOrDefault(file, new ArrayList<>());
        regions.sort(BY_POSITION);
        long at = 0;
        for (CopiedRegion region : regions) {
          if (region.position() < at || region.position() + region.count() > size) {
            continue;
          }
          total.read(channel, at, region.position(), buffer);
          total.join(region);
          at = region.position() + region.count();
        }
        total.read(channel, at, size, buffer);
      }
    }
    return total.hex();
  }

  /** A region of an input file copied by a conversion, with its checksums. */
  record CopiedRegion(Path file, long position, long count, int castagnoli, int ieee) {}

  /** CRC-32C and CRC-32 of everything so far: bytes are fed in; whole regions are joined on. */
  private static final class Checksum {
    private final CRC32C castagnoli = new CRC32C();
    private final CRC32 ieee = new CRC32();
    /** The CRCs of what came before the bytes in {@link #castagnoli} and {@link #ieee}. */
    private int castagnoliBefore;
    private int ieeeBefore;
    private long pending;

    void update(ByteBuffer bytes) {
      pending += bytes.remaining();
      castagnoli.update(bytes.duplicate());
      ieee.update(bytes);
    }

    /** Feeds in bytes {@code from} to {@code to}, or fewer if the file was cut short meanwhile. */
    void read(FileChannel channel, long from, long to, ByteBuffer buffer) throws IOException {
      for (long at = from; at < to; ) {
        buffer.clear().limit((int) Math.min(buffer.capacity(), to - at));
        int read = channel.read(buffer, at);
        if (read < 0) {
          return; // its size changed, so its stamp did too: the checksum will not be recorded
        }
        at += read;
        update(buffer.flip());
      }
    }

    void join(CopiedRegion region) {
      settle();
      castagnoliBefore =
          CrcJoin.CASTAGNOLI.join(castagnoliBefore, region.castagnoli(), region.count());
      ieeeBefore = CrcJoin.IEEE.join(ieeeBefore, region.ieee(), region.count());
    }

    String hex() {
      settle();
      // as %08x%08x, without a first Formatter's cost in a fresh JVM
      long both = (long) castagnoliBefore << 32 | (ieeeBefore & 0xffffffffL);
      String hex = Long.toHexString(both);
      return "0".repeat(16 - hex.length()) + hex;
    }

    /** Moves the bytes fed in so far into the joined CRCs. */
    private void settle() {
      if (pending == 0) {
        return;
      }
      castagnoliBefore =
          CrcJoin.CASTAGNOLI.join(castagnoliBefore, (int) castagnoli.getValue(), pending);
      ieeeBefore = CrcJoin.IEEE.join(ieeeBefore, (int) ieee.getValue(), pending);
      castagnoli.reset();
      ieee.reset();
      pending = 0;
    }
  }
}
