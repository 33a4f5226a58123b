package io.tensorspace.maven;

import io.tensorspace.convert.ProgressListener;
import java.util.function.LongSupplier;
import org.apache.maven.plugin.logging.Log;

/**
 * Logs the progress of a large conversion, at most every few seconds, so a long build step shows
 * it is alive; small models (the usual case) log nothing here.
 */
final class ProgressLog implements ProgressListener {
  static final long LARGE_MODEL_BYTES = 50L << 20;
  static final long INTERVAL_NANOS = 3_000_000_000L;

  private final Log log;
  private final String model;
  private final LongSupplier clock;
  private long last;

  ProgressLog(Log log, String model) {
    this(log, model, null);
  }

  /** @param clock nanoseconds, for tests; null for {@link System#nanoTime} */
  ProgressLog(Log log, String model, LongSupplier clock) {
    this.log = log;
    this.model = model;
    this.clock = clock;
    this.last = now();
  }

  @Override
  public synchronized void weightsWritten(String layer, long written, long total) {
    long now = now();
    if (total < LARGE_MODEL_BYTES || written >= total || now - last < INTERVAL_NANOS) {
      return;
    }
    last = now;
    log.info("TensorSpace model '" + model + "': " + written * 100 / total + "% of "
        + GroupedDigits.of(total) + " weight bytes (layer " + layer + ")");
  }

  /** Not a method reference: its first call would bootstrap a class in every conversion. */
  private long now() {
    return clock == null ? System.nanoTime() : clock.getAsLong();
  }
}
