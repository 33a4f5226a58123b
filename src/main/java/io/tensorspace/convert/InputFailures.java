package io.tensorspace.convert;

import io.tensorspace.convert.model.LayersModel;
import io.tensorspace.convert.model.RegionSink;
import io.tensorspace.convert.model.TensorData;
import io.tensorspace.convert.model.Weight;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what a damaged or hostile model file makes the libraries throw (jHDF, Jackson, protobuf,
 * our own readers' unchecked exceptions) into one {@link ConversionException} naming the file, so
 * the build reports a bad input, not an internal error with a stack trace.
 */
public final class InputFailures {
  private InputFailures() {}

  /** {@code file} could not be understood; {@code e} says why. */
  public static ConversionException damaged(Path file, Throwable e) {
    return damaged(file, null, e);
  }

  /** The model {@code file} (with its separate {@code weights} file, if any) could not be read. */
  public static ConversionException damaged(Path file, Path weights, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConversionException c) {
        return c;
      }
      if (t instanceof java.nio.file.AccessDeniedException denied && denied.getFile() != null) {
        return unreadable(Path.of(denied.getFile()));
      }
      if (t instanceof WeightReadException w) {
        return w.conversionException();
      }
    }
    return new ConversionException(
        file + (weights == null ? "" : " (weights " + weights + ")")
            + " is damaged or not a model this plugin reads: " + describe(e)
            + ". Re-download or re-save the model.", e);
  }

  /** The user running the build may not read {@code path}: say so, with the fix. */
  public static ConversionException unreadable(Path path) {
    boolean folder = java.nio.file.Files.isDirectory(path);
    return new ConversionException("Cannot read " + path + ": permission denied. Let the user"
        + " running Maven read it (e.g. chmod a+r" + (folder ? "x" : "") + " " + path + ").");
  }

  /**
   * Permission denied while converting into {@code output}: writing there (its lock, its staging
   * folder beside it) or reading an input.
   */
  public static ConversionException denied(java.nio.file.AccessDeniedException e, Path output) {
    Path target = output.toAbsolutePath().normalize();
    Path file = e.getFile() == null ? target : Path.of(e.getFile()).toAbsolutePath().normalize();
    boolean ancestor = target.startsWith(file);
    if (ancestor || target.getParent() != null && file.startsWith(target.getParent())
        && (file.startsWith(target) || file.getFileName().toString().startsWith("."))) {
      Path folder = ancestor ? file : target.getParent();
      return new ConversionException("Cannot write " + folder + ": permission denied. Let the"
          + " user running Maven write it (e.g. chmod u+w " + folder + "), or choose another"
          + " outputDirectory.", e);
    }
    return unreadable(file);
  }

  /** Reading {@code file} asked for more memory than the JVM has: a header claiming too much. */
  public static ConversionException tooLarge(Path file, Path weights, OutOfMemoryError e) {
    String size;
    try {
      size = java.nio.file.Files.size(file) + " bytes";
    } catch (IOException | RuntimeException ignored) {
      size = "its size";
    }
    return new ConversionException(
        file + (weights == null ? "" : " (weights " + weights + ")") + " declares structures far"
            + " larger than its " + size + " (reading them ran out of memory: " + e.getMessage()
            + "), so it is damaged or crafted. If it is a genuine model, give Maven more memory"
            + " (MAVEN_OPTS=-Xmx...).", e);
  }

  /** A short, single-line account of {@code e} and where it was raised. */
  static String describe(Throwable e) {
    Throwable t = e;
    while ((t instanceof UncheckedIOException || t.getMessage() == null) && t.getCause() != null
        && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage() == null ? "" : t.getMessage().strip();
    message = message.replaceAll("\\s+", " ");
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    String kind = t.getClass().getSimpleName();
    String where = "";
    for (StackTraceElement frame : t.getStackTrace()) {
      if (!frame.getClassName().startsWith("java.")) {
        String cls = frame.getClassName();
        where = " in " + cls.substring(cls.lastIndexOf('.') + 1) + "." + frame.getMethodName();
        break;
      }
    }
    return (message.isEmpty() ? kind : kind + ": " + message) + where;
  }

  /**
   * The same model with every weight's reading guarded: if the bytes cannot be read (a truncated
   * or damaged file), writing fails with a {@link WeightReadException}, while failures of the
   * output stream itself (a full disk) pass through unchanged.
   */
  public static LayersModel guardWeights(LayersModel model) {
    Map<String, List<Weight>> guarded = new LinkedHashMap<>();
    for (Map.Entry<String, List<Weight>> entry : model.weightsByLayer().entrySet()) {
      String layer = entry.getKey();
      List<Weight> weights = entry.getValue();
      List<Weight> list = new ArrayList<>();
      for (Weight w : weights) {
        list.add(new Weight(w.name(), w.shape(), w.dtype(),
            guard(model.source(), w.name(), w.data()), w.quantization()));
      }
      guarded.put(layer, list);
    }
    return model.withWeights(guarded);
  }

  private static TensorData guard(Path file, String name, TensorData data) {
    if (data == null) {
      return null;
    }
    // an anonymous class rather than a lambda: FirstUse loads it ahead
    return new TensorData() {
      @Override
      public void writeTo(OutputStream out) throws IOException {
        MarkedStream marked = new MarkedStream(out);
        try {
          data.writeTo(marked);
        } catch (WeightReadException e) {
          throw e;
        } catch (OutOfMemoryError e) {
          throw new WeightReadException(tooLarge(file, null, e));
        } catch (IOException | RuntimeException | StackOverflowError e) {
          if (marked.failure != null && (e == marked.failure || hasCause(e, marked.failure))) {
            throw marked.failure;
          }
          throw new WeightReadException(new ConversionException(
              file + ": cannot read the weight '" + name + "': " + describe(e)
                  + ". The file is truncated or damaged; re-download or re-save the model.", e));
        }
      }
    };
  }

  private static boolean hasCause(Throwable e, Throwable cause) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t == cause) {
        return true;
      }
    }
    return false;
  }

  /** Remembers the output's own failures, to tell them from the input's. */
  private static final class MarkedStream extends FilterOutputStream implements RegionSink {
    IOException failure;

    MarkedStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void transferFrom(Path file, long position, long count) throws IOException {
      try {
        RegionSink.copy(file, position, count, out);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }

  /**
   * A weight's bytes could not be read from the model file: carried through the writers as an
   * {@link IOException} and unwrapped by {@link Converter} into its {@link ConversionException}.
   */
  public static final class WeightReadException extends IOException {
    private static final long serialVersionUID = 1L;

    WeightReadException(ConversionException cause) {
      super(cause.getMessage(), cause);
    }

    public ConversionException conversionException() {
      return (ConversionException) getCause();
    }
  }
}
