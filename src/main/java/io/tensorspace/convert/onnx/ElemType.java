package io.tensorspace.convert.onnx;

import java.nio.ByteBuffer;

/** ONNX TensorProto.DataType codes: their names, sizes and how to read one element. */
public final class ElemType {
  public static final int FLOAT = 1;
  public static final int UINT8 = 2;
  public static final int INT8 = 3;
  public static final int UINT16 = 4;
  public static final int INT16 = 5;
  public static final int INT32 = 6;
  public static final int INT64 = 7;
  public static final int STRING = 8;
  public static final int BOOL = 9;
  public static final int FLOAT16 = 10;
  public static final int DOUBLE = 11;
  public static final int UINT32 = 12;
  public static final int UINT64 = 13;

  private static final String[] NAMES = {"undefined", "float", "uint8", "int8", "uint16", "int16",
      "int32", "int64", "string", "bool", "float16", "double", "uint32", "uint64"};

  private ElemType() {}

  public static String name(int type) {
    return type >= 0 && type < NAMES.length ? NAMES[type] : "type " + type;
  }

  /** Bytes per element, or 0 for types this converter does not read (strings, complex, bf16). */
  public static int size(int type) {
    return switch (type) {
      case UINT8, INT8, BOOL -> 1;
      case UINT16, INT16, FLOAT16 -> 2;
      case FLOAT, INT32, UINT32 -> 4;
      case INT64, DOUBLE, UINT64 -> 8;
      default -> 0;
    };
  }

  public static boolean isFloat(int type) {
    return type == FLOAT || type == DOUBLE || type == FLOAT16;
  }

  /** The element count of a shape; -1 when it overflows or a dimension is negative. */
  public static long count(long[] dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        return -1;
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        return -1;
      }
    }
    return n;
  }

  /** Element {@code i} of little-endian data of the given type. */
  static double read(int type, ByteBuffer b, int i) {
    return switch (type) {
      case FLOAT -> b.getFloat(i * 4);
      case DOUBLE -> b.getDouble(i * 8);
      case INT64, UINT64 -> b.getLong(i * 8);
      case INT32 -> b.getInt(i * 4);
      case UINT32 -> Integer.toUnsignedLong(b.getInt(i * 4));
      case INT16 -> b.getShort(i * 2);
      case UINT16 -> Short.toUnsignedInt(b.getShort(i * 2));
      case INT8 -> b.get(i);
      case UINT8, BOOL -> Byte.toUnsignedInt(b.get(i));
      case FLOAT16 -> half(b.getShort(i * 2));
      default -> throw new IllegalArgumentException("element type " + name(type));
    };
  }

  /** IEEE half to float (Java 17 has no Float.float16ToFloat). */
  static float half(short h) {
    int sign = (h >> 15) & 1;
    int exp = (h >> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v = exp == 0 ? mant * 0x1p-24f
        : exp == 31 ? (mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN)
        : (1 + mant / 1024f) * (float) Math.pow(2, exp - 15);
    return sign == 1 ? -v : v;
  }
}
