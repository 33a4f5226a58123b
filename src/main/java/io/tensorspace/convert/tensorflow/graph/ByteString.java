package io.tensorspace.convert.tensorflow.graph;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Immutable bytes (a string attr, a tensor's content), compared by value. */
public final class ByteString {
  public static final ByteString EMPTY = new ByteString(new byte[0]);

  private final byte[] bytes;

  private ByteString(byte[] bytes) {
    this.bytes = bytes;
  }

  public static ByteString copyFrom(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes.clone());
  }

  /** Bytes of an array no one else holds or changes (a fresh decode): not copied again. */
  public static ByteString ofFresh(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new ByteString(bytes);
  }

  public static ByteString copyFromUtf8(String text) {
    return ofFresh(text.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The bytes as UTF-8 text (malformed sequences become U+FFFD). */
  public String toStringUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public ByteBuffer asReadOnlyByteBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  public int size() {
    return bytes.length;
  }

  public boolean isEmpty() {
    return bytes.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ByteString other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "ByteString[" + bytes.length + " bytes]";
  }
}
