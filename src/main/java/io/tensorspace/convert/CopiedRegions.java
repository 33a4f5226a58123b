package io.tensorspace.convert;

import java.nio.file.Path;

/**
 * Hears each region of an input file that a conversion copied unchanged into its output, with the
 * region's checksums, so that a caller can fingerprint the inputs without reading those bytes a
 * second time. Called from the converter's copying threads, in any order.
 */
@FunctionalInterface
public interface CopiedRegions {
  CopiedRegions NONE = (file, position, count, crc32c, crc32) -> { };

  /**
   * @param file the input file, as the reader named it
   * @param position where the region starts in the file
   * @param count the region's length in bytes
   * @param crc32c the region's CRC-32C ({@link java.util.zip.CRC32C})
   * @param crc32 the region's CRC-32 ({@link java.util.zip.CRC32})
   */
  void copied(Path file, long position, long count, int crc32c, int crc32);
}
