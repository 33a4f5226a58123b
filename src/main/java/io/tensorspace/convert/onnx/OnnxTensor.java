package io.tensorspace.convert.onnx;

import io.tensorspace.convert.model.RegionSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tensor of the model (initializer, Constant value, attribute). Its bytes are little-endian in
 * the ONNX element type and stay where they are: a region of the .onnx file or of an external data
 * file, read only when needed (weights when the shards are written). Values stored in the typed
 * repeated fields of old exports are small and kept, re-encoded as the raw bytes would be.
 */
public final class OnnxTensor {
  private final String name;
  private final long[] dims;
  private final int dataType;
  private final Path file;
  private final long offset;
  private final long length;
  private final byte[] inline;

  private OnnxTensor(String name, long[] dims, int dataType, Path file, long offset, long length,
      byte[] inline) {
    this.name = name;
    this.dims = dims.clone();
    this.dataType = dataType;
    this.file = file;
    this.offset = offset;
    this.length = length;
    this.inline = inline;
  }

  /** Data in {@code length} bytes of {@code file} from {@code offset}. */
  static OnnxTensor inFile(String name, long[] dims, int dataType, Path file, long offset,
      long length) {
    return new OnnxTensor(name, dims, dataType, file, offset, length, null);
  }

  /**
   * {@code count} elements all equal to {@code value} (its bytes in the element type), written
   * when needed (ConstantOfShape: caffe2 "light" models make every weight this way).
   */
  public static OnnxTensor filled(String name, long[] dims, int dataType, byte[] value) {
    return new OnnxTensor(name, dims, dataType, null, 0,
        ElemType.count(dims) * value.length, value.clone());
  }

  /** Data held in memory (typed fields, or values computed while folding constants). */
  public static OnnxTensor inMemory(String name, long[] dims, int dataType, byte[] bytes) {
    return new OnnxTensor(name, dims, dataType, null, 0, bytes.length, bytes.clone());
  }

  /** The same bytes seen with other dimensions of the same element count. */
  public OnnxTensor reshaped(long[] newDims) {
    return new OnnxTensor(name, newDims, dataType, file, offset, length, inline);
  }

  /** The same values under another name. */
  public OnnxTensor renamed(String newName) {
    return new OnnxTensor(newName, dims, dataType, file, offset, length, inline);
  }

  /** The file outside the model that holds the data (ONNX external data), or null. */
  public Path externalFile(Path model) {
    return file == null || file.equals(model) ? null : file;
  }

  public String name() {
    return name;
  }

  public long[] dims() {
    return dims.clone();
  }

  public int dataType() {
    return dataType;
  }

  public long elementCount() {
    return ElemType.count(dims);
  }

  public long byteLength() {
    return length;
  }

  /** Writes the raw little-endian bytes, straight from the file region where they are stored. */
  public void writeTo(OutputStream out) throws IOException {
    if (inline != null && inline.length != length) {
      // a filled tensor: the element's bytes repeated
      byte[] block = new byte[(int) Math.min(length, 1 << 16) / inline.length * inline.length];
      for (int i = 0; i < block.length; i++) {
        block[i] = inline[i % inline.length];
      }
      for (long left = length; left > 0; left -= block.length) {
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    } else if (inline != null) {
      out.write(inline);
    } else {
      RegionSink.copy(file, offset, length, out);
    }
  }

  /** The bytes, little-endian; for one tensor at a time (a weight being transformed, a constant). */
  public ByteBuffer bytes() throws IOException {
    if (length > Integer.MAX_VALUE - 16) {
      throw new IOException(name + ": " + length + " bytes is too large to transform in memory");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) length);
    writeTo(out);
    return ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The values as floats (float, double, integer types converted). */
  public float[] floats() throws IOException {
    ByteBuffer b = bytes();
    float[] out = new float[Math.toIntExact(elementCount())];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) ElemType.read(dataType, b, i);
    }
    return out;
  }

  /** The values as longs (integer types; floats truncated). */
  public long[] longs() throws IOException {
    ByteBuffer b = bytes();
    long[] out = new long[Math.toIntExact(elementCount())];
    for (int i = 0; i < out.length; i++) {
      out[i] = (long) ElemType.read(dataType, b, i);
    }
    return out;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(dims) + " " + ElemType.name(dataType);
  }
}
