package io.tensorspace.convert.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The weight files of a model.json (layers or graph model) read as one byte stream, in manifest
 * order, as tfjs does: a weight starts where the previous one ended and may span files. Nothing is
 * read until a slice is written, and then only that slice.
 */
public final class ConcatenatedFiles {
  private final List<Path> files;
  private final long[] starts;
  private final long length;

  public ConcatenatedFiles(List<Path> files) throws IOException {
    this.files = List.copyOf(files);
    this.starts = new long[files.size()];
    long offset = 0;
    for (int i = 0; i < files.size(); i++) {
      starts[i] = offset;
      offset = Math.addExact(offset, Files.size(files.get(i)));
    }
    this.length = offset;
  }

  public long length() {
    return length;
  }

  /** The bytes {@code [offset, offset + count)} of the stream. */
  public TensorData slice(long offset, long count) {
    return new Slice(offset, count);
  }

  /** A class, not a lambda: a fresh JVM links each lambda on first use. */
  private final class Slice implements TensorData {
    private final long offset;
    private final long count;

    Slice(long offset, long count) {
      this.offset = offset;
      this.count = count;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      copy(offset, count, out);
    }
  }

  private void copy(long offset, long count, OutputStream out) throws IOException {
    if (offset < 0 || count < 0 || offset + count > length) {
      throw new IOException("weight bytes " + offset + ".." + (offset + count)
          + " lie beyond the weight files' " + length + " bytes");
    }
    int index = 0;
    while (index + 1 < files.size() && starts[index + 1] <= offset) {
      index++;
    }
    long position = offset;
    long remaining = count;
    while (remaining > 0) {
      Path file = files.get(index);
      long fileEnd = index + 1 < files.size() ? starts[index + 1] : length;
      long fromFile = Math.min(remaining, fileEnd - position);
      // straight from file to shard when the output can take a file region
      RegionSink.copy(file, position - starts[index], fromFile, out);
      remaining -= fromFile;
      position += fromFile;
      index++;
    }
  }
}
