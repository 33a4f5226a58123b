package io.tensorspace.convert.tensorflow.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A function reference: its name and the attrs it is instantiated with. */
public final class NameAttrList {
  private static final NameAttrList DEFAULT = new NameAttrList("", Map.of());

  private final String name;
  private final Map<String, AttrValue> attr;

  private NameAttrList(String name, Map<String, AttrValue> attr) {
    this.name = name;
    this.attr = attr;
  }

  public static NameAttrList getDefaultInstance() {
    return DEFAULT;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public String getName() {
    return name;
  }

  public Map<String, AttrValue> getAttrMap() {
    return attr;
  }

  public int getAttrCount() {
    return attr.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NameAttrList n && name.equals(n.name) && attr.equals(n.attr);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, attr);
  }

  @Override
  public String toString() {
    return name + attr;
  }

  public static final class Builder {
    private String name = "";
    private final Map<String, AttrValue> attr = new LinkedHashMap<>();

    private Builder() {}

    public Builder setName(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    public Builder putAttr(String key, AttrValue value) {
      attr.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** Takes the other's name if it has one, and adds its attrs (as protobuf's mergeFrom). */
    public Builder mergeFrom(NameAttrList other) {
      if (!other.name.isEmpty()) {
        name = other.name;
      }
      attr.putAll(other.attr);
      return this;
    }

    public NameAttrList build() {
      return new NameAttrList(name,
          Collections.unmodifiableMap(new LinkedHashMap<>(attr)));
    }
  }
}
