package io.tensorspace.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads async-profiler's wall-clock samples (collapsed stacks, scripts/profile-deep.sh) of the
 * Maven thread running the preprocess goal, which is the conversion's critical path. Unlike JFR's
 * execution samples, they include time the thread spends in the JVM itself: loading, verifying
 * and linking classes, bootstrapping lambdas, waiting for the weight-copy threads. Prints what the
 * thread was doing, in milliseconds per run, and the plugin's methods by inclusive time.
 *
 * <p>usage: {@code WallProfile <top n> <collapsed.txt>...} (one file per run, 1 ms interval)
 */
public final class WallProfile {
  private static final String GOAL = "io/tensorspace/maven/PreprocessMojo.execute";

  /** First match wins, tested on the whole stack: what the thread waits for or does. */
  private static final Map<String, List<String>> ACTIVITIES = activities();

  private WallProfile() {}

  public static void main(String[] args) throws IOException {
    int top = Integer.parseInt(args[0]);
    int runs = args.length - 1;
    Map<String, Long> activity = new LinkedHashMap<>();
    ACTIVITIES.keySet().forEach(name -> activity.put(name, 0L));
    activity.put("running code", 0L);
    Map<String, Long> inclusive = new TreeMap<>();
    long samples = 0;
    for (int i = 1; i < args.length; i++) {
      for (String line : Files.readAllLines(Path.of(args[i]))) {
        int space = line.lastIndexOf(' ');
        String stack = line.substring(0, space);
        if (!stack.contains(GOAL)) {
          continue;
        }
        long count = Long.parseLong(line.substring(space + 1));
        samples += count;
        activity.merge(activityOf(stack), count, Long::sum);
        Stacks.addInclusive(stack, count, inclusive);
      }
    }
    System.out.printf("%d runs, %.0f ms per run on the goal's thread%n", runs, (double) samples / runs);
    System.out.println("-- what the thread did (ms per run, share)");
    for (Map.Entry<String, Long> e : activity.entrySet()) {
      System.out.printf("%7.1f  %5.1f%%  %s%n", (double) e.getValue() / runs,
          100.0 * e.getValue() / Math.max(1, samples), e.getKey());
    }
    System.out.println("-- plugin methods by inclusive time (ms per run)");
    List<Map.Entry<String, Long>> methods = new ArrayList<>(inclusive.entrySet());
    methods.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (Map.Entry<String, Long> e : methods.subList(0, Math.min(top, methods.size()))) {
      System.out.printf("%7.1f  %s%n", (double) e.getValue() / runs, e.getKey());
    }
  }

  private static String activityOf(String stack) {
    return Stacks.classify(stack, ACTIVITIES, "running code");
  }

  private static Map<String, List<String>> activities() {
    Map<String, List<String>> activities = new LinkedHashMap<>();
    activities.put("waiting for the weight-copy threads", List.of("Semaphore.acquire",
        "RegionTransfers.close"));
    activities.put("waiting for the companion thread", List.of("AtomicDirectory.joinUninterruptibly"));
    activities.put("bootstrapping lambdas and indy call sites", List.of("linkCallSite",
        "LambdaMetafactory", "linkDynamicConstant", "linkMethodHandleConstant"));
    activities.put("loading, verifying, linking classes", List.of("ClassLoader.defineClass",
        "ClassLoader.loadClass", "ClassRealm.loadClass", "SystemDictionary::", "ClassFileParser::",
        "Verifier::", "LinkResolver::", "InterpreterRuntime::resolve", "InstanceKlass::link",
        "InstanceKlass::initialize", "ConstantPool::klass_at"));
    activities.put("file system calls", List.of("sun/nio/ch/FileChannelImpl", "sun/nio/fs/",
        "java/io/FileOutputStream", "java/io/FileInputStream", "java/io/RandomAccessFile"));
    return activities;
  }
}
