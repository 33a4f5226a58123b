package io.tensorspace.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of {@code src/test/node} (the scripts that write test models with real
 * TensorFlow.js) with the Node executable of {@code -Dtensorspace.node}, and fails the test with
 * its output when it fails or takes longer than allowed.
 */
public final class NodeScripts {
  private NodeScripts() {}

  /**
   * @param script file name in {@code src/test/node}, e.g. {@code make-test-models.js}
   * @param timeoutSeconds how long it may take
   * @param args its arguments
   */
  public static void run(String script, long timeoutSeconds, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("tensorspace.node", "node"));
    command.add(script);
    command.addAll(List.of(args));
    Process node = new ProcessBuilder(command)
        .directory(Path.of("src", "test", "node").toFile())
        .redirectErrorStream(true)
        .start();
    String log = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(node.waitFor(timeoutSeconds, TimeUnit.SECONDS), script + " took too long");
    assertEquals(0, node.exitValue(), script + ": " + log);
  }
}
