package io.tensorspace.convert.tensorflow;

import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.tensorflow.graph.ByteString;
import io.tensorspace.convert.tensorflow.graph.DataType;
import io.tensorspace.convert.tensorflow.graph.TensorProto;
import io.tensorspace.convert.tensorflow.graph.TensorShapeProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns TensorFlow tensor values into the little-endian bytes of the dtype a tfjs weights manifest
 * declares. tfjs has no float64 or int64: they become float32 and int32, as tfjs itself reads them.
 */
final class TensorValues {
  private TensorValues() {}

  /** The manifest dtype for a TensorFlow dtype, or null if tfjs cannot hold it as a weight. */
  static DType manifestType(DataType type) {
    return switch (type) {
      case DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16 -> DType.FLOAT32;
      case DT_INT32, DT_INT64, DT_INT8, DT_INT16, DT_UINT8, DT_UINT16, DT_UINT32, DT_UINT64 ->
          DType.INT32;
      case DT_BOOL -> DType.BOOL;
      default -> null;
    };
  }

  /** Bytes per element as TensorFlow stores the dtype (tensor_content, checkpoint data). */
  static int storedBytes(DataType type) {
    return switch (type) {
      case DT_DOUBLE, DT_INT64, DT_UINT64 -> 8;
      case DT_FLOAT, DT_INT32, DT_UINT32 -> 4;
      case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16 -> 2;
      case DT_INT8, DT_UINT8, DT_BOOL -> 1;
      default -> -1;
    };
  }

  static long[] dims(TensorShapeProto shape) {
    long[] dims = new long[shape.getDimCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.getDim(i).getSize();
    }
    return dims;
  }

  static long elements(long[] dims) {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Converts raw TensorFlow bytes (little-endian, as in tensor_content or a checkpoint) of
   * {@code type} into manifest bytes. Returns null for a dtype tfjs cannot hold.
   */
  static byte[] fromRaw(DataType type, ByteBuffer raw, long count) {
    DType target = manifestType(type);
    if (target == null) {
      return null;
    }
    raw = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = Math.toIntExact(count);
    ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(n, target.bytesPerElement()))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case DT_FLOAT -> out.putFloat(raw.getFloat());
        case DT_DOUBLE -> out.putFloat((float) raw.getDouble());
        case DT_HALF -> out.putFloat(halfToFloat(raw.getShort()));
        case DT_BFLOAT16 -> out.putFloat(Float.intBitsToFloat((raw.getShort() & 0xffff) << 16));
        case DT_INT32 -> out.putInt(raw.getInt());
        case DT_UINT32 -> out.putInt(clamp(raw.getInt() & 0xffffffffL));
        case DT_INT64, DT_UINT64 -> out.putInt(clamp(raw.getLong()));
        case DT_INT16 -> out.putInt(raw.getShort());
        case DT_UINT16 -> out.putInt(raw.getShort() & 0xffff);
        case DT_INT8 -> out.putInt(raw.get());
        case DT_UINT8 -> out.putInt(raw.get() & 0xff);
        case DT_BOOL -> out.put(raw.get() != 0 ? (byte) 1 : (byte) 0);
        default -> throw new IllegalStateException("unhandled dtype " + type);
      }
    }
    return out.array();
  }

  /** IEEE 754 binary16 to float (Float.float16ToFloat exists only from Java 20). */
  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      return Float.intBitsToFloat(sign) + (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** int64 values beyond int32 cannot be represented in tfjs; saturate rather than wrap around. */
  private static int clamp(long v) {
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  /**
   * The manifest bytes of a Const node's value: from tensor_content, or the typed value list (a
   * single value fills the whole tensor, as TensorFlow reads it). Null for dtypes tfjs cannot hold.
   */
  static byte[] fromProto(TensorProto tensor) {
    DataType type = tensor.getDtype();
    long count = elements(dims(tensor.getTensorShape()));
    if (manifestType(type) == null) {
      return null;
    }
    if (!tensor.getTensorContent().isEmpty()) {
      ByteString content = tensor.getTensorContent();
      return fromRaw(type, content.asReadOnlyByteBuffer(), count);
    }
    int n = Math.toIntExact(count);
    int bytes = storedBytes(type);
    ByteBuffer raw = ByteBuffer.allocate(n * bytes).order(ByteOrder.LITTLE_ENDIAN);
    int given = valueCount(tensor);
    for (int i = 0; i < n; i++) {
      int k = given == 0 ? -1 : Math.min(i, given - 1);
      switch (type) {
        case DT_FLOAT -> raw.putFloat(k < 0 ? 0 : tensor.getFloatVal(k));
        case DT_DOUBLE -> raw.putDouble(k < 0 ? 0 : tensor.getDoubleVal(k));
        case DT_HALF, DT_BFLOAT16 -> raw.putShort((short) (k < 0 ? 0 : tensor.getHalfVal(k)));
        case DT_INT32, DT_UINT32 -> raw.putInt(k < 0 ? 0 : tensor.getIntVal(k));
        case DT_INT16, DT_UINT16 -> raw.putShort((short) (k < 0 ? 0 : tensor.getIntVal(k)));
        case DT_INT8, DT_UINT8 -> raw.put((byte) (k < 0 ? 0 : tensor.getIntVal(k)));
        case DT_INT64 -> raw.putLong(k < 0 ? 0 : tensor.getInt64Val(k));
        case DT_UINT64 -> raw.putLong(k < 0 ? 0 : tensor.getUint64Val(k));
        case DT_BOOL -> raw.put(k >= 0 && tensor.getBoolVal(k) ? (byte) 1 : (byte) 0);
        default -> throw new IllegalStateException("unhandled dtype " + type);
      }
    }
    raw.flip();
    return fromRaw(type, raw, count);
  }

  private static int valueCount(TensorProto t) {
    return switch (t.getDtype()) {
      case DT_FLOAT -> t.getFloatValCount();
      case DT_DOUBLE -> t.getDoubleValCount();
      case DT_HALF, DT_BFLOAT16 -> t.getHalfValCount();
      case DT_INT64 -> t.getInt64ValCount();
      case DT_UINT64 -> t.getUint64ValCount();
      case DT_BOOL -> t.getBoolValCount();
      default -> t.getIntValCount();
    };
  }
}
