package io.tensorspace.convert.tensorflow.graph;

import java.util.Objects;

/** A signature's tensor: its name in the graph, dtype and shape (which may be absent). */
public final class TensorInfo {
  private final String name;
  private final DataType dtype;
  private final TensorShapeProto tensorShape;

  private TensorInfo(String name, DataType dtype, TensorShapeProto tensorShape) {
    this.name = name;
    this.dtype = dtype;
    this.tensorShape = tensorShape;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.dtype = dtype;
    b.tensorShape = tensorShape;
    return b;
  }

  public String getName() {
    return name;
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

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
        && Objects.equals(tensorShape, t.tensorShape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, tensorShape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + getTensorShape();
  }

  public static final class Builder {
    private String name = "";
    private DataType dtype = DataType.DT_INVALID;
    private TensorShapeProto tensorShape;

    private Builder() {}

    public Builder setName(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    public Builder setDtype(DataType dtype) {
      this.dtype = Objects.requireNonNull(dtype);
      return this;
    }

    public Builder setTensorShape(TensorShapeProto shape) {
      this.tensorShape = Objects.requireNonNull(shape);
      return this;
    }

    public TensorInfo build() {
      return new TensorInfo(name, dtype, tensorShape);
    }
  }
}
