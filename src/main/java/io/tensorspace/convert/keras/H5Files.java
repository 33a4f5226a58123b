package io.tensorspace.convert.keras;

import io.jhdf.HdfFile;
import io.jhdf.exceptions.HdfException;
import io.tensorspace.convert.ConversionException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens HDF5 files for jHDF through a read-only memory map. jHDF reading from a file allocates a
 * heap buffer as large as an object header claims to be before reading it, so one crafted length
 * field costs gigabytes; reading from a mapped buffer it takes a slice instead, and a length past
 * the end of the file fails at once. Files too large for one map (2 GiB) are read from the file.
 */
final class H5Files {
  private static final long LARGEST_MAP = Integer.MAX_VALUE;

  private H5Files() {}

  /**
   * Opens {@code file}; one jHDF cannot read is a {@link ConversionException} saying that
   * {@code what} is not a readable HDF5 file (catching jHDF's exception here, not in the readers,
   * keeps its class from loading with theirs).
   */
  static HdfFile open(Path file, String what) throws ConversionException, IOException {
    try {
      return open(file);
    } catch (HdfException e) {
      throw new ConversionException(what + " is not a readable HDF5 file: " + e.getMessage(), e);
    }
  }

  static HdfFile open(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > LARGEST_MAP) {
        return new HdfFile(file);
      }
      // the map stays valid after the channel closes, until it is garbage
      return HdfFile.fromByteBuffer(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    }
  }
}
