package io.tensorspace.convert.tensorflow.graph;

/**
 * TensorFlow's DataType enum (types.proto as tensorflow-core-api 1.1.0 has it), same names and
 * numbers; {@link #UNRECOGNIZED} stands for a number TensorFlow does not define.
 */
public enum DataType {
  DT_INVALID(0),
  DT_FLOAT(1),
  DT_DOUBLE(2),
  DT_INT32(3),
  DT_UINT8(4),
  DT_INT16(5),
  DT_INT8(6),
  DT_STRING(7),
  DT_COMPLEX64(8),
  DT_INT64(9),
  DT_BOOL(10),
  DT_QINT8(11),
  DT_QUINT8(12),
  DT_QINT32(13),
  DT_BFLOAT16(14),
  DT_QINT16(15),
  DT_QUINT16(16),
  DT_UINT16(17),
  DT_COMPLEX128(18),
  DT_HALF(19),
  DT_RESOURCE(20),
  DT_VARIANT(21),
  DT_UINT32(22),
  DT_UINT64(23),
  DT_FLOAT8_E5M2(24),
  DT_FLOAT8_E4M3FN(25),
  DT_INT4(29),
  DT_UINT4(30),
  DT_FLOAT_REF(101),
  DT_DOUBLE_REF(102),
  DT_INT32_REF(103),
  DT_UINT8_REF(104),
  DT_INT16_REF(105),
  DT_INT8_REF(106),
  DT_STRING_REF(107),
  DT_COMPLEX64_REF(108),
  DT_INT64_REF(109),
  DT_BOOL_REF(110),
  DT_QINT8_REF(111),
  DT_QUINT8_REF(112),
  DT_QINT32_REF(113),
  DT_BFLOAT16_REF(114),
  DT_QINT16_REF(115),
  DT_QUINT16_REF(116),
  DT_UINT16_REF(117),
  DT_COMPLEX128_REF(118),
  DT_HALF_REF(119),
  DT_RESOURCE_REF(120),
  DT_VARIANT_REF(121),
  DT_UINT32_REF(122),
  DT_UINT64_REF(123),
  DT_FLOAT8_E5M2_REF(124),
  DT_FLOAT8_E4M3FN_REF(125),
  DT_INT4_REF(129),
  DT_UINT4_REF(130),
  UNRECOGNIZED(-1);

  private static final DataType[] BY_NUMBER = new DataType[131];

  static {
    for (DataType t : values()) {
      if (t != UNRECOGNIZED) {
        BY_NUMBER[t.number] = t;
      }
    }
  }

  private final int number;

  DataType(int number) {
    this.number = number;
  }

  /** The proto number; {@link #UNRECOGNIZED} has none. */
  public int getNumber() {
    if (this == UNRECOGNIZED) {
      throw new IllegalArgumentException("Can't get the number of an unknown enum value.");
    }
    return number;
  }

  /** The type of a proto number, or null for a number TensorFlow does not define. */
  public static DataType forNumber(int number) {
    return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
  }
}
