package io.tensorspace.convert.keras;

import io.tensorspace.convert.hdf5.Hdf5Object;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A group read by {@link io.tensorspace.convert.hdf5.Hdf5File}. What it does not read throws
 * {@link io.tensorspace.convert.hdf5.Hdf5Unsupported}, and the file is read again through jHDF.
 */
record PlainGroup(Hdf5Object group, String path) implements H5Group {
  /** {@code node} at {@code path} as a group, or null when there is none or it is a dataset. */
  static PlainGroup of(Hdf5Object node, String path) {
    return node == null || node.isDataset() ? null : new PlainGroup(node, path);
  }

  @Override
  public H5Group group(String name) {
    return of(group.child(name), path + name + "/");
  }

  @Override
  public Set<String> memberNames() {
    return new LinkedHashSet<>(group.childNames());
  }

  @Override
  public boolean isDataset(String name) {
    Hdf5Object member = group.child(name);
    return member != null && member.isDataset();
  }

  @Override
  public String path(String name) {
    return path + name;
  }

  @Override
  public Weight weight(Path archive, Path weightsFile, String name, String weight) {
    return Hdf5Tensor.weight(weightsFile, weight, group.child(name));
  }
}
