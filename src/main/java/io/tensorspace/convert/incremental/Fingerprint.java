package io.tensorspace.convert.incremental;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** SHA-256 digests of files' contents and of their size and modification time. */
final class Fingerprint {
  private Fingerprint() {}

  /** Cheap: names, sizes and modification times only. */
  static String stamp(List<Path> files) throws IOException {
    MessageDigest digest = sha256();
    for (Path file : files) {
      update(digest, file.toString());
      update(digest, Long.toString(Files.size(file)));
      update(digest, Long.toString(Files.getLastModifiedTime(file).toMillis()));
    }
    return HexFormat.of().formatHex(digest.digest());
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

  static String of(String text) {
    MessageDigest digest = sha256();
    update(digest, text);
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
