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
 * for: registered so TF Java builds functions whose loop variables are TensorLists, as tf.keras's
 * RNN loops have. Only graphs are built with it; no variant tensor ever reaches Java.
 */
@TensorType(dataType = DataType.DT_VARIANT, byteSize = -1, mapperClass = TVariant.Mapper.class)
interface TVariant extends TType {
  /** Registers the type with TF Java once (its registry has no public way to add one). */
  static void register() {
    try {
      Class<?> registry =
          Class.forName("org.tensorflow.internal.types.registry.TensorTypeRegistry");
      Method find = registry.getMethod("find", DataType.class);
      try {
        find.invoke(null, DataType.DT_VARIANT);
        return;
      } catch (java.lang.reflect.InvocationTargetException absent) {
        // not registered yet
      }
      Method register = registry.getDeclaredMethod("register", Class.class);
      register.setAccessible(true);
      register.invoke(null, TVariant.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot register the variant dtype with TF Java", e);
    }
  }

  /** Never used: no variant tensor is read into Java. */
  final class Mapper extends TensorMapper<TVariant> {
    @Override
    protected TVariant mapDense(RawTensor tensor) {
      throw new UnsupportedOperationException("variant tensors are not read into Java");
    }

    @Override
    protected SparseTensor<TVariant> mapSparse(TInt64 indices, TVariant values, TInt64 shape,
        PointerScope scope) {
      throw new UnsupportedOperationException("variant tensors are not read into Java");
    }
  }
}
