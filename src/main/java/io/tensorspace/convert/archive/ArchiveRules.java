package io.tensorspace.convert.archive;

import java.util.List;

/**
 * What every archive the plugin reads must respect (a {@code .keras} file, a zip or tar.gz model
 * artifact): entry names that stay inside the folder they are unpacked into, and sizes no real
 * model reaches, so a zip slip or a zip bomb is refused before it writes anything harmful.
 */
public final class ArchiveRules {
  /** No real model unpacks to more than this. */
  public static final long MAX_UNPACKED_BYTES = 8L << 30;
  /**
   * Trained float weights hardly compress; past a few MiB, content that inflates more than this
   * many times its stored size is a bomb, not a model.
   */
  public static final long MAX_EXPANSION = 100;
  /** Below this size any expansion is allowed (JSON configs compress well). */
  public static final long EXPANSION_FREE_BYTES = 16L << 20;
  /** A SavedModel or a tfjs folder has tens of files; a million tiny entries is an attack. */
  public static final int MAX_ENTRIES = 10_000;

  private ArchiveRules() {}

  /**
   * Whether an entry name could leave the folder it is unpacked into: absolute (Unix or Windows),
   * with a backslash, a NUL, or a {@code ..} segment.
   */
  public static boolean escapes(String name) {
    return name.isEmpty() || name.startsWith("/") || name.contains("\\")
        || name.matches("^[A-Za-z]:.*") || name.indexOf('\0') >= 0
        || List.of(name.split("/")).contains("..");
  }

  /** How many bytes content stored in {@code storedBytes} may unpack to (0 or less: unknown). */
  public static long unpackedLimit(long storedBytes) {
    return storedBytes > 0
        ? Math.min(MAX_UNPACKED_BYTES, Math.max(EXPANSION_FREE_BYTES, storedBytes * MAX_EXPANSION))
        : MAX_UNPACKED_BYTES;
  }

  /** Why a size is refused, for messages. */
  public static String limitsText() {
    return "more than " + (MAX_UNPACKED_BYTES >> 30) + " GiB, or more than " + MAX_EXPANSION
        + " times its stored size beyond " + (EXPANSION_FREE_BYTES >> 20) + " MiB";
  }
}
