package io.tensorspace.convert.tensorflow.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A tensor shape: sizes (-1 unknown) with optional names, or an unknown rank. */
public final class TensorShapeProto {
  private static final TensorShapeProto DEFAULT = new TensorShapeProto(List.of(), false);

  private final List<Dim> dims;
  private final boolean unknownRank;

  private TensorShapeProto(List<Dim> dims, boolean unknownRank) {
    this.dims = dims;
    this.unknownRank = unknownRank;
  }

  public static TensorShapeProto getDefaultInstance() {
    return DEFAULT;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.dims.addAll(dims);
    b.unknownRank = unknownRank;
    return b;
  }

  public List<Dim> getDimList() {
    return dims;
  }

  public int getDimCount() {
    return dims.size();
  }

  public Dim getDim(int i) {
    return dims.get(i);
  }

  public boolean getUnknownRank() {
    return unknownRank;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorShapeProto s && unknownRank == s.unknownRank && dims.equals(s.dims);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dims, unknownRank);
  }

  @Override
  public String toString() {
    return unknownRank ? "<unknown rank>" : dims.toString();
  }

  /** One dimension: its size (-1 for unknown) and an optional name. */
  public static final class Dim {
    private static final Dim DEFAULT = new Dim(0, "");

    private final long size;
    private final String name;

    private Dim(long size, String name) {
      this.size = size;
      this.name = name;
    }

    public static Dim getDefaultInstance() {
      return DEFAULT;
    }

    public static Builder newBuilder() {
      return new Builder();
    }

    public long getSize() {
      return size;
    }

    public String getName() {
      return name;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Dim d && size == d.size && name.equals(d.name);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(size) * 31 + name.hashCode();
    }

    @Override
    public String toString() {
      return name.isEmpty() ? Long.toString(size) : size + " (" + name + ")";
    }

    public static final class Builder {
      private long size;
      private String name = "";

      private Builder() {}

      public Builder setSize(long size) {
        this.size = size;
        return this;
      }

      public Builder setName(String name) {
        this.name = Objects.requireNonNull(name);
        return this;
      }

      public Dim build() {
        return new Dim(size, name);
      }
    }
  }

  public static final class Builder {
    private final List<Dim> dims = new ArrayList<>();
    private boolean unknownRank;

    private Builder() {}

    public Builder addDim(Dim dim) {
      dims.add(Objects.requireNonNull(dim));
      return this;
    }

    public Builder addDim(Dim.Builder dim) {
      return addDim(dim.build());
    }

    public Builder addAllDim(Iterable<Dim> all) {
      all.forEach(this::addDim);
      return this;
    }

    public Builder clearDim() {
      dims.clear();
      return this;
    }

    public Builder setUnknownRank(boolean unknownRank) {
      this.unknownRank = unknownRank;
      return this;
    }

    public TensorShapeProto build() {
      return dims.isEmpty() && !unknownRank ? DEFAULT
          : new TensorShapeProto(List.copyOf(dims), unknownRank);
    }
  }
}
