package io.tensorspace.convert.tensorflow.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tensor value as a Const node or an attr carries it: dtype, shape (which may be absent, unlike
 * an empty one), and the values either as raw little-endian content or as a typed list.
 */
public final class TensorProto {
  private static final TensorProto DEFAULT = new Builder().build();

  private final DataType dtype;
  private final TensorShapeProto tensorShape;
  private final ByteString tensorContent;
  private final List<Float> floatVal;
  private final List<Double> doubleVal;
  private final List<Integer> intVal;
  private final List<Integer> halfVal;
  private final List<ByteString> stringVal;
  private final List<Long> int64Val;
  private final List<Long> uint64Val;
  private final List<Boolean> boolVal;

  private TensorProto(Builder b) {
    dtype = b.dtype;
    tensorShape = b.tensorShape;
    tensorContent = b.tensorContent;
    floatVal = List.copyOf(b.floatVal);
    doubleVal = List.copyOf(b.doubleVal);
    intVal = List.copyOf(b.intVal);
    halfVal = List.copyOf(b.halfVal);
    stringVal = List.copyOf(b.stringVal);
    int64Val = List.copyOf(b.int64Val);
    uint64Val = List.copyOf(b.uint64Val);
    boolVal = List.copyOf(b.boolVal);
  }

  public static TensorProto getDefaultInstance() {
    return DEFAULT;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.dtype = dtype;
    b.tensorShape = tensorShape;
    b.tensorContent = tensorContent;
    b.floatVal.addAll(floatVal);
    b.doubleVal.addAll(doubleVal);
    b.intVal.addAll(intVal);
    b.halfVal.addAll(halfVal);
    b.stringVal.addAll(stringVal);
    b.int64Val.addAll(int64Val);
    b.uint64Val.addAll(uint64Val);
    b.boolVal.addAll(boolVal);
    return b;
  }

  public DataType getDtype() {
    return dtype;
  }

  public boolean hasTensorShape() {
    return tensorShape != null;
  }

  public TensorShapeProto getTensorShape() {
    return tensorShape == null ? TensorShapeProto.getDefaultInstance() : tensorShape;
  }

  public ByteString getTensorContent() {
    return tensorContent;
  }

  public List<Float> getFloatValList() {
    return floatVal;
  }

  public int getFloatValCount() {
    return floatVal.size();
  }

  public float getFloatVal(int i) {
    return floatVal.get(i);
  }

  public List<Double> getDoubleValList() {
    return doubleVal;
  }

  public int getDoubleValCount() {
    return doubleVal.size();
  }

  public double getDoubleVal(int i) {
    return doubleVal.get(i);
  }

  public List<Integer> getIntValList() {
    return intVal;
  }

  public int getIntValCount() {
    return intVal.size();
  }

  public int getIntVal(int i) {
    return intVal.get(i);
  }

  public List<Integer> getHalfValList() {
    return halfVal;
  }

  public int getHalfValCount() {
    return halfVal.size();
  }

  public int getHalfVal(int i) {
    return halfVal.get(i);
  }

  public List<ByteString> getStringValList() {
    return stringVal;
  }

  public int getStringValCount() {
    return stringVal.size();
  }

  public List<Long> getInt64ValList() {
    return int64Val;
  }

  public int getInt64ValCount() {
    return int64Val.size();
  }

  public long getInt64Val(int i) {
    return int64Val.get(i);
  }

  public List<Long> getUint64ValList() {
    return uint64Val;
  }

  public int getUint64ValCount() {
    return uint64Val.size();
  }

  public long getUint64Val(int i) {
    return uint64Val.get(i);
  }

  public List<Boolean> getBoolValList() {
    return boolVal;
  }

  public int getBoolValCount() {
    return boolVal.size();
  }

  public boolean getBoolVal(int i) {
    return boolVal.get(i);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorProto t && dtype == t.dtype
        && Objects.equals(tensorShape, t.tensorShape) && tensorContent.equals(t.tensorContent)
        && floatVal.equals(t.floatVal) && doubleVal.equals(t.doubleVal)
        && intVal.equals(t.intVal) && halfVal.equals(t.halfVal) && stringVal.equals(t.stringVal)
        && int64Val.equals(t.int64Val) && uint64Val.equals(t.uint64Val)
        && boolVal.equals(t.boolVal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dtype, tensorShape, tensorContent, floatVal, doubleVal, intVal, halfVal,
        stringVal, int64Val, uint64Val, boolVal);
  }

  @Override
  public String toString() {
    return "TensorProto[" + dtype + " " + getTensorShape() + "]";
  }

  public static final class Builder {
    private DataType dtype = DataType.DT_INVALID;
    private TensorShapeProto tensorShape;
    private ByteString tensorContent = ByteString.EMPTY;
    private final List<Float> floatVal = new ArrayList<>();
    private final List<Double> doubleVal = new ArrayList<>();
    private final List<Integer> intVal = new ArrayList<>();
    private final List<Integer> halfVal = new ArrayList<>();
    private final List<ByteString> stringVal = new ArrayList<>();
    private final List<Long> int64Val = new ArrayList<>();
    private final List<Long> uint64Val = new ArrayList<>();
    private final List<Boolean> boolVal = new ArrayList<>();

    private Builder() {}

    public Builder setDtype(DataType dtype) {
      this.dtype = Objects.requireNonNull(dtype);
      return this;
    }

    public Builder setTensorShape(TensorShapeProto shape) {
      this.tensorShape = Objects.requireNonNull(shape);
      return this;
    }

    public Builder setTensorShape(TensorShapeProto.Builder shape) {
      return setTensorShape(shape.build());
    }

    public Builder setTensorContent(ByteString content) {
      this.tensorContent = Objects.requireNonNull(content);
      return this;
    }

    public Builder addFloatVal(float v) {
      floatVal.add(v);
      return this;
    }

    public Builder addDoubleVal(double v) {
      doubleVal.add(v);
      return this;
    }

    public Builder addIntVal(int v) {
      intVal.add(v);
      return this;
    }

    public Builder addHalfVal(int v) {
      halfVal.add(v);
      return this;
    }

    public Builder addStringVal(ByteString v) {
      stringVal.add(Objects.requireNonNull(v));
      return this;
    }

    public Builder addInt64Val(long v) {
      int64Val.add(v);
      return this;
    }

    public Builder addUint64Val(long v) {
      uint64Val.add(v);
      return this;
    }

    public Builder addBoolVal(boolean v) {
      boolVal.add(v);
      return this;
    }

    public TensorProto build() {
      return new TensorProto(this);
    }
  }
}
