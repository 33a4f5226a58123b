package io.tensorspace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads async-profiler's CPU samples of every thread of the Maven JVM (collapsed stacks with
 * thread names, scripts/profile-deep.sh with PROFILER=cpu), for builds that skip the goal and
 * builds that convert. On a 2-core machine the JIT compilers keep about one core busy for the
 * whole build, so the conversion's wall time follows the CPU its own threads use: this shows how
 * much that is and on what, and what converting adds to the JIT's and the GC's work.
 *
 * <p>usage: {@code CpuProfile <top n> <skip runs> <collapsed.txt>...} (the skipped builds' files
 * first, 1 ms interval)
 */
public final class CpuProfile {
  private static final String GOAL = "io/tensorspace/maven/PreprocessMojo.execute";

  /** What the plugin's threads spend CPU on; first match wins, tested on the whole stack. */
  private static final Map<String, List<String>> ACTIVITIES = new LinkedHashMap<>();

  static {
    ACTIVITIES.put("loading, verifying, linking classes", List.of("SystemDictionary",
        "ClassFileParser", "ClassLoader.defineClass", "Verifier", "LinkResolver",
        "InstanceKlass::link", "ClassLoader.loadClass", "findClass"));
    ACTIVITIES.put("bootstrapping lambdas and indy call sites", List.of("LambdaMetafactory",
        "MethodHandleNatives", "BootstrapMethodInvoker"));
    ACTIVITIES.put("copying weights", List.of("RegionTransfers.transfer"));
    ACTIVITIES.put("other system calls", List.of("entry_SYSCALL", "do_syscall"));
  }

  private CpuProfile() {}

  public static void main(String[] args) throws IOException {
    int top = Integer.parseInt(args[0]);
    int skipRuns = Integer.parseInt(args[1]);
    List<Path> skipped = new ArrayList<>();
    List<Path> converting = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      (i - 2 < skipRuns ? skipped : converting).add(Path.of(args[i]));
    }
    Map<String, Double> skip = perRun(skipped, null, null);
    Map<String, Long> activity = new LinkedHashMap<>();
    Map<String, Long> inclusive = new LinkedHashMap<>();
    Map<String, Double> convert = perRun(converting, activity, inclusive);
    System.out.printf("CPU ms per build by thread: %d skipped builds, %d converting%n",
        skipped.size(), converting.size());
    System.out.printf("%-34s %9s %9s %9s%n", "", "skip", "convert", "added");
    for (String group : convert.keySet()) {
      double before = skip.getOrDefault(group, 0.0);
      double after = convert.get(group);
      System.out.printf("%-34s %9.1f %9.1f %9.1f%n", group, before, after, after - before);
    }
    int runs = converting.size();
    System.out.println("-- the plugin's threads by activity (ms per build)");
    long plugin = 0;
    for (long count : activity.values()) {
      plugin += count;
    }
    for (Map.Entry<String, Long> e : activity.entrySet()) {
      System.out.printf("%7.1f  %5.1f%%  %s%n", (double) e.getValue() / runs,
          100.0 * e.getValue() / Math.max(1, plugin), e.getKey());
    }
    System.out.println("-- the plugin's methods by inclusive CPU (ms per build)");
    inclusive.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> System.out.printf("%7.1f  %s%n", (double) e.getValue() / runs, e.getKey()));
  }

  /**
   * CPU ms per run by thread group; when {@code activity} is given, also the plugin's samples by
   * activity and by inclusive method.
   */
  private static Map<String, Double> perRun(List<Path> files, Map<String, Long> activity,
      Map<String, Long> inclusive) throws IOException {
    Map<String, Long> groups = new LinkedHashMap<>();
    for (String group : List.of("the plugin's threads", "JIT compilers", "garbage collector",
        "Maven and the JVM's other work")) {
      groups.put(group, 0L);
    }
    if (activity != null) {
      for (String name : ACTIVITIES.keySet()) {
        activity.put(name, 0L);
      }
      activity.put("running code", 0L);
    }
    for (Path file : files) {
      for (String line : Files.readAllLines(file)) {
        int space = line.lastIndexOf(' ');
        String stack = line.substring(0, space);
        long count = Long.parseLong(line.substring(space + 1));
        String group = groupOf(stack);
        groups.merge(group, count, Long::sum);
        if (activity != null && group.equals("the plugin's threads")) {
          activity.merge(activityOf(stack), count, Long::sum);
          Stacks.addInclusive(stack, count, inclusive);
        }
      }
    }
    Map<String, Double> perRun = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : groups.entrySet()) {
      perRun.put(e.getKey(), files.isEmpty() ? 0.0 : (double) e.getValue() / files.size());
    }
    return perRun;
  }

  /** The thread group of a stack whose first frame is {@code [thread name tid=N]}. */
  private static String groupOf(String stack) {
    String thread = stack.substring(0, Math.max(0, stack.indexOf(';')));
    if (thread.startsWith("[tensorspace") || stack.contains(GOAL)) {
      return "the plugin's threads";
    }
    if (thread.startsWith("[C1 ") || thread.startsWith("[C2 ")) {
      return "JIT compilers";
    }
    if (thread.contains("GC") || thread.startsWith("[G1")) {
      return "garbage collector";
    }
    return "Maven and the JVM's other work";
  }

  private static String activityOf(String stack) {
    return Stacks.classify(stack, ACTIVITIES, "running code");
  }
}
