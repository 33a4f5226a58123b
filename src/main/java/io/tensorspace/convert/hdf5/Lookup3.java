package io.tensorspace.convert.hdf5;

import java.nio.ByteBuffer;

/**
 * The checksum of HDF5's version 2 structures: Bob Jenkins' lookup3 {@code hashlittle} with an
 * initial value of 0, over bytes in little-endian order.
 */
final class Lookup3 {
  private Lookup3() {}

  /** The checksum of {@code length} bytes of {@code bytes} from {@code from}. */
  static int hash(ByteBuffer bytes, int from, int length) {
    int a = 0xdeadbeef + length;
    int b = a;
    int c = a;
    int at = from;
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
  private static int word(ByteBuffer bytes, int at, int count) {
    int word = 0;
    for (int i = 0; i < count; i++) {
      word |= (bytes.get(at + i) & 0xff) << (8 * i);
    }
    return word;
  }
}
