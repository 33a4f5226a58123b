package io.tensorspace.convert.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parses an HDF5 file's layer groups and datasets on a second thread, last layer first, while the
 * reading thread reads the model config and then describes the layers first to last. jHDF parses
 * each group's and dataset's object header (twice) and attributes in what is still interpreted
 * code in a fresh JVM: most of reading a deep model, while the second core is mostly idle. jHDF
 * keeps what it parsed, thread-safely, so the reading thread finds it done. The reading thread
 * makes every call itself, so what it reads and the errors it reports are as without this; a
 * failure here only ends the prefetch.
 */
final class H5Prefetch implements AutoCloseable {
  private final HdfFile hdf;
  /** Layers the reading thread has started on; the prefetch stops where the two meet. */
  private final AtomicInteger reached = new AtomicInteger(-1);

  private H5Prefetch(HdfFile hdf) {
    this.hdf = hdf;
  }

  /**
   * Starts parsing the layers of {@code hdf} (of its {@code model_weights} group, or of the root
   * in a {@code save_weights} file); returns at once, so that the reading thread reads the model
   * config meanwhile.
   */
  static H5Prefetch start(HdfFile hdf) {
    H5Prefetch prefetch = new H5Prefetch(hdf);
    Thread thread = new Thread(prefetch::run, "tensorspace-hdf5-prefetch");
    thread.setDaemon(true);
    thread.start();
    return prefetch;
  }

  /** The reading thread has started on layer {@code index}: the prefetch leaves it and earlier. */
  void reached(int index) {
    reached.accumulateAndGet(index, Math::max);
  }

  @Override
  public void close() {
    reached.set(Integer.MAX_VALUE);
  }

  private void run() {
    try {
      // the root's attributes hold the model config the reading thread reads meanwhile
      Group weights = hdf.getChild("model_weights") instanceof Group g ? g : hdf;
      List<String> layers = KerasH5Reader.layerNames(weights);
      for (int i = layers.size() - 1; i > reached.get(); i--) {
        parse(weights, layers.get(i));
      }
    } catch (RuntimeException e) {
      // the reading thread meets it, and reports it
    }
  }

  private static void parse(Group weights, String layer) {
    if (!(weights.getByPath(layer) instanceof Group group)) {
      return;
    }
    for (String name : H5Attributes.strings(group, "weight_names")) {
      group.getByPath(name);
    }
  }
}
