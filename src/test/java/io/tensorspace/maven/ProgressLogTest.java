package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.CopiedRegions;
import io.tensorspace.testing.ModelCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressLogTest {
  private static final long SECOND = 1_000_000_000L;

  private static final class CapturingLog extends SystemStreamLog {
    final List<String> lines = new ArrayList<>();

    @Override
    public void info(CharSequence content) {
      lines.add(content.toString());
    }
  }

  @Test
  void largeModelsLogAtMostEveryThreeSeconds() {
    CapturingLog log = new CapturingLog();
    AtomicLong now = new AtomicLong();
    ProgressLog progress = new ProgressLog(log, "vgg", now::get);
    long total = 500L << 20;
    for (int second = 1; second <= 10; second++) {
      now.set(second * SECOND);
      progress.weightsWritten("dense_" + second, total * second / 11, total);
    }
    assertEquals(3, log.lines.size(), log.lines.toString());
    assertTrue(log.lines.get(0).startsWith("TensorSpace model 'vgg': 27% of 524,288,000"),
        log.lines.get(0));
  }

  @Test
  void theTotalIsGroupedInTheDefaultLocale() throws Exception {
    CapturingLog log = new CapturingLog();
    AtomicLong now = new AtomicLong();
    ProgressLog progress = new ProgressLog(log, "vgg", now::get);
    now.set(5 * SECOND);
    GroupedDigitsTest.inLocale(Locale.GERMAN, () -> {
      progress.weightsWritten("dense", 100L << 20, 500L << 20);
      return null;
    });
    assertEquals(List.of("TensorSpace model 'vgg': 20% of 524.288.000 weight bytes (layer dense)"),
        log.lines);
  }

  @Test
  void smallModelsAndTheLastTensorLogNothing() {
    CapturingLog log = new CapturingLog();
    AtomicLong now = new AtomicLong();
    ProgressLog progress = new ProgressLog(log, "lenet", now::get);
    now.set(10 * SECOND);
    progress.weightsWritten("dense", 1000, 2000);
    progress.weightsWritten("dense", 600L << 20, 600L << 20);
    assertEquals(List.of(), log.lines);
  }

  @Test
  void converterReportsEveryByteOnce(@TempDir Path temp) throws Exception {
    List<Long> written = new ArrayList<>();
    AtomicLong total = new AtomicLong();
    var result = new Converter((layer, done, all) -> {
      written.add(done);
      total.set(all);
    }, CopiedRegions.NONE).convert(new ConversionRequest(
        ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath(), null, temp.resolve("out"),
        List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE));
    assertEquals(result.weightBytes(), total.get());
    assertEquals(result.weightBytes(), (long) written.get(written.size() - 1));
    for (int i = 1; i < written.size(); i++) {
      assertTrue(written.get(i) > written.get(i - 1));
    }
  }
}
