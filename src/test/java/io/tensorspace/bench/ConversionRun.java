package io.tensorspace.bench;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;

/**
 * One timed conversion in a fresh JVM, for scripts/benchmark.sh: prints
 * {@code millis=… peakHeapMiB=… bytes=…}. With {@code --noop} it only starts, to measure the JVM's
 * fixed start-up.
 */
public final class ConversionRun {
  private ConversionRun() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--noop")) {
      System.out.println("millis=0 peakHeapMiB=" + peakHeapMiB() + " bytes=0");
      return;
    }
    long start = System.nanoTime();
    ConversionResult result = new Converter().convert(new ConversionRequest(
        Path.of(args[0]), null, Path.of(args[1]), List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("millis=" + millis + " peakHeapMiB=" + peakHeapMiB() + " bytes="
        + result.weightBytes());
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
