package io.tensorspace.maven;

import java.io.File;

/**
 * One {@code <model>} of the {@code <models>} list.
 *
 * @since 0.1.0
 */
public class Model {
  /** Folder name of the converted model under the output directory; defaults to the file name. */
  private String name;

  /** The model file: Keras HDF5 (.h5), or a topology JSON paired with {@link #weights}. */
  private File source;

  /** A weights-only HDF5 file, when {@link #source} is a topology JSON. */
  private File weights;

  /** Comma-separated layer names to expose, in order; default: every layer after the inputs. */
  private String outputLayers;

  /** Comma-separated layer names or class names (e.g. {@code Dropout}) to leave out. */
  private String excludeLayers;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public File getSource() {
    return source;
  }

  public void setSource(File source) {
    this.source = source;
  }

  public File getWeights() {
    return weights;
  }

  public void setWeights(File weights) {
    this.weights = weights;
  }

  public String getOutputLayers() {
    return outputLayers;
  }

  public void setOutputLayers(String outputLayers) {
    this.outputLayers = outputLayers;
  }

  public String getExcludeLayers() {
    return excludeLayers;
  }

  public void setExcludeLayers(String excludeLayers) {
    this.excludeLayers = excludeLayers;
  }
}
