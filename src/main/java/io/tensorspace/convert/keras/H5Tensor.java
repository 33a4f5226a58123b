package io.tensorspace.convert.keras;

import io.jhdf.api.Dataset;
import io.jhdf.dataset.ContiguousDatasetImpl;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.storage.HdfBackingStorage;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.RegionSink;
import io.tensorspace.convert.model.TensorData;
import io.tensorspace.convert.keras.TensorBytes.Kind;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A weight stored as an HDF5 dataset. Its bytes are read when written, one tensor at a time, and
 * converted to what tfjs reads: float16/float64 to float32, int64 to int32, little-endian.
 */
final class H5Tensor implements TensorData {
  /** The dataspace type of an HDF5 dataset without elements. */
  private static final int NULL_DATASPACE = 2;

  /** jHDF's dataset, or null when {@link #plain} describes it. */
  private final Dataset dataset;
  private final H5Layers.Contiguous plain;
  private final HdfBackingStorage storage;
  private final Path hdf5File;
  private final Kind kind;
  private final ByteOrder order;
  private final long elements;

  private H5Tensor(Dataset dataset, H5Layers.Contiguous plain, HdfBackingStorage storage,
      Path hdf5File, Kind kind, ByteOrder order, long elements) {
    this.dataset = dataset;
    this.plain = plain;
    this.storage = storage;
    this.hdf5File = hdf5File;
    this.kind = kind;
    this.order = order;
    this.elements = elements;
  }

  /**
   * Describes {@code dataset} of {@code hdf5File} as the weight {@code name}, checking that its
   * size is plausible; messages name {@code file}, the file the user gave.
   */
  static Weight weight(Path file, Path hdf5File, String name, Dataset dataset)
      throws ConversionException {
    return weight(file, hdf5File, name, dataset, null);
  }

  /** As {@link #weight(Path, Path, String, Dataset)}, for a dataset read by {@link H5Layers}. */
  static Weight weight(Path file, Path hdf5File, String name, H5Layers.Contiguous dataset)
      throws ConversionException {
    return weight(file, hdf5File, name, null, dataset);
  }

  private static Weight weight(
      Path file, Path hdf5File, String name, Dataset dataset, H5Layers.Contiguous plain)
      throws ConversionException {
    DataType type = plain == null ? dataset.getDataType() : plain.type();
    Kind kind;
    ByteOrder order;
    if (type instanceof FloatingPoint floating) {
      order = floating.getByteOrder();
      kind = switch (floating.getSize()) {
        case 2 -> Kind.FLOAT16;
        case 4 -> Kind.FLOAT32;
        case 8 -> Kind.FLOAT64;
        default -> throw unsupported(file, name, floating.getSize() * 8 + "-bit float");
      };
    } else if (type instanceof FixedPoint fixed) {
      order = fixed.getByteOrder();
      kind = switch (fixed.getSize()) {
        case 1 -> Kind.UINT8;
        case 4 -> Kind.INT32;
        case 8 -> Kind.INT64;
        default -> throw unsupported(file, name, fixed.getSize() * 8 + "-bit integer");
      };
    } else {
      throw unsupported(file, name, type.getClass().getSimpleName());
    }
    long[] shape =
        plain == null ? dataset.getDimensionsAsLong() : plain.space().getDimensionsAsLong();
    long elements = 1;
    try {
      for (long dim : shape) {
        if (dim < 0) {
          throw new ArithmeticException();
        }
        elements = Math.multiplyExact(elements, dim);
      }
    } catch (ArithmeticException e) {
      throw new ConversionException(file + ": weight '" + name + "' declares an impossible shape.");
    }
    HdfBackingStorage storage = plain == null ? dataset.getHdfFile().getHdfBackingStorage()
        : plain.weights().getHdfFile().getHdfBackingStorage();
    H5Tensor tensor = new H5Tensor(dataset, plain, storage, hdf5File, kind, order, elements);
    tensor.checkPlausibleSize(file, name, shape);
    DType dtype = kind == Kind.INT32 || kind == Kind.INT64 ? DType.INT32 : DType.FLOAT32;
    return new Weight(name, shape, dtype, tensor);
  }

  /** Largest tensor jHDF can hand over (one ByteBuffer), and more than tfjs loads anyway. */
  private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;
  /** Deflate expands at most ~1032:1; a chunked dataset claiming more is a bomb. */
  private static final long MAX_EXPANSION = 1100;

