package io.tensorspace.bench;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.ConversionResult;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.convert.incremental.UpToDateCheck;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;

/**
 * One timed conversion in a fresh JVM, for scripts/benchmark.sh. Usage: {@code ConversionRun
 * <source> <output> [<warm-up model>...]}. The warm-up models (small corpus models) are converted
 * first: that time is the fixed start-up (class loading, first use of the readers and writers).
 * Then the source is converted as the preprocess goal does it, the regions it copies checksummed
 * on the way, and recorded for incremental builds. Prints {@code startupMillis=… millis=…
 * recordMillis=… peakHeapMiB=… bytes=… noopMillis=…}: the conversion, the record afterwards
 * (checksumming what the conversion did not copy), and the up-to-date check a following no-op
 * build makes.
 */
public final class ConversionRun {
  private ConversionRun() {}

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[1]);
    long warmUpStart = System.nanoTime();
    for (int i = 2; i < args.length; i++) {
      new Converter().convert(request(Path.of(args[i]), Path.of(args[1] + "-warm-up-" + i)));
    }
    long startup = (System.nanoTime() - warmUpStart) / 1_000_000;
    ConversionRequest request = request(Path.of(args[0]), output);
    UpToDateCheck check = new UpToDateCheck(Path.of(args[1] + ".state"));
    long start = System.nanoTime();
    UpToDateCheck.Recording recording = check.begin(request);
    ConversionResult result = new Converter(ProgressListener.NONE, recording).convert(request);
    long converted = System.nanoTime();
    recording.finish();
    long recorded = System.nanoTime();
    if (!check.isUpToDate(request)) {
      throw new IllegalStateException("a model just converted must be up to date");
    }
    long noop = (System.nanoTime() - recorded) / 1_000_000;
    System.out.println("startupMillis=" + startup + " millis=" + (converted - start) / 1_000_000
        + " recordMillis=" + (recorded - converted) / 1_000_000 + " peakHeapMiB=" + peakHeapMiB()
        + " bytes=" + result.weightBytes() + " noopMillis=" + noop);
  }

  private static ConversionRequest request(Path source, Path output) {
    return new ConversionRequest(source, null, output, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE);
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
