package io.tensorspace.convert.incremental;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one stat call tells about a file, as make and git compare it: size, modification time,
 * change time (ctime, which no tool can set back, so an edit whose mtime was restored still shows)
 * and the file's identity (device and inode, so a file replaced by a copy with the same time
 * shows). Where the file system has no ctime or inode (Windows) those parts are left out.
 */
record FileStamp(long size, long modified, long changed, String identity) {
  /**
   * Below this a time stamp may not have moved although the file changed: Linux takes file times
   * from a clock that ticks every 1-10 ms, so two writes within a tick get the same time.
   */
  private static final long FINE_GRAIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** File systems keeping whole seconds (FAT keeps two). */
  private static final long COARSE_GRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

  private static final String UNIX_ATTRIBUTES = "unix:size,lastModifiedTime,ctime,dev,ino";

  static FileStamp of(Path file) throws IOException {
    if (!file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
      Object key = basic.fileKey();
      return new FileStamp(basic.size(), nanos(basic.lastModifiedTime()), -1,
          key == null ? "-" : key.toString());
    }
    Map<String, Object> unix = Files.readAttributes(file, UNIX_ATTRIBUTES);
    return new FileStamp((Long) unix.get("size"), nanos((FileTime) unix.get("lastModifiedTime")),
        nanos((FileTime) unix.get("ctime")), unix.get("dev") + ":" + unix.get("ino"));
  }

  /** The latest of the file's times: when its content or metadata last changed. */
  long latest() {
    return Math.max(modified, changed);
  }

  /**
   * Whether this stamp, taken at {@code time} or later, proves the file unchanged as long as it
   * stays the same: the file's last change lies more than a clock tick before {@code time}, so a
   * later write cannot have kept its times ("racy git").
   */
  boolean settledBefore(long time) {
    return settled() < time;
  }

  /**
   * A tick after the file's last change. Times in whole seconds are taken for a file system
   * keeping only those.
   */
  long settled() {
    boolean wholeSeconds = latest() % TimeUnit.SECONDS.toNanos(1) == 0;
    return latest() + (wholeSeconds ? COARSE_GRAIN_NANOS : FINE_GRAIN_NANOS);
  }

  String text() {
    return size + " " + modified + " " + changed + " " + identity;
  }

  /** The stamp {@link #text()} wrote, or null for other text. */
  static FileStamp parse(String text) {
    String[] parts = text.split(" ", 4);
    try {
      return parts.length < 4 ? null : new FileStamp(Long.parseLong(parts[0]),
          Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Written out: a record's generated equals costs a no-op build ~25 ms of bootstrapping. */
  @Override
  public boolean equals(Object other) {
    return other instanceof FileStamp stamp && size == stamp.size && modified == stamp.modified
        && changed == stamp.changed && identity.equals(stamp.identity);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(size) * 31 + Long.hashCode(modified);
  }

  private static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }
}
