package io.tensorspace.convert.hdf5;

/**
 * The checksum of HDF5's version 2 structures: Bob Jenkins' lookup3 {@code hashlittle} with an
 * initial value of 0, over bytes in little-endian order. It reads an array, not the file's map:
 * a header is hashed once, before the JIT compiles this, and the interpreter's calls per byte
 * into a direct buffer were a quarter of finding a dataset. The rotations are written out for
 * the same reason ({@code Integer.rotateLeft} is a call until compiled).
 */
final class Lookup3 {
  private Lookup3() {}

  /** The checksum of {@code bytes}. */
  static int hash(byte[] bytes) {
    int length = bytes.length;
    int a = 0xdeadbeef + length;
    int b = a;
    int c = a;
    int at = 0;
    int left = length;
    while (left > 12) {
      a += word(bytes, at, 4);
      b += word(bytes, at + 4, 4);
      c += word(bytes, at + 8, 4);
      a -= c; a ^= (c << 4 | c >>> 28); c += b;
      b -= a; b ^= (a << 6 | a >>> 26); a += c;
      c -= b; c ^= (b << 8 | b >>> 24); b += a;
      a -= c; a ^= (c << 16 | c >>> 16); c += b;
      b -= a; b ^= (a << 19 | a >>> 13); a += c;
      c -= b; c ^= (b << 4 | b >>> 28); b += a;
      at += 12;
      left -= 12;
    }
    if (left == 0) {
      return c;
    }
    a += word(bytes, at, Math.min(left, 4));
    b += left > 4 ? word(bytes, at + 4, Math.min(left - 4, 4)) : 0;
    c += left > 8 ? word(bytes, at + 8, left - 8) : 0;
    c ^= b; c -= (b << 14 | b >>> 18);
    a ^= c; a -= (c << 11 | c >>> 21);
    b ^= a; b -= (a << 25 | a >>> 7);
    c ^= b; c -= (b << 16 | b >>> 16);
    a ^= c; a -= (c << 4 | c >>> 28);
    b ^= a; b -= (a << 14 | a >>> 18);
    c ^= b; c -= (b << 24 | b >>> 8);
    return c;
  }

  /** Up to 4 bytes at {@code at} as a little-endian word, missing high bytes zero. */
  private static int word(byte[] bytes, int at, int count) {
    if (count == 4) {
      return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16
          | bytes[at + 3] << 24;
    }
    int word = 0;
    for (int i = 0; i < count; i++) {
      word |= (bytes[at + i] & 0xff) << (8 * i);
    }
    return word;
  }
}
