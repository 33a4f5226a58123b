package io.tensorspace.convert.keras;

import io.tensorspace.convert.hdf5.Hdf5Object;
import io.tensorspace.convert.hdf5.Hdf5Type;
import io.tensorspace.convert.hdf5.Hdf5Unsupported;
import io.tensorspace.convert.keras.TensorBytes.Kind;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.RegionSink;
import io.tensorspace.convert.model.TensorData;
import io.tensorspace.convert.model.Weight;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A weight stored as a dataset that {@link io.tensorspace.convert.hdf5.Hdf5File} reads. It takes
 * the types and sizes {@link H5Tensor} takes without complaint; for any other (where H5Tensor
 * reports an error), {@link Hdf5Unsupported} sends the file to jHDF, and H5Tensor reports it.
 */
final class Hdf5Tensor implements TensorData {
  /** Largest tensor one ByteBuffer holds, as {@link H5Tensor} allows. */
  private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

  private final Path hdf5File;
  private final ByteBuffer data;
  private final long address;
  private final Kind kind;
  private final long elements;

  private Hdf5Tensor(Path hdf5File, ByteBuffer data, long address, Kind kind, long elements) {
    this.hdf5File = hdf5File;
    this.data = data;
    this.address = address;
    this.kind = kind;
    this.elements = elements;
  }

  /** {@code dataset} of {@code hdf5File} as the weight {@code name}. */
  static Weight weight(Path hdf5File, String name, Hdf5Object dataset) {
    Hdf5Type type = dataset.type();
    Kind kind = switch (type.typeClass() * 16 + type.size()) {
      case Hdf5Type.FLOATING_POINT * 16 + 2 -> Kind.FLOAT16;
      case Hdf5Type.FLOATING_POINT * 16 + 4 -> Kind.FLOAT32;
      case Hdf5Type.FLOATING_POINT * 16 + 8 -> Kind.FLOAT64;
      case Hdf5Type.FIXED_POINT * 16 + 1 -> Kind.UINT8;
      case Hdf5Type.FIXED_POINT * 16 + 4 -> Kind.INT32;
      case Hdf5Type.FIXED_POINT * 16 + 8 -> Kind.INT64;
      default -> throw new Hdf5Unsupported("a weight of type " + type);
    };
    long[] shape = dataset.shape();
    long elements = 1;
    for (long dim : shape) {
      elements = Math.multiplyExact(elements, dim);
    }
    long bytes = Math.multiplyExact(elements, kind.size);
    if (bytes > MAX_TENSOR_BYTES) {
      throw new Hdf5Unsupported("a weight too large");
    }
    ByteBuffer data = dataset.data(bytes).order(type.order());
    Hdf5Tensor tensor = new Hdf5Tensor(hdf5File, data, dataset.dataAddress(), kind, elements);
    DType dtype = kind == Kind.INT32 || kind == Kind.INT64 ? DType.INT32 : DType.FLOAT32;
    return new Weight(name, shape, dtype, tensor);
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    if (elements == 0) {
      return;
    }
    ByteBuffer source = data.duplicate().order(data.order());
    if (address >= 0 && source.order() == ByteOrder.LITTLE_ENDIAN && kind.asTfjsReads()
        && out instanceof RegionSink) {
      RegionSink.copy(hdf5File, address, elements * kind.size, out);
      return;
    }
    TensorBytes.write(source, kind, elements, out);
  }
}
