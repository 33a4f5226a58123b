package io.tensorspace.convert.tensorflow;

import java.lang.reflect.Method;
import org.bytedeco.javacpp.PointerScope;
import org.tensorflow.RawTensor;
import org.tensorflow.SparseTensor;
import org.tensorflow.TensorMapper;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.annotation.TensorType;
import org.tensorflow.types.family.TType;

/**
 * TensorFlow's {@code variant} dtype (what a TensorList is), which TF Java 1.1 has no Java type
 * for: registered so TF Java builds functions whose loop variables are TensorLists (and variable
 * handles, {@link TResource}), as tf.keras's RNN loops have. Only graphs are built with them; no
 * such tensor ever reaches Java.
 */
@TensorType(dataType = DataType.DT_VARIANT, byteSize = -1, mapperClass = TVariant.Mapper.class)
interface TVariant extends TType {
  /** Registers this type and {@link TResource} with TF Java once. */
  static void register() {
    register(TVariant.class, DataType.DT_VARIANT);
    register(TResource.class, DataType.DT_RESOURCE);
  }

  /** Registers a graph-only type (TF Java's registry has no public way to add one). */
  private static void register(Class<?> type, DataType dtype) {
    try {
      Class<?> registry =
          Class.forName("org.tensorflow.internal.types.registry.TensorTypeRegistry");
      Method find = registry.getMethod("find", DataType.class);
      try {
        find.invoke(null, dtype);
        return;
      } catch (java.lang.reflect.InvocationTargetException absent) {
        // not registered yet
      }
      Method register = registry.getDeclaredMethod("register", Class.class);
      register.setAccessible(true);
      register.invoke(null, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot register " + dtype + " with TF Java", e);
    }
  }

  /** Never used: no variant tensor is read into Java. */
  final class Mapper extends TensorMapper<TType> {
    @Override
    protected TType mapDense(RawTensor tensor) {
      throw new UnsupportedOperationException("variant tensors are not read into Java");
    }

    @Override
    protected SparseTensor<TType> mapSparse(TInt64 indices, TType values, TInt64 shape,
        PointerScope scope) {
      throw new UnsupportedOperationException("variant tensors are not read into Java");
    }
  }
}
