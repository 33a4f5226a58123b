package io.tensorspace.convert.keras;

import io.jhdf.api.Group;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Parses a weights group's layer groups and datasets on a second thread, last layer first, while
 * the reading thread describes them first to last. jHDF parses each group's and dataset's object
 * header (twice) and attributes in what is still interpreted code in a fresh JVM: most of reading
 * a deep model, while the second core is mostly idle. jHDF keeps what it parsed, thread-safely,
 * so the reading thread finds it done. The reading thread makes every call itself, so what it
 * reads and the errors it reports are as without this; a failure here only ends the prefetch.
 */
final class H5Prefetch implements AutoCloseable {
  private final Group weights;
  /** Layers the reading thread has started on; the prefetch stops where the two meet. */
  private final AtomicInteger reached = new AtomicInteger(-1);

  private H5Prefetch(Group weights) {
    this.weights = weights;
  }

  /** Starts parsing the layers of {@code weights}; returns at once. */
  static H5Prefetch start(Group weights) {
    H5Prefetch prefetch = new H5Prefetch(weights);
    Thread thread = new Thread(prefetch::run, "tensorspace-hdf5-prefetch");
    thread.setDaemon(true);
    thread.start();
    return prefetch;
  }

  /** The reading thread has started on layer {@code index}: the prefetch leaves it and those before. */
  void reached(int index) {
    reached.accumulateAndGet(index, Math::max);
  }

  @Override
  public void close() {
    reached.set(Integer.MAX_VALUE);
  }

  private void run() {
    try {
      List<String> layers = KerasH5Reader.layerNames(weights);
      for (int i = layers.size() - 1; i > reached.get(); i--) {
        parse(layers.get(i));
      }
    } catch (RuntimeException e) {
      // the reading thread meets it, and reports it
    }
  }

  private void parse(String layer) {
    if (!(weights.getByPath(layer) instanceof Group group)) {
      return;
    }
    for (String name : H5Attributes.strings(group, "weight_names")) {
      group.getByPath(name);
    }
  }
}
