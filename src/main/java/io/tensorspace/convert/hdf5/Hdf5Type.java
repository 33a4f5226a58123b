package io.tensorspace.convert.hdf5;

import static io.tensorspace.convert.hdf5.Hdf5File.expect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A datatype message of the classes Keras files hold: fixed-point and floating-point numbers,
 * fixed-length strings and variable-length strings. Any other class is unsupported.
 *
 * @param typeClass 0 fixed-point, 1 floating-point, 3 string, 9 variable-length string
 * @param bits the class's bit field
 * @param size bytes per element
 */
public record Hdf5Type(int typeClass, int bits, int size) {
  public static final int FIXED_POINT = 0;
  public static final int FLOATING_POINT = 1;
  public static final int STRING = 3;
  public static final int VARIABLE_LENGTH = 9;

  static Hdf5Type read(ByteBuffer in) {
    int classAndVersion = in.get() & 0xff;
    int version = classAndVersion >>> 4;
    int typeClass = classAndVersion & 0x0f;
    int bits = (in.get() & 0xff) | (in.get() & 0xff) << 8 | (in.get() & 0xff) << 16;
    int size = in.getInt();
    expect(version >= 1 && version <= 3 && size > 0, "datatype version ", version);
    switch (typeClass) {
      case FIXED_POINT -> in.position(in.position() + 4);
      case FLOATING_POINT -> {
        expect((bits & 0x40) == 0, "VAX byte order");
        in.position(in.position() + 12);
      }
      case STRING -> expect((bits & 0x0f) <= 2 && (bits & 0xf0) <= 0x10, "a string's padding");
      case VARIABLE_LENGTH -> {
        expect((bits & 0x0f) == 1 && (bits & 0xf00) <= 0x100, "a sequence, not a string");
        Hdf5Type base = read(in);
        expect(base.size() == 1, "a string of wide characters");
      }
      default -> throw new Hdf5Unsupported("datatype class " + typeClass);
    }
    return new Hdf5Type(typeClass, bits, size);
  }

  /** The byte order of a number. */
  public ByteOrder order() {
    return (bits & 1) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
  }

  /** The character set of a string. */
  Charset charset() {
    int set = typeClass == STRING ? (bits >>> 4) & 0x0f : (bits >>> 8) & 0x0f;
    return set == 0 ? StandardCharsets.US_ASCII : StandardCharsets.UTF_8;
  }

  /** A fixed-length string's padding: 0 null-terminated, 1 null-padded, 2 space-padded. */
  int padding() {
    return bits & 0x0f;
  }
}
