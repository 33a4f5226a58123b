package io.tensorspace.convert.keras;

import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.Weight;
import java.nio.file.Path;
import java.util.Set;

/** A group read through jHDF. */
record JhdfGroup(Group group) implements H5Group {
  /** {@code node} as a group, or null when it is none. */
  static JhdfGroup of(Object node) {
    return node instanceof Group g ? new JhdfGroup(g) : null;
  }

  @Override
  public H5Group group(String name) {
    return of(group.getChild(name));
  }

  @Override
  public Set<String> memberNames() {
    return group.getChildren().keySet();
  }

  @Override
  public boolean isDataset(String name) {
    return group.getChild(name) instanceof Dataset;
  }

  @Override
  public String path(String name) {
    return group.getChild(name).getPath();
  }

  @Override
  public Weight weight(Path archive, Path weightsFile, String name, String weight)
      throws ConversionException {
    return H5Tensor.weight(archive, weightsFile, weight, (Dataset) group.getChild(name));
  }
}
