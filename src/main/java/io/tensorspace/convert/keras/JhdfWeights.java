package io.tensorspace.convert.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.List;

/**
 * A Keras weights group read through jHDF: each layer by {@link H5Layers} when it is stored
 * plainly, else through jHDF's nodes, which report what is missing.
 */
final class JhdfWeights implements WeightsGroup {
  private final Path file;
  private final Group weights;
  private final H5Layers plainLayers;
  private final H5Prefetch prefetch;

  JhdfWeights(Path file, Group weights, H5Prefetch prefetch) {
    this.file = file;
    this.weights = weights;
    this.plainLayers = prefetch.layers(weights);
    this.prefetch = prefetch;
  }

  @Override
  public List<String> layerNames() {
    List<String> layers = plainLayers.layerNames();
    return layers != null ? layers : JhdfKerasFiles.layerNames(weights);
  }

  @Override
  public void reached(int index) {
    prefetch.reached(index);
  }

  @Override
  public List<String> weightNames(String layer) throws ConversionException {
    H5Layers.Layer plain = plainLayers.layer(layer);
    return plain != null ? plain.names()
        : H5Attributes.strings(group(file, weights, layer), "weight_names");
  }

  @Override
  public Weight weight(String layer, int index, String storedName, String name)
      throws ConversionException {
    H5Layers.Layer plain = plainLayers.layer(layer);
    if (plain != null) {
      return H5Tensor.weight(file, file, name, plain.datasets().get(index));
    }
    Node node = group(file, weights, layer).getByPath(storedName);
    if (!(node instanceof Dataset dataset)) {
      throw new ConversionException(
          file + ": layer '" + layer + "' lists weight '" + storedName
              + "' but the file has no such dataset. The file is damaged; save it again.");
    }
    return H5Tensor.weight(file, file, name, dataset);
  }

  private static Group group(Path file, Group parent, String name) throws ConversionException {
    Node node = parent.getByPath(name);
    if (!(node instanceof Group group)) {
      throw new ConversionException(
          file + ": the weights of layer '" + name + "' are missing from '" + parent.getPath()
              + "'. The file is damaged or belongs to another model.");
    }
    return group;
  }
}
