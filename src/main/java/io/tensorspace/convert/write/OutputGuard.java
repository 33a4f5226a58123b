package io.tensorspace.convert.write;

import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses output folders whose replacement could destroy the user's work: the file-system root,
 * the project folder or anything above it, and any source folder or anything inside one.
 */
public final class OutputGuard {
  private OutputGuard() {}

  /**
   * @param output the folder a conversion will replace
   * @param projectBase the project's base folder, or null when there is no project
   * @param protectedFolders folders that must never be replaced nor written into (sources)
   */
  public static void check(Path output, Path projectBase, List<Path> protectedFolders)
      throws ConversionException {
    Path target = output.toAbsolutePath().normalize();
    if (target.getParent() == null) {
      throw refused(target, "it is the root of the file system");
    }
    creatable(target, "output folder");
    if (projectBase != null) {
      Path base = projectBase.toAbsolutePath().normalize();
      if (base.startsWith(target)) {
        throw refused(target, "it is the project folder " + base + " or above it");
      }
    }
    for (Path folder : protectedFolders) {
      Path source = folder.toAbsolutePath().normalize();
      if (source.startsWith(target) || target.startsWith(source)) {
        throw refused(target, "it overlaps the source folder " + source);
      }
    }
  }

  /** Refuses a folder that cannot be made because a file stands where it or a parent belongs. */
  public static void creatable(Path folder, String what) throws ConversionException {
    Path target = folder.toAbsolutePath().normalize();
    for (Path p = target; p != null; p = p.getParent()) {
      if (java.nio.file.Files.exists(p)) {
        if (!java.nio.file.Files.isDirectory(p)) {
          throw new ConversionException("Cannot use " + target + " as " + what + ": " + p
              + " is a file, not a folder. Choose another folder.");
        }
        return;
      }
    }
  }

  private static ConversionException refused(Path target, String why) {
    return new ConversionException(
        "Refusing to write converted models into " + target + ": " + why
            + ". Choose a folder of its own, e.g. ${project.build.directory}/generated-resources/tensorspace.");
  }
}
