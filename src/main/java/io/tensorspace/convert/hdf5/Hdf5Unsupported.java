package io.tensorspace.convert.hdf5;

/**
 * Thrown when a file uses a part of HDF5 this reader does not read (a chunked dataset, dense
 * storage, a shared message, an unknown version) or is not as the format says (a bad checksum, an
 * address past the end): the caller reads the file with jHDF instead, which reports any damage.
 */
public final class Hdf5Unsupported extends RuntimeException {
  public Hdf5Unsupported(String what) {
    super(what, null, false, false);
  }
}
