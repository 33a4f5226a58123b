package io.tensorspace.convert.tensorflow.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A graph node: name, op, inputs ({@code node}, {@code node:k}, {@code ^node} for a control
 * edge), device and attrs in the order they were given.
 */
public final class NodeDef {
  private final String name;
  private final String op;
  private final List<String> input;
  private final String device;
  private final Map<String, AttrValue> attr;

  private NodeDef(String name, String op, List<String> input, String device,
      Map<String, AttrValue> attr) {
    this.name = name;
    this.op = op;
    this.input = input;
    this.device = device;
    this.attr = attr;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.op = op;
    b.input.addAll(input);
    b.device = device;
    b.attr.putAll(attr);
    return b;
  }

  public String getName() {
    return name;
  }

  public String getOp() {
    return op;
  }

  public List<String> getInputList() {
    return input;
  }

  public int getInputCount() {
    return input.size();
  }

  public String getInput(int i) {
    return input.get(i);
  }

  public String getDevice() {
    return device;
  }

  public Map<String, AttrValue> getAttrMap() {
    return attr;
  }

  public int getAttrCount() {
    return attr.size();
  }

  public boolean containsAttr(String key) {
    return attr.containsKey(key);
  }

  public AttrValue getAttrOrDefault(String key, AttrValue fallback) {
    AttrValue v = attr.get(key);
    return v == null ? fallback : v;
  }

  /** The attr; IllegalArgumentException if the node has none of that name (as protobuf). */
  public AttrValue getAttrOrThrow(String key) {
    AttrValue v = attr.get(key);
    if (v == null) {
      throw new IllegalArgumentException();
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeDef n && name.equals(n.name) && op.equals(n.op)
        && input.equals(n.input) && device.equals(n.device) && attr.equals(n.attr);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, op, input, device, attr);
  }

  @Override
  public String toString() {
    return name + " = " + op + input;
  }

  public static final class Builder {
    private String name = "";
    private String op = "";
    private final List<String> input = new ArrayList<>();
    private String device = "";
    private final Map<String, AttrValue> attr = new LinkedHashMap<>();

    private Builder() {}

    public String getName() {
      return name;
    }

    public String getOp() {
      return op;
    }

    public List<String> getInputList() {
      return Collections.unmodifiableList(input);
    }

    public Builder setName(String name) {
      this.name = Objects.requireNonNull(name);
      return this;
    }

    public Builder setOp(String op) {
      this.op = Objects.requireNonNull(op);
      return this;
    }

    public Builder addInput(String in) {
      input.add(Objects.requireNonNull(in));
      return this;
    }

    public Builder addAllInput(Iterable<String> all) {
      for (String in : all) {
        addInput(in);
      }
      return this;
    }

    public Builder setInput(int i, String in) {
      input.set(i, Objects.requireNonNull(in));
      return this;
    }

    public Builder clearInput() {
      input.clear();
      return this;
    }

    public Builder setDevice(String device) {
      this.device = Objects.requireNonNull(device);
      return this;
    }

    public Builder clearDevice() {
      device = "";
      return this;
    }

    public Builder putAttr(String key, AttrValue value) {
      attr.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    public Builder putAllAttr(Map<String, AttrValue> all) {
      for (Map.Entry<String, AttrValue> e : all.entrySet()) {
        putAttr(e.getKey(), e.getValue());
      }
      return this;
    }

    public Builder removeAttr(String key) {
      attr.remove(key);
      return this;
    }

    public NodeDef build() {
      return new NodeDef(name, op, List.copyOf(input), device,
          attr.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attr)));
    }
  }
}
