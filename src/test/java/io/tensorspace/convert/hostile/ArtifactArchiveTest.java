package io.tensorspace.convert.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.archive.ArchiveRules;
import io.tensorspace.convert.artifact.ArtifactStore;
import io.tensorspace.convert.artifact.Coordinates;
import io.tensorspace.convert.artifact.ModelArtifact;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models given as repository artifacts that are archives (zip, jar, tar.gz) are unpacked under
 * {@code target/} by {@link ArtifactStore}: every archive here is written by a real tool
 * (java.util.zip, GNU tar, Info-ZIP zip), and the hostile ones (entries escaping the folder, links,
 * special files, names twice, bombs, damage) are refused with a {@link ConversionException} naming
 * the archive, writing nothing outside the folder and leaving no half-unpacked model behind. Real
 * model folders unpacked from archives convert to exactly what their folders convert to.
 */
class ArtifactArchiveTest {
  @TempDir Path temp;

  private static final Coordinates ZIP = Coordinates.parse("com.acme.models:m:1.0:zip");
  private static final Coordinates TGZ = Coordinates.parse("com.acme.models:m:1.0:tar.gz");

  private Path store() {
    return temp.resolve("target/tensorspace-artifacts");
  }

  private ModelArtifact prepare(Coordinates coordinates, Path archive)
      throws ConversionException, IOException {
    return assertTimeoutPreemptively(Hostile.BOUND,
        () -> new ArtifactStore(store()).prepare(coordinates, coordinates.version(), archive));
  }

  /** Refused naming the archive; nothing unpacked, no record, no file outside. */
  private ConversionException assertRefused(Coordinates coordinates, Path archive) {
    ConversionException e = assertThrows(ConversionException.class,
        () -> prepare(coordinates, archive));
    assertTrue(e.getMessage().contains(archive.toString()), e.getMessage());
    Path folder = store().resolve("com.acme.models/m/1.0/" + coordinates.type());
    assertFalse(Files.exists(folder), "a half-unpacked folder is left: " + folder);
    assertFalse(Files.exists(folder.resolveSibling(coordinates.type() + ".properties")));
    for (String outside : List.of("evil.txt", "target/evil.txt", "target/tensorspace-artifacts/evil.txt")) {
      assertFalse(Files.exists(temp.resolve(outside)), "written outside: " + outside);
    }
    return e;
  }

  // ---- archives written by real tools ----

