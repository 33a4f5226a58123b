package io.tensorspace.convert.tensorflow;

import org.tensorflow.proto.DataType;
import org.tensorflow.types.annotation.TensorType;
import org.tensorflow.types.family.TType;

/** TensorFlow's {@code resource} dtype (a variable handle), graph-only: see {@link TVariant}. */
@TensorType(dataType = DataType.DT_RESOURCE, byteSize = -1, mapperClass = TVariant.Mapper.class)
interface TResource extends TType {}
