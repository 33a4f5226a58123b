package io.tensorspace.bench;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.incremental.UpToDateCheck;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;

/**
 * One timed conversion in a fresh JVM, for scripts/benchmark.sh: prints
 * {@code millis=… peakHeapMiB=… bytes=… noopMillis=…}, the last being the up-to-date check a
 * following no-op build makes.
 */
public final class ConversionRun {
  private ConversionRun() {}

  public static void main(String[] args) throws Exception {
    ConversionRequest request = new ConversionRequest(Path.of(args[0]), null, Path.of(args[1]),
        List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE);
    UpToDateCheck check = new UpToDateCheck(Path.of(args[1] + ".state"));
    UpToDateCheck.Recording recording = check.begin(request);
    long start = System.nanoTime();
    ConversionResult result = new Converter().convert(request);
    long millis = (System.nanoTime() - start) / 1_000_000;
    recording.finish();
    // what a following no-op build costs: the up-to-date check the preprocess goal makes
    long checkStart = System.nanoTime();
    if (!check.isUpToDate(request)) {
      throw new IllegalStateException("a model just converted must be up to date");
    }
    long noop = (System.nanoTime() - checkStart) / 1_000_000;
    System.out.println("millis=" + millis + " peakHeapMiB=" + peakHeapMiB() + " bytes="
        + result.weightBytes() + " noopMillis=" + noop);
  }

  private static long peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
