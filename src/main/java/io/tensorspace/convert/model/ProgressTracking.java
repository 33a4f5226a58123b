package io.tensorspace.convert.model;

import io.tensorspace.convert.ProgressListener;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wraps a model's weights so that writing each one reports progress; the bytes are unchanged.
 * An anonymous class rather than a lambda: {@code FirstUse} loads a class ahead, while a lambda's
 * first call bootstraps one on the converting thread.
 */
public final class ProgressTracking {
  private ProgressTracking() {}

  public static LayersModel track(LayersModel model, ProgressListener listener) {
    long total = 0;
    for (Weight weight : model.weights()) {
      total += weight.byteLength();
    }
    long all = total;
    AtomicLong written = new AtomicLong();
    Map<String, List<Weight>> tracked = new LinkedHashMap<>();
    for (Map.Entry<String, List<Weight>> entry : model.weightsByLayer().entrySet()) {
      String layer = entry.getKey();
      List<Weight> weights = entry.getValue();
      List<Weight> list = new ArrayList<>();
      for (Weight weight : weights) {
        TensorData data = weight.data();
        AtomicBoolean counted = new AtomicBoolean();
        list.add(weight.withData(new TensorData() {
          @Override
          public void writeTo(OutputStream out) throws IOException {
            data.writeTo(out);
            // quantizing reads a tensor twice: count it once
            if (counted.compareAndSet(false, true)) {
              listener.weightsWritten(layer, written.addAndGet(weight.byteLength()), all);
            }
          }
        }));
      }
      tracked.put(layer, list);
    }
    return model.withWeights(tracked);
  }
}
