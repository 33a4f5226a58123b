package io.tensorspace.convert.incremental;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the up-to-date check compares. The cheap parts (file stamps, settings, a state file's key)
 * are plain text, so a no-op build needs no digest (its first use costs ~20 ms of provider setup);
 * only contents are hashed, with SHA-256.
 */
final class Fingerprint {
  private Fingerprint() {}

  /** Cheap: names, sizes and modification times only. */
  static String stamp(List<Path> files) throws IOException {
    StringBuilder stamp = new StringBuilder();
    for (Path file : files) {
      stamp.append(file).append('\t').append(Files.size(file)).append('\t')
          .append(Files.getLastModifiedTime(file).toMillis()).append('\n');
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
    for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return HexFormat.of().toHexDigits(hash);
  }

  /** Full: names and every byte. */
  static String content(List<Path> files) throws IOException {
    MessageDigest digest = sha256();
    byte[] buffer = new byte[1 << 16];
    for (Path file : files) {
      update(digest, file.toString());
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
        }
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, String text) {
    digest.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    digest.update((byte) 0);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
