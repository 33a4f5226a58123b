package io.tensorspace.maven;

/**
 * How TensorSpace draws one layer: a {@code <layer>} of a model's {@code <layers>}.
 *
 * @since 0.1.0
 */
public class LayerView {
  /** The layer (an input or an exposed output) this applies to. */
  private String name;

  /** A TensorSpace layer class to use instead of the derived one, e.g. {@code Layer3d}. */
  private String tensorSpaceClass;

  /** The layer colour, e.g. {@code #ff6600}. */
  private String color;

  /** Comma-separated class labels, for an {@code Output1d}, e.g. {@code 0,1,2,3,4,5,6,7,8,9}. */
  private String outputs;

  /** {@code open} or {@code close}: how the layer is first shown. */
  private String initStatus;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getTensorSpaceClass() {
    return tensorSpaceClass;
  }

  public void setTensorSpaceClass(String tensorSpaceClass) {
    this.tensorSpaceClass = tensorSpaceClass;
  }

  public String getColor() {
    return color;
  }

  public void setColor(String color) {
    this.color = color;
  }

  public String getOutputs() {
    return outputs;
  }

  public void setOutputs(String outputs) {
    this.outputs = outputs;
  }

  public String getInitStatus() {
    return initStatus;
  }

  public void setInitStatus(String initStatus) {
    this.initStatus = initStatus;
  }
}