  /**
   * Refuses, before anything is allocated or mapped, a dataset whose declared size cannot be in
   * the file: more bytes than the file holds (uncompressed layouts) or than its compressed chunks
   * could expand to.
   */
  private void checkPlausibleSize(Path file, String name, long[] shape)
      throws ConversionException {
    long bytes;
    try {
      bytes = Math.multiplyExact(elements, kind.size);
    } catch (ArithmeticException e) {
      bytes = Long.MAX_VALUE;
    }
    long fileSize = storage.size();
    boolean compressed = plain == null
        && dataset.getDataLayout() == io.jhdf.object.message.DataLayout.CHUNKED
        && !dataset.getFilters().isEmpty();
    long limit = compressed
        ? Math.min(MAX_TENSOR_BYTES, fileSize > MAX_TENSOR_BYTES / MAX_EXPANSION
            ? MAX_TENSOR_BYTES : fileSize * MAX_EXPANSION)
        : Math.min(MAX_TENSOR_BYTES, fileSize);
    if (bytes > limit) {
      throw new ConversionException(
          file + ": weight '" + name + "' (dataset " + path() + ") declares shape "
              + java.util.Arrays.toString(shape) + ", " + bytes + " bytes, but the HDF5 file holds"
              + " only " + fileSize + " bytes" + (compressed ? " (compressed)" : "")
              + ". The file is damaged or crafted; refusing to read it.");
    }
  }

  private static ConversionException unsupported(Path file, String name, String type) {
    return new ConversionException(
        file + ": weight '" + name + "' is stored as " + type
            + ", which TensorFlow.js cannot hold. Save the model with float32 weights.");
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    if (elements == 0) {
      return;
    }
    ByteBuffer source = dataBuffer().duplicate().order(order);
    if ((long) source.remaining() < elements * kind.size) {
      throw new IOException(
          path() + " holds " + source.remaining()
              + " bytes, its shape needs " + elements * kind.size);
    }
    if (order == ByteOrder.LITTLE_ENDIAN && kind.asTfjsReads() && out instanceof RegionSink) {
      long position = fileOffset(source);
      if (position >= 0) {
        RegionSink.copy(hdf5File, position, elements * kind.size, out);
        return;
      }
    }
    // no file region (a chunked dataset, or an output that takes bytes): copy jHDF's bytes
    TensorBytes.write(source, kind, elements, out);
  }

  /**
   * Where an uncompressed dataset's bytes start in the file, or -1. HDF5 addresses count from the
   * superblock, which follows the user block; the first bytes are compared with what jHDF reads,
   * so a file laid out otherwise falls back to copying through jHDF. The probe is read through
   * jHDF's own view of the whole file (the map {@link H5Files} made), not by opening the file
   * again for each tensor.
   */
  private long fileOffset(ByteBuffer mapped) {
    long address;
    if (plain != null) {
      address = plain.address();
    } else if (dataset instanceof ContiguousDatasetImpl contiguous) {
      address = contiguous.getDataAddress();
    } else {
      return -1;
    }
    HdfBackingStorage file = storage;
    long position = address + file.getUserBlockSize();
    int probe = (int) Math.min(64, mapped.remaining());
    if (position + Math.max(probe, elements * kind.size) > file.size()) {
      return -1;
    }
    ByteBuffer expected = mapped.duplicate().limit(mapped.position() + probe);
    ByteBuffer actual = file.mapNoOffset(position, probe);
    return actual.equals(expected) ? position : -1;
  }

  /**
   * The dataset's bytes as jHDF maps them. A plainly read dataset is mapped as jHDF's contiguous
   * dataset would be (its size from the element count computed already, or 0 for HDF5's null
   * dataspace, as jHDF counts); if that fails, jHDF's own node is asked, so the error is jHDF's.
   */
  private ByteBuffer dataBuffer() {
    if (plain != null) {
      try {
        long bytes = plain.space().getType() == NULL_DATASPACE ? 0 : elements * kind.size;
        return storage.map(plain.address(), bytes);
      } catch (RuntimeException e) {
        return ((DatasetBase) plain.jhdf()).getDataBuffer();
      }
    }
    return ((DatasetBase) dataset).getDataBuffer();
  }

  private String path() {
    return plain == null ? dataset.getPath() : plain.path();
  }
}
