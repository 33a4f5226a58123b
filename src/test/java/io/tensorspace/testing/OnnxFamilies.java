package io.tensorspace.testing;

import io.tensorspace.testing.onnx.Families;
import io.tensorspace.testing.onnx.OnnxMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Generated ONNX op families as case folders in the ONNX corpus layout:
 * {@code <root>/<family>/<member>/model.onnx} and {@code reference/reference.json} computed by
 * {@link OnnxRuntimeOracle}. The folder is rebuilt only when the models change (a hash of every
 * member's bytes and of the oracle is kept in {@code <root>/.content-hash}).
 */
public final class OnnxFamilies {
  /** Where the test build keeps them. */
  public static final Path ROOT = Path.of("target", "onnx-generated");

  /** Change when OnnxRuntimeOracle writes references differently, so that cached ones are redone. */
  private static final String REFERENCE_FORMAT = "corpus-layout-1";

  private OnnxFamilies() {}

  /** One generated case: its member and its folder. */
  public record Case(OnnxMember member, Path dir) {
    public Path model() {
      return dir.resolve(OnnxMember.FILE);
    }

    public Path reference() {
      return dir.resolve("reference").resolve("reference.json");
    }
  }

  /** Generates every member under {@code root} unless it is already there; returns the cases. */
  public static List<Case> generate(Path root) {
    List<OnnxMember> members = Families.all();
    List<Case> cases = new ArrayList<>();
    members.forEach(m -> cases.add(new Case(m, root.resolve(m.family()).resolve(m.name()))));
    String hash = hash(members);
    Path stamp = root.resolve(".content-hash");
    try {
      if (Files.exists(stamp) && Files.readString(stamp).equals(hash)) {
        return cases;
      }
      deleteTree(root);
      OnnxRuntimeOracle oracle = new OnnxRuntimeOracle();
      List<String> failures = new ArrayList<>();
      for (Case c : cases) {
        try {
          oracle.writeCase(c.member().model(), c.dir(), OnnxMember.FILE,
              c.member().notes());
        } catch (Exception e) {
          failures.add(c.member().id() + ": " + e.getMessage());
        }
      }
      if (!failures.isEmpty()) {
        throw new IllegalStateException("ONNX Runtime cannot run " + failures.size()
            + " generated members:\n" + String.join("\n", failures));
      }
      Files.writeString(stamp, hash);
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hash(List<OnnxMember> members) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((OnnxRuntimeOracle.SOURCE + REFERENCE_FORMAT)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (OnnxMember m : members) {
        sha.update(m.id().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(m.notes().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(m.model().toByteArray());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
