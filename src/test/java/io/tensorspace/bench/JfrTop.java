package io.tensorspace.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * The top entries of JFR execution samples taken in the plugin (scripts/profile-deep.sh): only
 * samples whose stack holds a frame of {@code io.tensorspace}, summed over several recordings.
 * Prints the methods by self samples (top frame) and by total samples (anywhere in the stack),
 * and the share spent loading classes.
 *
 * <p>usage: {@code JfrTop <top n> <recording.jfr>...}
 */
public final class JfrTop {
  private JfrTop() {}

  public static void main(String[] args) throws Exception {
    int top = Integer.parseInt(args[0]);
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    int samples = 0;
    for (int i = 1; i < args.length; i++) {
      for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[i]))) {
        if (!event.getEventType().getName().equals("jdk.ExecutionSample")
            || event.getStackTrace() == null) {
          continue;
        }
        List<RecordedFrame> frames = event.getStackTrace().getFrames();
        if (frames.stream().noneMatch(f -> name(f).startsWith("io.tensorspace."))) {
          continue;
        }
        samples++;
        self.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : frames) {
          String name = name(frame);
          if (isFramework(name)) {
            continue;
          }
          if (seen.add(name)) {
            total.merge(name, 1, Integer::sum);
          }
          if (isClassLoading(name) && seen.add("(class loading)")) {
            total.merge("(class loading)", 1, Integer::sum);
          }
        }
      }
    }
    System.out.printf("%d samples in io.tensorspace over %d recordings%n", samples,
        args.length - 1);
    print("self", self, samples, top);
    print("total", total, samples, top);
    Map<String, Integer> own = new HashMap<>();
    total.forEach((method, count) -> {
      if (method.startsWith("io.tensorspace.")) {
        own.put(method, count);
      }
    });
    print("total, io.tensorspace methods only", own, samples, top);
  }

  private static boolean isClassLoading(String method) {
    return method.startsWith("java.lang.ClassLoader.loadClass")
        || method.startsWith("java.lang.ClassLoader.defineClass")
        || method.startsWith("org.codehaus.plexus.classworlds.realm.ClassRealm.loadClass");
  }

  /** Maven, reflection and the mojo's entry frames: in every sample, so they say nothing. */
  private static boolean isFramework(String method) {
    return method.startsWith("org.apache.maven.") || method.startsWith("org.codehaus.plexus.")
        || method.startsWith("jdk.internal.reflect.") || method.startsWith("java.lang.reflect.")
        || method.startsWith("io.tensorspace.maven.");
  }

  private static String name(RecordedFrame frame) {
    RecordedMethod method = frame.getMethod();
    // a lambda's class name holds its address, different in every JVM
    return method == null ? "?" : method.getType().getName().replaceAll("\\$\\$Lambda.*", "\\$\\$Lambda")
        + "." + method.getName();
  }

  private static void print(String title, Map<String, Integer> counts, int samples, int top) {
    System.out.println("-- " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .forEach(e -> System.out.printf("%5.1f%% %5d  %s%n", 100.0 * e.getValue() / samples,
            e.getValue(), e.getKey()));
  }
}
