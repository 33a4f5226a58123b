package io.tensorspace.convert.artifact;

import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.archive.ArchiveUnpacker;
import io.tensorspace.convert.write.AtomicDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Makes a resolved model artifact ready to convert: a file is used where it lies (in the local
 * repository); an archive ({@code zip}, {@code jar}, {@code tar.gz}, {@code tgz}) is unpacked into
 * {@code <root>/<groupId>/<artifactId>/<version>/[<classifier>-]<type>/}, completely or not at all,
 * and again only when its content changed (a SNAPSHOT the repository replaced). A record beside
 * each folder keeps the artifact's SHA-256 with the file's size and time, so an unchanged
 * artifact is not read again.
 */
public final class ArtifactStore {
  /** Folders a zip tool adds beside the model; they do not make a second model. */
  private static final List<String> PACKING_FOLDERS = List.of("__MACOSX", "META-INF");

  private final Path root;

  /** @param root where archives are unpacked, e.g. {@code target/tensorspace-artifacts} */
  public ArtifactStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The artifact at {@code file}, unpacked if it is an archive. */
  public ModelArtifact prepare(Coordinates coordinates, String resolvedVersion, Path file)
      throws ConversionException, IOException {
    Path folder = root.resolve(coordinates.groupId()).resolve(coordinates.artifactId())
        .resolve(coordinates.version()).resolve((coordinates.classifier() == null ? ""
            : coordinates.classifier() + "-") + coordinates.type());
    Path recordFile = folder.resolveSibling(folder.getFileName() + ".properties");
    Properties record = load(recordFile);
    String stamp = Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis();
    String sha256 = stamp.equals(record.getProperty("stamp"))
        ? record.getProperty("sha256") : sha256(file);
    ArchiveUnpacker.Kind kind = ArchiveUnpacker.kind(coordinates.type());
    if (kind != null && (!sha256.equals(record.getProperty("sha256"))
        || !listing(folder).equals(record.getProperty("files")))) {
      // forget the record first: a crash midway must not leave a record that vouches for it
      Files.deleteIfExists(recordFile);
      AtomicDirectory.ownTree(folder).write(into -> ArchiveUnpacker.unpack(file, kind, into));
    }
    Properties updated = new Properties();
    updated.setProperty("coordinates", coordinates.toString());
    updated.setProperty("file", file.toString());
    updated.setProperty("stamp", stamp);
    updated.setProperty("sha256", sha256);
    if (kind != null) {
      updated.setProperty("files", listing(folder));
    }
    if (!updated.equals(record)) {
      store(recordFile, updated);
    }
    return new ModelArtifact(coordinates, resolvedVersion, file, sha256,
        kind == null ? null : modelFolder(folder));
  }

  /**
   * Where the model lies in an unpacked archive: an archive of a model folder ({@code lenet/…})
   * has that folder as its only entry, which is where the model is.
   */
  static Path modelFolder(Path unpacked) throws IOException {
    Path folder = unpacked;
    while (true) {
      List<Path> entries;
      try (Stream<Path> list = Files.list(folder)) {
        entries = list.filter(p -> !PACKING_FOLDERS.contains(p.getFileName().toString())).toList();
      }
      if (entries.size() != 1 || !Files.isDirectory(entries.get(0))) {
        return folder;
      }
      folder = entries.get(0);
    }
  }

  /** Every file under the folder with its size: an unpacked model someone edited is unpacked again. */
  private static String listing(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return "none";
    }
    TreeMap<String, Long> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path file : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(file)) {
          files.put(folder.relativize(file).toString(), Files.size(file));
        }
      }
    }
    return files.toString();
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static Properties load(Path file) throws IOException {
    Properties properties = new Properties();
    if (Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        properties.load(in);
      } catch (IllegalArgumentException e) {
        return new Properties();
      }
    }
    return properties;
  }

  private static void store(Path file, Properties values) throws IOException {
    Files.createDirectories(file.getParent());
    Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try (OutputStream out = Files.newOutputStream(temporary)) {
      values.store(out, null);
    }
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
