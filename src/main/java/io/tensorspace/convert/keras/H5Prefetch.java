package io.tensorspace.convert.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Parses an HDF5 file's layer groups and datasets on a second thread, last layer first, while the
 * reading thread reads the model config and then describes the layers first to last. Parsing
 * object headers and attributes, in what is still interpreted code in a fresh JVM, is most of
 * reading a deep model, while the second core is mostly idle. {@link H5Layers} (or, for a layer
 * it does not read, jHDF) keeps what it parsed, thread-safely, so the reading thread finds it
 * done. The reading thread makes every call itself, so what it reads and the errors it reports
 * are as without this; a failure here only ends the prefetch.
 */
final class H5Prefetch implements AutoCloseable, Runnable {
  private final HdfFile hdf;
  /** Layers the reading thread has started on; the prefetch stops where the two meet. */
  private final AtomicInteger reached = new AtomicInteger(-1);
  /** The layers both threads read, made by whichever thread comes first. */
  private final AtomicReference<H5Layers> layers = new AtomicReference<>();

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
    Thread thread = new Thread(prefetch, "tensorspace-hdf5-prefetch");
    thread.setDaemon(true);
    thread.start();
    return prefetch;
  }

  /** The reading thread has started on layer {@code index}: the prefetch leaves it and earlier. */
  void reached(int index) {
    // only the reading thread moves it (a method reference here cost a class on first use)
    if (index > reached.get()) {
      reached.set(index);
    }
  }

  /** The layers of {@code weights}, shared with the prefetch when it reads the same group. */
  H5Layers layers(Group weights) {
    H5Layers mine = new H5Layers(weights);
    H5Layers shared = layers.compareAndExchange(null, mine);
    return shared == null ? mine : shared.weights() == weights ? shared : mine;
  }

  @Override
  public void close() {
    reached.set(Integer.MAX_VALUE);
  }

  /** The prefetch thread's work (this, not a method reference: no class made at run time). */
  @Override
  public void run() {
    try {
      // the root's attributes hold the model config the reading thread reads meanwhile
      Group weights = hdf.getChild("model_weights") instanceof Group g ? g : hdf;
      H5Layers plain = layers(weights);
      List<String> names = plain.layerNames();
      if (names == null) {
        names = JhdfKerasFiles.layerNames(weights);
      }
      for (int i = names.size() - 1; i > reached.get(); i--) {
        if (plain.layer(names.get(i)) == null) {
          parse(weights, names.get(i));
        }
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
