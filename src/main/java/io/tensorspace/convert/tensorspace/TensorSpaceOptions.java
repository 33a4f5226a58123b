package io.tensorspace.convert.tensorspace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the TensorSpace companion files are written beside a converted model.
 *
 * @param name the key under which {@code tensorspace-model.js} registers the model in
 *     {@code window.TensorSpaceModels}; null means the output folder's name
 * @param preview also write an {@code index.html} that shows the model
 * @param previewLibraries URL prefix the preview page loads TensorSpace and its dependencies from,
 *     as {@code <prefix><package>@<version>/<file>} (npm CDN layout); null for the default
 *     {@link #DEFAULT_LIBRARIES}
 * @param layers per-layer overrides, by layer name
 * @param view which drawable outputs the view shows; null means {@link View#AUTO}
 */
public record TensorSpaceOptions(String name, boolean preview, String previewLibraries,
    Map<String, LayerOverride> layers, View view) {

  /** jsDelivr's npm mirror; serve the same layout yourself to stay offline. */
  public static final String DEFAULT_LIBRARIES = "https://cdn.jsdelivr.net/npm/";

  /** Companion files without preview page or overrides. */
  public static final TensorSpaceOptions DEFAULT = new TensorSpaceOptions(null, false, null, Map.of());

  /** Options with the default view. */
  public TensorSpaceOptions(String name, boolean preview, String previewLibraries,
      Map<String, LayerOverride> layers) {
    this(name, preview, previewLibraries, layers, View.AUTO);
  }

  /**
   * What a user changes about one drawn layer.
   *
   * @param tspClass a TensorSpace layer class to use instead of the derived one (e.g. {@code Layer3d})
   * @param color the layer colour, e.g. {@code #ff0000}
   * @param outputs class labels, for an {@code Output1d}
   * @param initStatus {@code open} or {@code close}
   */
  public record LayerOverride(String tspClass, String color, List<String> outputs, String initStatus) {
    public LayerOverride {
      outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }
  }

  public TensorSpaceOptions {
    previewLibraries = previewLibraries == null || previewLibraries.isBlank()
        ? DEFAULT_LIBRARIES
        : previewLibraries.endsWith("/") ? previewLibraries : previewLibraries + "/";
    layers = layers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    view = view == null ? View.AUTO : view;
  }

  public TensorSpaceOptions withName(String newName) {
    return new TensorSpaceOptions(newName, preview, previewLibraries, layers, view);
  }

  /** The same options with the preview page, loading its scripts from {@code libraries}. */
  public TensorSpaceOptions withPreview(String libraries) {
    return new TensorSpaceOptions(name, true, libraries, layers, view);
  }
}
