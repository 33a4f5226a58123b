package io.tensorspace.convert.keras;

import io.tensorspace.convert.hdf5.Hdf5Attribute;
import io.tensorspace.convert.hdf5.Hdf5Object;
import io.tensorspace.convert.hdf5.Hdf5Unsupported;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras weights group read by {@link io.tensorspace.convert.hdf5.Hdf5File}, and the string
 * attributes Keras writes, read as {@link H5Attributes} reads them. Anything missing or unusual
 * (where the jHDF path would report an error or read differently) throws {@link Hdf5Unsupported},
 * so that the whole file is read again through jHDF, which reports it.
 */
final class PlainWeights implements WeightsGroup {
  private final Path file;
  private final Hdf5Object weights;

  PlainWeights(Path file, Hdf5Object weights) {
    this.file = file;
    this.weights = weights;
  }

  @Override
  public List<String> layerNames() {
    List<String> names = strings(weights, "layer_names");
    if (names.isEmpty()) {
      throw new Hdf5Unsupported("no layer_names"); // jHDF lists the group
    }
    return names;
  }

  @Override
  public List<String> weightNames(String layer) {
    Hdf5Object group = at(weights, layer);
    if (group.isDataset()) {
      throw new Hdf5Unsupported("a layer that is a dataset");
    }
    return strings(group, "weight_names");
  }

  @Override
  public Weight weight(String layer, int index, String storedName, String name) {
    Hdf5Object dataset = at(weights, layer + "/" + storedName);
    if (!dataset.isDataset()) {
      throw new Hdf5Unsupported("a weight that is a group");
    }
    return Hdf5Tensor.weight(file, name, dataset);
  }

  /** The object at {@code path} (names separated by '/') below {@code group}, as jHDF finds it. */
  private static Hdf5Object at(Hdf5Object group, String path) {
    Hdf5Object at = group;
    for (String name : path.split("/", -1)) {
      at = name.isEmpty() || name.equals(".") ? null : at.child(name);
      if (at == null) {
        throw new Hdf5Unsupported("no member " + path);
      }
    }
    return at;
  }

  /** As {@link H5Attributes#string}: a scalar string attribute, or null when absent. */
  static String string(Hdf5Object node, String name) {
    Hdf5Attribute attribute = node.attribute(name);
    if (attribute == null || attribute.isEmpty()) {
      return null;
    }
    List<String> values = attribute.strings();
    return values.isEmpty() ? null : values.get(0);
  }

  /** As {@link H5Attributes#strings}: a list of strings, joined from Keras' chunks if split. */
  static List<String> strings(Hdf5Object node, String name) {
    Hdf5Attribute attribute = node.attribute(name);
    if (attribute != null) {
      return attribute.isEmpty() ? List.of() : attribute.strings();
    }
    List<String> joined = new ArrayList<>();
    for (int chunk = 0; ; chunk++) {
      Hdf5Attribute part = node.attribute(name + chunk);
      if (part == null) {
        return joined;
      }
      if (!part.isEmpty()) {
        joined.addAll(part.strings());
      }
    }
  }

  /** As {@link H5Attributes#has}. */
  static boolean has(Hdf5Object node, String name) {
    return node.attribute(name) != null || node.attribute(name + "0") != null;
  }
}
