package io.tensorspace.maven;

import java.io.File;
import java.util.List;

/**
 * One {@code <model>} of the {@code <models>} list.
 *
 * @since 0.1.0
 */
public class Model {
  /**
   * Folder name of the converted model under the output directory; defaults to the file name
   * without extension (for a folder, {@code model.json} or {@code saved_model.pb}: the folder's).
   */
  private String name;

  /** The model file, or a folder holding one model, of any format the plugin reads. */
  private File source;

  /**
   * Instead of {@link #source}: the model's coordinates in a Maven repository,
   * {@code groupId:artifactId:version[:type[:classifier]]}; a zip or tar.gz is unpacked.
   *
   * @since 0.1.0
   */
  private String artifact;

  /** A weights-only HDF5 file, when {@link #source} is a topology JSON. */
  private File weights;

  /** Comma-separated layer names to expose, in order; default: every layer after the inputs. */
  private String outputLayers;

  /** Comma-separated layer names or class names (e.g. {@code Dropout}) to leave out. */
  private String excludeLayers;

  /** Also write an {@code index.html} that shows the model in TensorSpace; default: the goal's {@code preview}. */
  private Boolean preview;

  /** How TensorSpace draws single layers (colour, Output1d labels...), one {@code <layer>} each. */
  private List<LayerView> layers;

  /** SavedModel signature to convert; default {@code serving_default}. */
  private String signature;

  /** Comma-separated SavedModel tags; default {@code serve}. */
  private String tags;

  /**
   * Shapes of an ONNX model's inputs (NCHW, as the model declares them), pinning its dynamic
   * dimensions: {@code input:1x3x224x224}, several separated by {@code ;}, or {@code 1x3x224x224}
   * for its only input; default: the model's own shapes (a dynamic batch is 1).
   */
  private String inputShape;

  public String getInputShape() {
    return inputShape;
  }

  public void setInputShape(String inputShape) {
    this.inputShape = inputShape;
  }

  /** How this model's float32 weights are stored; default: the goal's {@code quantize}. */
  private String quantize;

  /**
   * Weight-name patterns this model's {@code quantize} is limited to ({@code *} for every weight);
   * default: the goal's {@code quantizeWeights}.
   */
  private String quantizeWeights;

  /** Size of this model's weight shards but the last; default: the goal's {@code shardSizeBytes}. */
  private Long shardSizeBytes;

  /** One weight group per layer for this model; default: the goal's {@code splitWeightsByLayer}. */
  private Boolean splitWeightsByLayer;

  /** URL prefix this model's preview page loads its libraries from; default: the goal's. */
  private String previewLibraries;

  /**
   * Which outputs the TensorSpace view draws: {@code auto}, {@code all}, {@code blocks} or a
   * comma-separated list of output names; default: the goal's.
   */
  private String view;

  public String getView() {
    return view;
  }

  public void setView(String view) {
    this.view = view;
  }

  public String getQuantize() {
    return quantize;
  }

  public void setQuantize(String quantize) {
    this.quantize = quantize;
  }

  public String getQuantizeWeights() {
    return quantizeWeights;
  }

  public void setQuantizeWeights(String quantizeWeights) {
    this.quantizeWeights = quantizeWeights;
  }

  public Long getShardSizeBytes() {
    return shardSizeBytes;
  }

  public void setShardSizeBytes(Long shardSizeBytes) {
    this.shardSizeBytes = shardSizeBytes;
  }

  public Boolean getSplitWeightsByLayer() {
    return splitWeightsByLayer;
  }

  public void setSplitWeightsByLayer(Boolean splitWeightsByLayer) {
    this.splitWeightsByLayer = splitWeightsByLayer;
  }

  public String getPreviewLibraries() {
    return previewLibraries;
  }

  public void setPreviewLibraries(String previewLibraries) {
    this.previewLibraries = previewLibraries;
  }

  public String getSignature() {
    return signature;
  }

  public void setSignature(String signature) {
    this.signature = signature;
  }

  public String getTags() {
    return tags;
  }

  public void setTags(String tags) {
    this.tags = tags;
  }

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

  public String getArtifact() {
    return artifact;
  }

  public void setArtifact(String artifact) {
    this.artifact = artifact;
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

  public Boolean getPreview() {
    return preview;
  }

  public void setPreview(Boolean preview) {
    this.preview = preview;
  }

  public List<LayerView> getLayers() {
    return layers;
  }

  public void setLayers(List<LayerView> layers) {
    this.layers = layers;
  }
}