  private Path zip(String name, Map<String, byte[]> entries) throws IOException {
    Path zip = temp.resolve(name);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(entry.getKey()));
        out.write(entry.getValue());
        out.closeEntry();
      }
    }
    return zip;
  }

  private static boolean has(String tool) {
    try {
      Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs a tool (GNU tar, zip) in {@code dir}; fails the test if it fails. */
  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    assumeTrue(has(command[0]), command[0] + " is not installed");
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
  }

  private Path work(String tag) throws IOException {
    Path dir = Files.createDirectories(temp.resolve("work-" + tag));
    Files.writeString(dir.resolve("model.json"), "{}");
    return dir;
  }

  /** tar.gz by GNU tar of {@code files} in {@code dir}, names rewritten by a sed expression. */
  private Path tar(String tag, Path dir, String transform, String... files)
      throws IOException, InterruptedException {
    Path archive = temp.resolve(tag + ".tar.gz");
    List<String> command = new ArrayList<>(List.of("tar", "-czPf", archive.toString()));
    if (transform != null) {
      command.add("--transform=" + transform);
    }
    command.addAll(List.of(files));
    run(dir, command.toArray(String[]::new));
    return archive;
  }

  // ---- entries escaping the folder ----

  private static final List<String> ESCAPING = List.of(
      "../evil.txt", "../../evil.txt", "a/../../evil.txt", "a/b/../../../evil.txt",
      "./../evil.txt", "/tmp/tensorspace-evil.txt", "//evil.txt", "C:/evil.txt", "c:evil.txt",
      "..\\evil.txt", "a\\..\\..\\evil.txt", "\\evil.txt", "..", "a/..", "../", "evil\u0000.txt");

  @TestFactory
  List<DynamicTest> zipEntriesThatEscape() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (String name : ESCAPING) {
      String tag = "zs" + n++;
      tests.add(dynamicTest("zip entry '" + name + "'", () -> {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("model.json", "{}".getBytes(StandardCharsets.UTF_8));
        entries.put(name, "x".getBytes(StandardCharsets.UTF_8));
        ConversionException e = assertRefused(ZIP, zip(tag + ".zip", entries));
        assertTrue(e.getMessage().contains("refusing to unpack"), e.getMessage());
        assertFalse(Files.exists(Path.of("/tmp/tensorspace-evil.txt")));
      }));
    }
    return tests;
  }

  @TestFactory
  List<DynamicTest> tarEntriesThatEscape() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (String name : ESCAPING) {
      if (name.contains("\u0000") || name.endsWith("/") || name.endsWith("..")) {
        continue; // GNU tar cannot store these names for a file
      }
      String tag = "ts" + n++;
      tests.add(dynamicTest("tar entry '" + name + "'", () -> {
        Path dir = work(tag);
        Files.writeString(dir.resolve("payload"), "x");
        String sed = "s|^payload$|" + name.replace("\\", "\\\\").replace("|", "\\|") + "|";
        Path archive = tar(tag, dir, sed, "model.json", "payload");
        assertRefused(TGZ, archive);
        assertFalse(Files.exists(Path.of("/tmp/tensorspace-evil.txt")));
      }));
    }
    return tests;
  }

  // ---- links and special files ----

  @TestFactory
  List<DynamicTest> tarLinks() {
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, String> targets = new java.util.LinkedHashMap<>();
    targets.put("escaping relative", "../../evil.txt");
    targets.put("escaping absolute", "/etc/passwd");
    targets.put("escaping folder", "..");
    targets.put("inside the archive", "model.json");
    int n = 0;
    for (Map.Entry<String, String> target : targets.entrySet()) {
      String tag = "tl" + n++;
      tests.add(dynamicTest("tar symbolic link, " + target.getKey(), () -> {
        Path dir = work(tag);
        Files.createSymbolicLink(dir.resolve("link"), Path.of(target.getValue()));
        ConversionException e = assertRefused(TGZ, tar(tag, dir, null, "model.json", "link"));
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
      }));
    }
    tests.add(dynamicTest("tar hard link", () -> {
      Path dir = work("hard");
      Files.createLink(dir.resolve("same.json"), dir.resolve("model.json"));
      ConversionException e = assertRefused(TGZ, tar("hard", dir, null, "model.json", "same.json"));
      assertTrue(e.getMessage().contains("hard link"), e.getMessage());
    }));
    tests.add(dynamicTest("tar link to a folder outside, then a file through it", () -> {
      Path dir = work("through");
      Files.createSymbolicLink(dir.resolve("a"), temp);
      Files.writeString(dir.resolve("payload"), "x");
      Path plain = temp.resolve("through.tar");
      run(dir, "tar", "-cf", plain.toString(), "model.json", "a");
      run(dir, "tar", "-rf", plain.toString(), "--transform=s|^payload$|a/evil.txt|", "payload");
      run(temp, "gzip", "-k", plain.getFileName().toString());
      assertRefused(TGZ, temp.resolve("through.tar.gz"));
    }));
    tests.add(dynamicTest("tar named pipe", () -> {
      Path dir = work("fifo");
      run(dir, "mkfifo", "pipe");
      ConversionException e = assertRefused(TGZ, tar("fifo", dir, null, "model.json", "pipe"));
      assertTrue(e.getMessage().contains("not a plain file or folder"), e.getMessage());
    }));
    return tests;
  }

  @TestFactory
  List<DynamicTest> zipSymbolicLinks() {
    List<DynamicTest> tests = new ArrayList<>();
    int n = 0;
    for (String target : List.of("../../evil.txt", "/etc/passwd", "..", "model.json")) {
      String tag = "zl" + n++;
      tests.add(dynamicTest("zip --symlinks link to '" + target + "'", () -> {
        Path dir = work(tag);
        Files.createSymbolicLink(dir.resolve("link"), Path.of(target));
        Path archive = temp.resolve(tag + ".zip");
        run(dir, "zip", "-q", "--symlinks", archive.toString(), "model.json", "link");
        ConversionException e = assertRefused(ZIP, archive);
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
      }));
    }
    return tests;
  }

  // ---- names twice, files that are folders ----

  @TestFactory
  List<DynamicTest> namesTwice() {
    List<DynamicTest> tests = new ArrayList<>();
    Map<String, String[]> cases = new java.util.LinkedHashMap<>();
    // GNU tar appends (-r) a second member under the name the transform gives it
    cases.put("a file twice", new String[] {"s|^payload$|model.json|", "appears twice"});
    cases.put("a file, then a file under it", new String[] {"s|^payload$|model.json/x|", "which is a file"});
    cases.put("a file twice, spelt with ./", new String[] {"s|^payload$|./model.json|", "appears twice"});
    cases.put("a file twice, spelt with //", new String[] {"s|^payload$|sub//../model.json|", "outside"});
    int n = 0;
    for (Map.Entry<String, String[]> c : cases.entrySet()) {
      String tag = "tw" + n++;
      tests.add(dynamicTest("tar " + c.getKey(), () -> {
        Path dir = work(tag);
        Files.writeString(dir.resolve("payload"), "{\"evil\": true}");
        Path plain = temp.resolve(tag + ".tar");
        run(dir, "tar", "-cf", plain.toString(), "model.json");
        run(dir, "tar", "-rPf", plain.toString(), "--transform=" + c.getValue()[0], "payload");
        run(temp, "gzip", "-k", plain.getFileName().toString());
        ConversionException e = assertRefused(TGZ, temp.resolve(tag + ".tar.gz"));
        assertTrue(e.getMessage().contains(c.getValue()[1]), e.getMessage());
      }));
    }
    tests.add(dynamicTest("zip: a folder, then a file of its name", () -> {
      Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
      entries.put("a/model.json", "{}".getBytes(StandardCharsets.UTF_8));
      entries.put("a", "x".getBytes(StandardCharsets.UTF_8));
      ConversionException e = assertRefused(ZIP, zip("dirfile.zip", entries));
      assertTrue(e.getMessage().contains("both a file and a folder"), e.getMessage());
    }));
    return tests;
  }

  // ---- bombs ----

  private static void zeros(OutputStream out, long size) throws IOException {
    byte[] block = new byte[1 << 16];
    for (long left = size; left > 0; left -= block.length) {
      out.write(block, 0, (int) Math.min(block.length, left));
    }
  }

  @TestFactory
  List<DynamicTest> bombs() {
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(dynamicTest("zip: one entry of 200 MiB zeros", () -> {
      Path zip = temp.resolve("one.zip");
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
        out.setLevel(9);
        out.putNextEntry(new ZipEntry("weights.bin"));
        zeros(out, 200L << 20);
        out.closeEntry();
      }
      ConversionException e = assertRefused(ZIP, zip);
      assertTrue(e.getMessage().contains("times its stored size"), e.getMessage());
    }));
    tests.add(dynamicTest("zip: 64 entries of 4 MiB zeros, each small, together a bomb", () -> {
      Path zip = temp.resolve("many.zip");
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
        out.setLevel(9);
        for (int i = 0; i < 64; i++) {
          out.putNextEntry(new ZipEntry("shard" + i + ".bin"));
          zeros(out, 4L << 20);
          out.closeEntry();
        }
      }
      assertRefused(ZIP, zip);
    }));
    tests.add(dynamicTest("zip: a bomb whose central directory understates its size", () -> {
      // java.util.zip stores the sizes of a deflated entry after it; rewrite the central
      // directory's uncompressed size to 1 so that only counting while unpacking can stop it
      Path zip = temp.resolve("liar.zip");
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
        out.setLevel(9);
        out.putNextEntry(new ZipEntry("weights.bin"));
        zeros(out, 200L << 20);
        out.closeEntry();
      }
      understate(zip);
      assertRefused(ZIP, zip);
    }));
    tests.add(dynamicTest("zip: more entries than any model has", () -> {
      Path zip = temp.resolve("count.zip");
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
        for (int i = 0; i <= ArchiveRules.MAX_ENTRIES; i++) {
          out.putNextEntry(new ZipEntry("f" + i));
          out.closeEntry();
        }
      }
      ConversionException e = assertRefused(ZIP, zip);
      assertTrue(e.getMessage().contains("entries"), e.getMessage());
    }));
    tests.add(dynamicTest("tar.gz: a 200 MiB file of zeros (GNU tar)", () -> {
      Path dir = work("tz");
      try (RandomAccessFile file = new RandomAccessFile(dir.resolve("weights.bin").toFile(), "rw")) {
        file.setLength(200L << 20);
      }
      ConversionException e = assertRefused(TGZ, tar("tz", dir, null, "model.json", "weights.bin"));
      assertTrue(e.getMessage().contains("times its stored size"), e.getMessage());
    }));
    tests.add(dynamicTest("tar.gz: more entries than any model has (GNU tar)", () -> {
      Path dir = work("tc");
      Path many = Files.createDirectories(dir.resolve("many"));
      for (int i = 0; i < ArchiveRules.MAX_ENTRIES; i++) {
        Files.createFile(many.resolve("f" + i));
      }
      ConversionException e = assertRefused(TGZ, tar("tc", dir, null, "model.json", "many"));
      assertTrue(e.getMessage().contains("entries"), e.getMessage());
    }));
    return tests;
  }

  /** Sets every central-directory entry's uncompressed size to 1. */
  private static void understate(Path zip) throws IOException {
    byte[] bytes = Files.readAllBytes(zip);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    int found = 0;
    for (int i = 0; i + 46 <= bytes.length; i++) {
      if (buffer.getInt(i) == 0x02014b50) {
        buffer.putInt(i + 24, 1);
        found++;
      }
    }
    assertTrue(found > 0);
    Files.write(zip, bytes);
  }

  // ---- damage ----

  @TestFactory
  List<DynamicTest> damaged() throws IOException, InterruptedException {
    Path dir = work("dmg");
    byte[] random = new byte[80_000];
    new java.util.Random(7).nextBytes(random);
    Files.write(dir.resolve("weights.bin"), random);
    Path tgz = tar("dmg", dir, null, "model.json", "weights.bin");
    Map<String, byte[]> zipEntries = Map.of("model.json", "{}".getBytes(StandardCharsets.UTF_8),
        "weights.bin", Files.readAllBytes(dir.resolve("weights.bin")));
    Path zip = zip("dmg.zip", zipEntries);
    byte[] tgzBytes = Files.readAllBytes(tgz);
    byte[] zipBytes = Files.readAllBytes(zip);
    List<DynamicTest> tests = new ArrayList<>();
    for (int cut : new int[] {0, 10, 100, tgzBytes.length / 2, tgzBytes.length - 9}) {
      tests.add(dynamicTest("tar.gz cut to " + cut + " bytes", () -> {
        Path cutTgz = temp.resolve("cut" + cut + ".tar.gz");
        Files.write(cutTgz, java.util.Arrays.copyOf(tgzBytes, cut));
        ConversionException e = assertRefused(TGZ, cutTgz);
        assertTrue(e.getMessage().contains("not a readable tar.gz archive"), e.getMessage());
      }));
    }
    for (int cut : new int[] {0, 10, zipBytes.length / 2, zipBytes.length - 10}) {
      tests.add(dynamicTest("zip cut to " + cut + " bytes", () -> {
        Path cutZip = temp.resolve("cut" + cut + ".zip");
        Files.write(cutZip, java.util.Arrays.copyOf(zipBytes, cut));
        ConversionException e = assertRefused(ZIP, cutZip);
        assertTrue(e.getMessage().contains("not a readable zip archive"), e.getMessage());
      }));
    }
    tests.add(dynamicTest("a zip given as tar.gz", () -> {
      ConversionException e = assertRefused(TGZ, zip);
      assertTrue(e.getMessage().contains("not a readable tar.gz archive"), e.getMessage());
    }));
    tests.add(dynamicTest("gzip of something that is not a tar", () -> {
      Path notTar = temp.resolve("nottar.tar.gz");
      try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(notTar))) {
        out.write("this is not a tar archive, only text".repeat(40).getBytes(StandardCharsets.UTF_8));
      }
      ConversionException e = assertRefused(TGZ, notTar);
      assertTrue(e.getMessage().contains("not a readable tar.gz archive"), e.getMessage());
    }));
    return tests;
  }

  // ---- real models ----

  /** The tfjs corpus model's own files in a folder named like the model. */
  private Path tfjsFolder(String tag) throws IOException {
    Path source = Hostile.corpus(Hostile.TFJS).dir();
    Path folder = Files.createDirectories(temp.resolve(tag).resolve("gru"));
    Files.copy(source.resolve("model.json"), folder.resolve("model.json"));
    Files.copy(source.resolve("weights.bin"), folder.resolve("weights.bin"));
    return folder;
  }

  /** The converted model.json and shards (the TensorSpace files name the source's path). */
  private Map<String, String> converted(Path source, String tag) throws Exception {
    Path out = temp.resolve("out-" + tag);
    new Converter().convert(new ConversionRequest(source, null, out, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    Map<String, String> files = Hostile.snapshot(out);
    files.keySet().removeIf(name -> name.startsWith("tensorspace"));
    assertTrue(files.containsKey("model.json"), files.toString());
    return files;
  }

  @TestFactory
  List<DynamicTest> realModelsUnpackAndConvertAsTheirFolders() {
    List<DynamicTest> tests = new ArrayList<>();
    tests.add(dynamicTest("tfjs folder in a zip (java.util.zip)", () -> {
      Path folder = tfjsFolder("z");
      Path zip = zip("gru.zip", Map.of(
          "gru/model.json", Files.readAllBytes(folder.resolve("model.json")),
          "gru/weights.bin", Files.readAllBytes(folder.resolve("weights.bin"))));
      ModelArtifact artifact = prepare(ZIP, zip);
      assertEquals("gru", artifact.unpacked().getFileName().toString());
      assertEquals(converted(folder, "z1"), converted(artifact.unpacked(), "z2"));
    }));
    tests.add(dynamicTest("tfjs folder in a jar with META-INF (Info-ZIP zip)", () -> {
      Path folder = tfjsFolder("j");
      Files.createDirectories(folder.resolveSibling("META-INF"));
      Files.writeString(folder.resolveSibling("META-INF/MANIFEST.MF"), "Manifest-Version: 1.0\n");
      Path jar = temp.resolve("gru.jar");
      run(folder.getParent(), "zip", "-qr", jar.toString(), "META-INF", "gru");
      ModelArtifact artifact = prepare(Coordinates.parse("com.acme.models:m:1.0"), jar);
      assertEquals(converted(folder, "j1"), converted(artifact.unpacked(), "j2"));
    }));
    for (String format : List.of("gnu", "posix", "ustar")) {
      tests.add(dynamicTest("tfjs folder in a tar.gz, GNU tar --format=" + format
          + ", under a long path", () -> {
        Path folder = tfjsFolder("t" + format);
        // past ustar's 100-byte name field: GNU long names, pax paths, the ustar prefix
        Path deep = Files.createDirectories(folder.getParent().resolve("d".repeat(60))
            .resolve("e".repeat(60)));
        Files.move(folder, deep.resolve("gru"));
        Path archive = temp.resolve("gru-" + format + ".tar.gz");
        run(folder.getParent(), "tar", "--format=" + format, "-czf", archive.toString(),
            "d".repeat(60));
        ModelArtifact artifact = prepare(TGZ, archive);
        assertEquals(deep.resolve("gru").getFileName(), artifact.unpacked().getFileName());
        assertEquals(Hostile.snapshot(deep.resolve("gru")), Hostile.snapshot(artifact.unpacked()));
        assertEquals(converted(deep.resolve("gru"), format + "1"),
            converted(artifact.unpacked(), format + "2"));
      }));
    }
    tests.add(dynamicTest("SavedModel folder in a tgz (GNU tar)", () -> {
      Path folder = Hostile.copy(Hostile.SAVED, temp.resolve("sm"));
      io.tensorspace.convert.write.AtomicDirectory.deleteTree(folder.resolve("reference"));
      Path archive = temp.resolve("sm.tgz");
      run(folder.getParent(), "tar", "-czf", archive.toString(), folder.getFileName().toString());
      ModelArtifact artifact = prepare(Coordinates.parse("com.acme.models:m:1.0:tgz"), archive);
      assertEquals(Hostile.snapshot(folder), Hostile.snapshot(artifact.unpacked()));
      assertEquals(converted(folder, "sm1"), converted(artifact.unpacked(), "sm2"));
    }));
    tests.add(dynamicTest(".keras file in a zip", () -> {
      Path keras = Hostile.corpus(Hostile.KERAS3).dir().resolve("model.keras");
      Path zip = zip("keras.zip", Map.of("model.keras", Files.readAllBytes(keras)));
      ModelArtifact artifact = prepare(ZIP, zip);
      assertEquals(converted(keras, "k1"), converted(artifact.unpacked(), "k2"));
    }));
    return tests;
  }

  // ---- unpacking again only when the archive changed ----

  @Test
  void anUnchangedArchiveIsNotUnpackedAgainAChangedOneIs() throws Exception {
    Path folder = tfjsFolder("u");
    Path zip = zip("u.zip", Map.of("gru/model.json", Files.readAllBytes(folder.resolve("model.json")),
        "gru/weights.bin", Files.readAllBytes(folder.resolve("weights.bin"))));
    ModelArtifact first = prepare(ZIP, zip);
    Path marker = first.unpacked().resolve("weights.bin");
    Files.setLastModifiedTime(marker, FileTime.fromMillis(1_000_000L));

    // the same archive: nothing is unpacked (the marker time stays)
    ModelArtifact second = prepare(ZIP, zip);
    assertEquals(first, second);
    assertEquals(1_000_000L, Files.getLastModifiedTime(marker).toMillis());

    // touched, same bytes (a SNAPSHOT downloaded again unchanged): still not unpacked
    Files.setLastModifiedTime(zip, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertEquals(first.sha256(), prepare(ZIP, zip).sha256());
    assertEquals(1_000_000L, Files.getLastModifiedTime(marker).toMillis());

    // new content (a new SNAPSHOT): unpacked again, with the new weights
    byte[] weights = Files.readAllBytes(folder.resolve("weights.bin"));
    weights[0] ^= 1;
    zip = zip("u.zip", Map.of("gru/model.json", Files.readAllBytes(folder.resolve("model.json")),
        "gru/weights.bin", weights));
    ModelArtifact changed = prepare(ZIP, zip);
    assertNotEquals(first.sha256(), changed.sha256());
    assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(marker)));

    // an unpacked file someone edited: unpacked again
    Files.writeString(marker, "edited");
    prepare(ZIP, zip);
    assertTrue(java.util.Arrays.equals(weights, Files.readAllBytes(marker)));

    // a hostile new version: refused; no record vouches for the folder left from before
    Map<String, byte[]> evil = new java.util.LinkedHashMap<>();
    evil.put("gru/model.json", "{}".getBytes(StandardCharsets.UTF_8));
    evil.put("../evil.txt", "x".getBytes(StandardCharsets.UTF_8));
    Path evilZip = zip("u.zip", evil);
    assertThrows(ConversionException.class, () -> prepare(ZIP, evilZip));
    assertFalse(Files.exists(store().resolve("com.acme.models/m/1.0/zip.properties")));
  }

  @Test
  void aFileArtifactIsUsedWhereItLiesWithItsChecksum() throws Exception {
    Path keras = Hostile.corpus(Hostile.KERAS3).dir().resolve("model.keras");
    Coordinates coordinates = Coordinates.parse("com.acme.models:m:1.0:keras");
    ModelArtifact artifact = new ArtifactStore(store()).prepare(coordinates, "1.0", keras);
    assertNull(artifact.unpacked());
    assertEquals(keras, artifact.file());
    assertEquals(64, artifact.sha256().length());
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    assertEquals(java.util.HexFormat.of().formatHex(sha.digest(Files.readAllBytes(keras))),
        artifact.sha256());
  }
}
