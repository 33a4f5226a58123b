package io.tensorspace.maven;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions;
import io.tensorspace.convert.tensorspace.View;
import io.tensorspace.convert.write.Quantize;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What the goals that convert models share ({@code preprocess} and {@code view}): how the weights
 * are stored, what TensorSpace shows, and turning a model's settings into a conversion request.
 */
abstract class AbstractConvertingMojo extends AbstractTensorSpaceMojo {

  /** Size of each weight shard but the last, in bytes; a {@code <model>} can set its own. */
  @Parameter(property = "tensorspace.shardSizeBytes", defaultValue = "4194304")
  private long shardSizeBytes;

  /**
   * Stores float32 weights in fewer bytes: {@code none}, {@code uint8} (a quarter of the size),
   * {@code uint16} (half) or {@code float16} (half; TensorSpace 0.6.1's tfjs 1.x cannot read it,
   * it needs tfjs 2.0.1 or newer). Weights of a TensorFlow.js model that are already quantized stay
   * as they are unless another kind is asked for. A {@code <model>} can set its own.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.quantize", defaultValue = "none")
  private String quantize;

  /**
   * Limits {@code quantize} to the weights whose names match one of these comma-separated patterns
   * ({@code *} matches anything, e.g. {@code conv2d*}{@code /kernel}); empty means every float32
   * weight. A {@code <model>} can set its own.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.quantizeWeights")
  private String quantizeWeights;

  /**
   * Writes one weight group (its own shard files) per layer instead of one for the whole model; a
   * {@code <model>} can set its own.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.splitWeightsByLayer", defaultValue = "false")
  private boolean splitWeightsByLayer;
  /**
   * URL prefix the preview page loads TensorSpace, three.js, tween.js and TensorFlow.js from, as
   * {@code <prefix><package>@<version>/<file>}; default jsDelivr's npm mirror. A {@code <model>} can
   * set its own.
   */
  @Parameter(property = "tensorspace.previewLibraries")
  private String previewLibraries;

  /**
   * Which outputs the TensorSpace view draws (the converted model returns all of them either way):
   * {@code auto} (every drawable output up to 40, a block-level view of merges, depthwise-separable
   * pairs, stage boundaries, pooling and the classifier above), {@code all}, {@code blocks}, or a
   * comma-separated list of output names. A {@code <model>} can set its own.
   *
   * @since 0.1.0
   */
  @Parameter(property = "tensorspace.view", defaultValue = "auto")
  private String view;

  /** Converts every model even when nothing changed since the last build. */
  @Parameter(property = "tensorspace.force", defaultValue = "false")
  boolean force;

  /**
   * What converting the model into {@code target} means: the model's own settings where it has
   * them, this goal's otherwise.
   */
  ConversionRequest request(Model model, File target) throws MojoFailureException {
    long shardSize = either(model.getShardSizeBytes(), shardSizeBytes);
    if (shardSize < 1) {
      throw new MojoFailureException("Model '" + model.getName() + "': <shardSizeBytes> /"
          + " -Dtensorspace.shardSizeBytes must be a positive number of bytes, e.g. 4194304 (4 MiB),"
          + " but is " + shardSize + ".");
    }
    return new ConversionRequest(
        model.getSource().toPath(),
        model.getWeights() == null ? null : model.getWeights().toPath(),
        target.toPath(),
        commaList(model.getOutputLayers()),
        commaList(model.getExcludeLayers()),
        shardSize)
        .withWeightOptions(
            quantize(model),
            commaList(either(model.getQuantizeWeights(), quantizeWeights)),
            either(model.getSplitWeightsByLayer(), splitWeightsByLayer))
        .withTensorSpace(tensorSpaceOptions(model))
        .withGraphOptions(graphOptions(model))
        .withArtifact(artifactOf(model));
  }

  /** Whether a model without its own {@code <preview>} gets a preview page. */
  abstract boolean previewByDefault();

  /** A model's own setting, or the goal's when the model has none. */
  static <T> T either(T own, T goal) {
    return own == null ? goal : own;
  }

  private Quantize quantize(Model model) throws MojoFailureException {
    try {
      return Quantize.parse(either(model.getQuantize(), quantize));
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException("Model '" + model.getName() + "': " + e.getMessage()
          + " (<quantize> / -Dtensorspace.quantize).");
    }
  }

  private TensorSpaceOptions tensorSpaceOptions(Model model) {
    Map<String, TensorSpaceOptions.LayerOverride> layers = new LinkedHashMap<>();
    if (model.getLayers() != null) {
      for (LayerView view : model.getLayers()) {
        layers.put(view.getName(), new TensorSpaceOptions.LayerOverride(view.getTensorSpaceClass(),
            view.getColor(), commaList(view.getOutputs()), view.getInitStatus()));
      }
    }
    return new TensorSpaceOptions(model.getName(), either(model.getPreview(), previewByDefault()),
        either(model.getPreviewLibraries(), previewLibraries), layers,
        View.parse(either(model.getView(), view)));
  }
}
