package io.tensorspace.convert.tensorflow.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An attr's value: one of string, int, float, bool, type, shape, tensor, list, function or a
 * placeholder (in a function body, the name of the caller's attr). The getter of a kind it does
 * not hold returns that kind's default.
 */
public final class AttrValue {
  private static final AttrValue DEFAULT = new AttrValue(ValueCase.VALUE_NOT_SET, null);

  /** Which kind of value an attr holds. */
  public enum ValueCase { S, I, F, B, TYPE, SHAPE, TENSOR, LIST, FUNC, PLACEHOLDER, VALUE_NOT_SET }

  private final ValueCase valueCase;
  /** ByteString, Long, Float, Boolean, DataType, TensorShapeProto, TensorProto, ListValue,
   *  NameAttrList or String, after {@link #valueCase}. */
  private final Object value;

  private AttrValue(ValueCase valueCase, Object value) {
    this.valueCase = valueCase;
    this.value = value;
  }

  public static AttrValue getDefaultInstance() {
    return DEFAULT;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public ValueCase getValueCase() {
    return valueCase;
  }

  public ByteString getS() {
    return valueCase == ValueCase.S ? (ByteString) value : ByteString.EMPTY;
  }

  public long getI() {
    return valueCase == ValueCase.I ? (Long) value : 0L;
  }

  public float getF() {
    return valueCase == ValueCase.F ? (Float) value : 0f;
  }

  public boolean getB() {
    return valueCase == ValueCase.B && (Boolean) value;
  }

  public DataType getType() {
    return valueCase == ValueCase.TYPE ? (DataType) value : DataType.DT_INVALID;
  }

  public boolean hasShape() {
    return valueCase == ValueCase.SHAPE;
  }

  public TensorShapeProto getShape() {
    return hasShape() ? (TensorShapeProto) value : TensorShapeProto.getDefaultInstance();
  }

  public boolean hasTensor() {
    return valueCase == ValueCase.TENSOR;
  }

  public TensorProto getTensor() {
    return hasTensor() ? (TensorProto) value : TensorProto.getDefaultInstance();
  }

  public boolean hasList() {
    return valueCase == ValueCase.LIST;
  }

  public ListValue getList() {
    return hasList() ? (ListValue) value : ListValue.getDefaultInstance();
  }

  public boolean hasFunc() {
    return valueCase == ValueCase.FUNC;
  }

  public NameAttrList getFunc() {
    return hasFunc() ? (NameAttrList) value : NameAttrList.getDefaultInstance();
  }

  public String getPlaceholder() {
    return valueCase == ValueCase.PLACEHOLDER ? (String) value : "";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttrValue a && valueCase == a.valueCase && Objects.equals(value, a.value);
  }

  @Override
  public int hashCode() {
    return valueCase.hashCode() * 31 + Objects.hashCode(value);
  }

  @Override
  public String toString() {
    return valueCase == ValueCase.VALUE_NOT_SET ? "<no value>" : valueCase + " " + value;
  }

  /** Builds an attr; the last value set is the one it holds. */
  public static final class Builder {
    private ValueCase valueCase = ValueCase.VALUE_NOT_SET;
    private Object value;

    private Builder() {}

    private Builder set(ValueCase c, Object v) {
      valueCase = c;
      value = Objects.requireNonNull(v);
      return this;
    }

    public Builder setS(ByteString s) {
      return set(ValueCase.S, s);
    }

    public Builder setI(long i) {
      return set(ValueCase.I, i);
    }

    public Builder setF(float f) {
      return set(ValueCase.F, f);
    }

    public Builder setB(boolean b) {
      return set(ValueCase.B, b);
    }

    public Builder setType(DataType type) {
      return set(ValueCase.TYPE, type);
    }

    public Builder setShape(TensorShapeProto shape) {
      return set(ValueCase.SHAPE, shape);
    }

    public Builder setShape(TensorShapeProto.Builder shape) {
      return setShape(shape.build());
    }

    public Builder setTensor(TensorProto tensor) {
      return set(ValueCase.TENSOR, tensor);
    }

    public Builder setTensor(TensorProto.Builder tensor) {
      return setTensor(tensor.build());
    }

    public Builder setList(ListValue list) {
      return set(ValueCase.LIST, list);
    }

    public Builder setList(ListValue.Builder list) {
      return setList(list.build());
    }

    public Builder setFunc(NameAttrList func) {
      return set(ValueCase.FUNC, func);
    }

    public Builder setFunc(NameAttrList.Builder func) {
      return setFunc(func.build());
    }

    public Builder setPlaceholder(String placeholder) {
      return set(ValueCase.PLACEHOLDER, placeholder);
    }

    public AttrValue build() {
      return valueCase == ValueCase.VALUE_NOT_SET ? DEFAULT : new AttrValue(valueCase, value);
    }
  }

  /** A list attr: values of one or more kinds (in practice one), each kind in order. */
  public static final class ListValue {
    private static final ListValue DEFAULT = new Builder().build();

    private final List<ByteString> s;
    private final List<Long> i;
    private final List<Float> f;
    private final List<Boolean> b;
    private final List<DataType> type;
    private final List<TensorShapeProto> shape;
    private final List<TensorProto> tensor;
    private final List<NameAttrList> func;

    private ListValue(Builder l) {
      s = List.copyOf(l.s);
      i = List.copyOf(l.i);
      f = List.copyOf(l.f);
      b = List.copyOf(l.b);
      type = List.copyOf(l.type);
      shape = List.copyOf(l.shape);
      tensor = List.copyOf(l.tensor);
      func = List.copyOf(l.func);
    }

    public static ListValue getDefaultInstance() {
      return DEFAULT;
    }

    public static Builder newBuilder() {
      return new Builder();
    }

    public List<ByteString> getSList() {
      return s;
    }

    public int getSCount() {
      return s.size();
    }

    public ByteString getS(int k) {
      return s.get(k);
    }

    public List<Long> getIList() {
      return i;
    }

    public int getICount() {
      return i.size();
    }

    public long getI(int k) {
      return i.get(k);
    }

    public List<Float> getFList() {
      return f;
    }

    public int getFCount() {
      return f.size();
    }

    public float getF(int k) {
      return f.get(k);
    }

    public List<Boolean> getBList() {
      return b;
    }

    public int getBCount() {
      return b.size();
    }

    public List<DataType> getTypeList() {
      return type;
    }

    public int getTypeCount() {
      return type.size();
    }

    public DataType getType(int k) {
      return type.get(k);
    }

    public List<TensorShapeProto> getShapeList() {
      return shape;
    }

    public int getShapeCount() {
      return shape.size();
    }

    public TensorShapeProto getShape(int k) {
      return shape.get(k);
    }

    public List<TensorProto> getTensorList() {
      return tensor;
    }

    public int getTensorCount() {
      return tensor.size();
    }

    public List<NameAttrList> getFuncList() {
      return func;
    }

    public int getFuncCount() {
      return func.size();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ListValue l && s.equals(l.s) && i.equals(l.i) && f.equals(l.f)
          && b.equals(l.b) && type.equals(l.type) && shape.equals(l.shape)
          && tensor.equals(l.tensor) && func.equals(l.func);
    }

    @Override
    public int hashCode() {
      return Objects.hash(s, i, f, b, type, shape, tensor, func);
    }

    @Override
    public String toString() {
      return "list" + (i.isEmpty() ? "" : " i=" + i) + (f.isEmpty() ? "" : " f=" + f)
          + (type.isEmpty() ? "" : " type=" + type) + (shape.isEmpty() ? "" : " shape=" + shape);
    }

    public static final class Builder {
      private final List<ByteString> s = new ArrayList<>();
      private final List<Long> i = new ArrayList<>();
      private final List<Float> f = new ArrayList<>();
      private final List<Boolean> b = new ArrayList<>();
      private final List<DataType> type = new ArrayList<>();
      private final List<TensorShapeProto> shape = new ArrayList<>();
      private final List<TensorProto> tensor = new ArrayList<>();
      private final List<NameAttrList> func = new ArrayList<>();

      private Builder() {}

      public Builder addS(ByteString v) {
        s.add(Objects.requireNonNull(v));
        return this;
      }

      public Builder addI(long v) {
        i.add(v);
        return this;
      }

      public Builder addAllI(Iterable<? extends Long> all) {
        for (Long v : all) {
          i.add(Objects.requireNonNull(v));
        }
        return this;
      }

      public Builder addF(float v) {
        f.add(v);
        return this;
      }

      public Builder addAllF(Iterable<? extends Float> all) {
        for (Float v : all) {
          f.add(Objects.requireNonNull(v));
        }
        return this;
      }

      public Builder addB(boolean v) {
        b.add(v);
        return this;
      }

      public Builder addType(DataType v) {
        type.add(Objects.requireNonNull(v));
        return this;
      }

      public Builder addShape(TensorShapeProto v) {
        shape.add(Objects.requireNonNull(v));
        return this;
      }

      public Builder addShape(TensorShapeProto.Builder v) {
        return addShape(v.build());
      }

      public Builder addTensor(TensorProto v) {
        tensor.add(Objects.requireNonNull(v));
        return this;
      }

      public Builder addFunc(NameAttrList v) {
        func.add(Objects.requireNonNull(v));
        return this;
      }

      public ListValue build() {
        return new ListValue(this);
      }
    }
  }
}
