package io.tensorspace.convert.tensorflow.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What a model takes and returns: named input and output tensors, and a method name. */
public final class SignatureDef {
  private final Map<String, TensorInfo> inputs;
  private final Map<String, TensorInfo> outputs;
  private final String methodName;

  private SignatureDef(Map<String, TensorInfo> inputs, Map<String, TensorInfo> outputs,
      String methodName) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.methodName = methodName;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.inputs.putAll(inputs);
    b.outputs.putAll(outputs);
    b.methodName = methodName;
    return b;
  }

  public Map<String, TensorInfo> getInputsMap() {
    return inputs;
  }

  public int getInputsCount() {
    return inputs.size();
  }

  public Map<String, TensorInfo> getOutputsMap() {
    return outputs;
  }

  public int getOutputsCount() {
    return outputs.size();
  }

  public String getMethodName() {
    return methodName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignatureDef s && inputs.equals(s.inputs) && outputs.equals(s.outputs)
        && methodName.equals(s.methodName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(inputs, outputs, methodName);
  }

  @Override
  public String toString() {
    return "inputs " + inputs.values() + ", outputs " + outputs.values();
  }

  public static final class Builder {
    private final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
    private final Map<String, TensorInfo> outputs = new LinkedHashMap<>();
    private String methodName = "";

    private Builder() {}

    public Builder putInputs(String key, TensorInfo info) {
      inputs.put(Objects.requireNonNull(key), Objects.requireNonNull(info));
      return this;
    }

    public Builder putOutputs(String key, TensorInfo info) {
      outputs.put(Objects.requireNonNull(key), Objects.requireNonNull(info));
      return this;
    }

    public Builder setMethodName(String methodName) {
      this.methodName = Objects.requireNonNull(methodName);
      return this;
    }

    public SignatureDef build() {
      return new SignatureDef(Collections.unmodifiableMap(new LinkedHashMap<>(inputs)),
          Collections.unmodifiableMap(new LinkedHashMap<>(outputs)), methodName);
    }
  }
}
