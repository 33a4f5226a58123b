package io.tensorspace.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.incremental.UpToDateCheck;
import io.tensorspace.testing.ModelCorpus;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Files and folders the user running Maven may not read are named with the fix. Root reads
 * anything whatever its mode, so as root the checks run in a child JVM under the unprivileged
 * user 65534 ({@code setpriv}), with the classpath copied where that user can read it.
 */
class UnreadablePathsTest {
  private Path root;
  /**
   * source, weights ("-" for none), output folder, state folder ("-" for a conversion without the
   * incremental record), how the message must start.
   */
  private final List<String[]> cases = new ArrayList<>();

  @BeforeEach
  void unreadableInputs() throws IOException {
    root = Files.createTempDirectory("tensorspace-unreadable");
    open(root);
    Path mnist = ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist").mainPath();
    Path file = copy(mnist, root.resolve("model.h5"));
    Path folder = Files.createDirectories(root.resolve("closed"));
    copy(mnist, folder.resolve("mnist.h5"));
    Path member = copy(mnist, Files.createDirectories(root.resolve("open")).resolve("mnist.h5"));
    open(member.getParent());
    var separated = ModelCorpus.byId("keras2-h5/tensorspace-keras-mnist-separated");
    Path topology = copy(separated.file("topology.json"), root.resolve("topology.json"));
    Path weights = copy(separated.file("weights.h5"), root.resolve("weights.h5"));
    Path tfjs = ModelCorpus.byId("tfjs-layers/tfjs2keras-cnn").copyTo(root.resolve("tfjs"));
    open(tfjs);
    Path shard = ModelCorpus.byId("tfjs-layers/tfjs2keras-gru").copyTo(root.resolve("gru"));
    open(shard);
    Path saved = ModelCorpus.byId("savedmodel/tfjs-node-times-three-float")
        .copyTo(root.resolve("saved"));
    open(saved);
    open(saved.resolve("variables"));
    Path variables = saved.resolve("variables/variables.data-00000-of-00001");
    // outputs go where anyone may write, but for the case of an output folder one may not
    Path out = Files.createDirectories(root.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path closedOut = Files.createDirectories(root.resolve("closed-out"));
    Files.setPosixFilePermissions(closedOut, PosixFilePermissions.fromString("r-xr-xr-x"));
    for (Path p : List.of(file, folder, member, weights, tfjs.resolve("model.json"),
        shard.resolve("weights.bin"), variables)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
    }
    add(file, null, out, "Cannot read " + file);
    add(folder, null, out, "Cannot read " + folder);
    add(member.getParent(), null, out, "Cannot read " + member);
    add(topology, weights, out, "Cannot read " + weights);
    add(tfjs, null, out, "Cannot read " + tfjs.resolve("model.json"));
    add(shard.resolve("model.json"), null, out, "Cannot read " + shard.resolve("weights.bin"));
    add(saved, null, out, "Cannot read " + variables);
    add(mnist, null, closedOut, "Cannot write " + closedOut);
    Path closedState = Files.createDirectories(root.resolve("closed-state"));
    Files.setPosixFilePermissions(closedState, PosixFilePermissions.fromString("r-xr-xr-x"));
    add(mnist, null, out, closedState, "Cannot write " + closedState);
  }

  private void add(Path source, Path weights, Path out, String start) {
    add(source, weights, out, null, start);
  }

  private void add(Path source, Path weights, Path out, Path state, String start) {
    cases.add(new String[] {source.toString(), weights == null ? "-" : weights.toString(),
        out.resolve(String.valueOf(cases.size())).toString(),
        state == null ? "-" : state.toString(), start + ": permission denied."});
  }

  @AfterEach
  void removeThem() throws IOException {
    try (var walk = Files.walk(root)) {
      walk.forEach(p -> {
        p.toFile().setReadable(true, false);
        p.toFile().setWritable(true, false);
      });
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void anUnreadableFileOrFolderIsNamedWithTheFix() throws Exception {
    List<String> messages;
    if (!Files.isReadable(Path.of(cases.get(0)[0]))) {
      messages = new ArrayList<>();
      for (String[] c : cases) {
        messages.add(message(c[0], c[1], c[2], c[3]));
      }
    } else {
      // root: chmod does not stop it reading, so ask an unprivileged user
      Assumptions.assumeTrue(new File("/usr/bin/setpriv").canExecute(),
          "running as root without setpriv: cannot make a file unreadable");
      messages = asUnprivilegedUser();
    }
    assertEquals(cases.size(), messages.size(), String.valueOf(messages));
    for (int i = 0; i < cases.size(); i++) {
      String message = messages.get(i);
      System.out.println("[unreadable] " + message);
      assertTrue(message.startsWith(cases.get(i)[4]), message);
      assertTrue(message.contains("chmod"), message);
    }
  }

  /** The conversion's refusal, one line; with a state folder, recorded as the Mojo does. */
  static String message(String source, String weights, String out, String state) {
    try {
      ConversionRequest request = new ConversionRequest(Path.of(source),
          weights.equals("-") ? null : Path.of(weights), Path.of(out), List.of(),
          List.of(), ConversionRequest.DEFAULT_SHARD_SIZE);
      if (state.equals("-")) {
        new Converter().convert(request);
      } else {
        UpToDateCheck.Recording recording = new UpToDateCheck(Path.of(state)).begin(request);
        new Converter(ProgressListener.NONE, recording).convert(request);
        recording.finish();
      }
      return "converted";
    } catch (ConversionException e) {
      return e.getMessage().replace('\n', ' ');
    } catch (Exception e) {
      return "unexpected " + e;
    }
  }

  /** Runs {@link #message} for every case in a JVM of user 65534 and returns its lines. */
  private List<String> asUnprivilegedUser() throws Exception {
    Path classpath = Files.createDirectories(root.resolve("classpath"));
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path from = Path.of(entry);
      if (Files.isRegularFile(from) && Files.size(from) < (64 << 20)) {
        Path to = classpath.resolve(n++ + "-" + from.getFileName());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        to.toFile().setReadable(true, false);
        entries.add(to.toString());
      } else if (Files.isDirectory(from)) {
        Path to = classpath.resolve(n++ + "-classes");
        copyTree(from, to);
        entries.add(to.toString());
      }
    }
    List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534",
        "--regid=65534", "--clear-groups",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, entries), Child.class.getName()));
    for (String[] c : cases) {
      command.addAll(List.of(c[0], c[1], c[2], c[3]));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM did not end");
    assertEquals(0, process.exitValue(), output);
    return output.lines().filter(l -> l.startsWith("message: "))
        .map(l -> l.substring("message: ".length())).toList();
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
          open(target);
        } else {
          Files.copy(p, target);
          target.toFile().setReadable(true, false);
        }
      }
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    to.toFile().setReadable(true, false);
    return to;
  }

  private static void open(Path folder) throws IOException {
    Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The child JVM: source, weights, output and state of each case as arguments, a line each. */
  public static final class Child {
    public static void main(String[] args) {
      for (int i = 0; i + 3 < args.length; i += 4) {
        System.out.println("message: " + message(args[i], args[i + 1], args[i + 2], args[i + 3]));
      }
    }
  }
}
