package io.tensorspace.convert.archive;

import io.tensorspace.convert.ConversionException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks a zip or tar.gz model archive into an empty folder under the {@link ArchiveRules}: no
 * entry may land outside the folder, no links or special files, no name twice, at most
 * {@link ArchiveRules#MAX_ENTRIES} entries and no more bytes than the archive's size allows.
 * Anything else is a {@link ConversionException} naming the archive and the entry.
 */
public final class ArchiveUnpacker {
  /** Archive formats, by Maven type (the file extension). */
  public enum Kind { ZIP, TAR_GZ }

  private ArchiveUnpacker() {}

  /** The archive format a Maven type names; null for a type that is not unpacked. */
  public static Kind kind(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "zip", "jar" -> Kind.ZIP;
      case "tar.gz", "tgz" -> Kind.TAR_GZ;
      default -> null;
    };
  }

  /** Unpacks {@code archive} into {@code into}, an empty folder. */
  public static void unpack(Path archive, Kind kind, Path into)
      throws ConversionException, IOException {
    Target target = new Target(archive, into, ArchiveRules.unpackedLimit(Files.size(archive)));
    if (kind == Kind.ZIP) {
      unzip(archive, target);
    } else {
      untar(archive, target);
    }
  }

  private static void unzip(Path archive, Target target) throws ConversionException, IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      Set<String> links = ZipLinks.of(archive);
      long declared = 0;
      int count = 0;
      // the central directory's sizes first: a bomb that admits its size writes nothing
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        if (++count > ArchiveRules.MAX_ENTRIES) {
          throw target.tooMany();
        }
        if (links.contains(entry.getName())) {
          throw target.refuse(entry.getName(), "is a symbolic link");
        }
        declared += Math.max(0, entry.getSize());
        if (declared > target.limit) {
          throw target.bomb(declared);
        }
      }
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        Path path = target.place(entry.getName(), entry.isDirectory());
        if (entry.isDirectory()) {
          Files.createDirectories(path);
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            target.write(path, in);
          }
        }
      }
    } catch (ZipException | EOFException e) {
      throw damaged(archive, "zip", e);
    }
  }

  private static void untar(Path archive, Target target) throws ConversionException, IOException {
    try (InputStream in = new BufferedInputStream(
        new GZIPInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
      TarReader tar = new TarReader(in);
      for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
        switch (entry.type()) {
          case FILE -> target.write(target.place(entry.name(), false), tar.content());
          case DIRECTORY -> Files.createDirectories(target.place(entry.name(), true));
          case SYMLINK -> throw target.refuse(entry.name(), "is a symbolic link");
          case HARD_LINK -> throw target.refuse(entry.name(), "is a hard link");
          case OTHER -> throw target.refuse(entry.name(),
              "is not a plain file or folder (tar type '" + entry.flag() + "')");
        }
      }
      target.drain(in);
    } catch (ZipException | EOFException | TarReader.Malformed e) {
      throw damaged(archive, "tar.gz", e);
    }
  }

  private static ConversionException damaged(Path archive, String kind, IOException e) {
    return new ConversionException(archive + " is not a readable " + kind + " archive ("
        + e.getMessage() + "). Download it again, or pack the model again.", e);
  }

  /** The folder being filled, and the rules every entry must pass before it is written. */
  private static final class Target {
    private final Path archive;
    private final Path root;
    private final long limit;
    /** Each name seen so far: true for a folder (also one implied by a deeper entry). */
    private final Map<String, Boolean> seen = new HashMap<>();
    private long total;
    private int entries;

    Target(Path archive, Path root, long limit) {
      this.archive = archive;
      this.root = root.toAbsolutePath().normalize();
      this.limit = limit;
    }

    /** Where an entry goes, once its name passed every rule. */
    Path place(String name, boolean directory) throws ConversionException {
      if (++entries > ArchiveRules.MAX_ENTRIES) {
        throw tooMany();
      }
      if (ArchiveRules.escapes(name)) {
        throw refuse(name, "would land outside the folder it is unpacked into (an absolute name,"
            + " a backslash or '..')");
      }
      String clean = clean(name);
      Boolean before = seen.get(clean);
      if (before != null && !(before && directory) || clean.isEmpty() && !directory) {
        throw refuse(name, before != null && before != directory
            ? "is both a file and a folder" : "appears twice");
      }
      for (int slash = clean.indexOf('/'); slash > 0; slash = clean.indexOf('/', slash + 1)) {
        if (Boolean.FALSE.equals(seen.putIfAbsent(clean.substring(0, slash), true))) {
          throw refuse(name, "lies under '" + clean.substring(0, slash) + "', which is a file");
        }
      }
      seen.put(clean, directory);
      Path path = root.resolve(clean).normalize();
      if (!path.startsWith(root)) {
        throw refuse(name, "would land outside the folder it is unpacked into");
      }
      return path;
    }

    /** The name without {@code .} and empty segments or a trailing slash. */
    private static String clean(String name) {
      StringBuilder clean = new StringBuilder();
      for (String segment : name.split("/")) {
        if (!segment.isEmpty() && !segment.equals(".")) {
          clean.append(clean.length() == 0 ? "" : "/").append(segment);
        }
      }
      return clean.toString();
    }

    void write(Path path, InputStream in) throws ConversionException, IOException {
      Files.createDirectories(path.getParent());
      byte[] buffer = new byte[1 << 16];
      try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW)) {
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
          total += read;
          if (total > limit) {
            throw bomb(total);
          }
          out.write(buffer, 0, read);
        }
      }
    }

    /**
     * Reads what follows the end of the tar (zero padding), so that gzip checks its checksum and
     * a damaged download is noticed; a bomb hidden there is refused like any other.
     */
    void drain(InputStream in) throws ConversionException, IOException {
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        total += read;
        if (total > limit) {
          throw bomb(total);
        }
      }
    }

    ConversionException refuse(String name, String why) {
      return new ConversionException(archive + ": refusing to unpack it: the entry '" + name
          + "' " + why + ". A model archive holds the model's plain files and folders under"
          + " relative names; pack it again from the model folder (e.g. zip -r lenet.zip lenet/,"
          + " tar -czf lenet.tar.gz lenet/).");
    }

    ConversionException tooMany() {
      return new ConversionException(archive + ": refusing to unpack it: it has more than "
          + ArchiveRules.MAX_ENTRIES + " entries, which no model needs.");
    }

    ConversionException bomb(long size) {
      return new ConversionException(archive + ": refusing to unpack it: it unpacks to " + size
          + " bytes or more from " + archiveSize() + " stored bytes: "
          + ArchiveRules.limitsText() + ", which real models never are.");
    }

    private long archiveSize() {
      try {
        return Files.size(archive);
      } catch (IOException e) {
        return -1;
      }
    }
  }
}
