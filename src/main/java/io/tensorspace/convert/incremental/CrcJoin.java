package io.tensorspace.convert.incremental;

/**
 * Joins the CRCs of two adjacent byte sequences into the CRC of both, without their bytes, for
 * the reflected CRC-32 family ({@link java.util.zip.CRC32}, {@link java.util.zip.CRC32C}). The
 * CRC of A then B is the CRC of A moved past |B| zero bytes, XOR the CRC of B; moving past n bytes
 * is a multiplication by x^(8n) modulo the polynomial, built from the powers x^(2^k). This is the
 * arithmetic of zlib's crc32_combine; it lets regions checksummed by different threads, in any
 * order, become the checksum of a whole file.
 */
final class CrcJoin {
  /** CRC-32C (Castagnoli), reflected. */
  static final CrcJoin CASTAGNOLI = new CrcJoin(0x82F63B78);
  /** CRC-32 (IEEE 802.3, zip), reflected. */
  static final CrcJoin IEEE = new CrcJoin(0xEDB88320);

  /** In reflected order the top bit is x^0, so this is the polynomial 1. */
  private static final int ONE = 0x80000000;

  private final int polynomial;
  /** {@code powers[k]} is x^(2^k) modulo the polynomial. */
  private final int[] powers = new int[64];

  private CrcJoin(int polynomial) {
    this.polynomial = polynomial;
    powers[0] = ONE >>> 1; // x^1
    for (int k = 1; k < powers.length; k++) {
      powers[k] = multiply(powers[k - 1], powers[k - 1]);
    }
  }

  /** The CRC of A followed by B, from A's CRC, B's CRC and B's length in bytes. */
  int join(int first, int second, long secondLength) {
    return multiply(shift(secondLength), first) ^ second;
  }

  /** x^(8 n) modulo the polynomial. */
  private int shift(long bytes) {
    int product = ONE;
    for (int k = 3; bytes != 0; k++, bytes >>>= 1) {
      if ((bytes & 1) != 0) {
        product = multiply(powers[k], product);
      }
    }
    return product;
  }

  /** a times b modulo the polynomial, both in reflected bit order. */
  private int multiply(int a, int b) {
    int product = 0;
    for (int bit = ONE; bit != 0; bit >>>= 1) {
      if ((a & bit) != 0) {
        product ^= b;
      }
      b = (b & 1) != 0 ? (b >>> 1) ^ polynomial : b >>> 1;
    }
    return product;
  }
}
