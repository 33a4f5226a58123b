package io.tensorspace.convert.hdf5;

/**
 * The checksum of HDF5's version 2 structures: Bob Jenkins' lookup3 {@code hashlittle} with an
 * initial value of 0, over bytes in little-endian order. It reads an array, not the file's map:
 * a header is hashed once, before the JIT compiles this, and the interpreter's calls per byte
 * into a direct buffer were a quarter of finding a dataset.
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
      a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
      b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
      c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
      a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
      b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
      c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
      at += 12;
      left -= 12;
    }
    if (left == 0) {
      return c;
    }
    a += word(bytes, at, Math.min(left, 4));
    b += left > 4 ? word(bytes, at + 4, Math.min(left - 4, 4)) : 0;
    c += left > 8 ? word(bytes, at + 8, left - 8) : 0;
    c ^= b; c -= Integer.rotateLeft(b, 14);
    a ^= c; a -= Integer.rotateLeft(c, 11);
    b ^= a; b -= Integer.rotateLeft(a, 25);
    c ^= b; c -= Integer.rotateLeft(b, 16);
    a ^= c; a -= Integer.rotateLeft(c, 4);
    b ^= a; b -= Integer.rotateLeft(a, 14);
    c ^= b; c -= Integer.rotateLeft(b, 24);
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
