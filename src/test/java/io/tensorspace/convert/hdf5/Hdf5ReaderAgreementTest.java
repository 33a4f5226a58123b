package io.tensorspace.convert.hdf5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.dataset.ContiguousDatasetImpl;
import io.jhdf.dataset.DatasetBase;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FixedPoint;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.datatype.StringData;
import io.jhdf.object.datatype.VariableLength;
import io.tensorspace.testing.KerasH5Writer;
import io.tensorspace.testing.ModelCorpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The small HDF5 reader agrees with jHDF on every HDF5 file of the corpus (and every
 * {@code model.weights.h5} in its Keras 3 archives) and on Keras files jHDF's writer makes from
 * every tfjs layers model of the corpus: the same groups and members, the same string attributes,
 * the same dataset types, shapes and bytes. Where it does not read a part (a chunked dataset,
 * dense storage, a non-string attribute) it must say so ({@link Hdf5Unsupported}), never answer
 * differently; and the Keras files Keras and h5py write plainly must be read whole.
 */
class Hdf5ReaderAgreementTest {
  @TempDir Path temp;

  /** What one file's comparison found: parts compared, parts left to jHDF (and why). */
  private static final class Tally {
    int agreed;
    final List<String> unsupported = new ArrayList<>();
  }

  @Test
  void agreesWithJhdfOnEveryHdf5FileOfTheCorpus() throws IOException {
    Map<String, Tally> tallies = new TreeMap<>();
    for (Path file : corpusFiles()) {
      tallies.put(ModelCorpus.root().relativize(file).toString(), compare(file));
    }
    assertTrue(tallies.size() >= 80, "corpus HDF5 files: " + tallies.size());
    report(tallies);
    // all of them are written by Keras (h5py) and read whole
    tallies.forEach((file, tally) -> assertEquals(List.of(), tally.unsupported, file));
  }

  @Test
  void agreesWithJhdfOnKerasFilesWrittenByJhdf() throws IOException {
    int files = 0;
    Map<String, Tally> tallies = new TreeMap<>();
    try (Stream<Path> models = Files.walk(ModelCorpus.root().resolve("tfjs-layers"))) {
      for (Path json : models.filter(p -> p.getFileName().toString().equals("model.json"))
          .sorted().toList()) {
        Path out = temp.resolve("m" + files++ + ".h5");
        try {
          KerasH5Writer.fromTfjs(json.getParent(), out);
        } catch (IOException | RuntimeException e) {
          continue; // a model the test writer does not write (e.g. sharded differently)
        }
        Tally tally = compare(out);
        tallies.put(json.getParent().getFileName().toString(), tally);
        assertEquals(List.of(), tally.unsupported, json + " written by jHDF is read whole");
      }
    }
    report(tallies);
    assertTrue(tallies.size() >= 10, "generated files: " + tallies.size());
  }

  @Test
  void chunkedDatasetsAreLeftToJhdf() throws IOException {
    int chunked = 0;
    try (Stream<Path> models = Files.walk(ModelCorpus.root().resolve("tfjs-layers"))) {
      for (Path json : models.filter(p -> p.getFileName().toString().equals("model.json"))
          .sorted().toList()) {
        Path out = temp.resolve("c" + chunked + ".h5");
        try {
          KerasH5Writer.fromTfjs(json.getParent(), out, true);
        } catch (IOException | RuntimeException e) {
          continue; // a model the test writer does not write
        }
        Tally tally = compare(out);
        assertTrue(tally.agreed > 0 && !tally.unsupported.isEmpty(), out.toString());
        for (String part : tally.unsupported) {
          assertTrue(part.endsWith(": filters or external files")
              || part.endsWith(": a chunked or virtual dataset"), part);
        }
        chunked++;
      }
    }
    assertTrue(chunked >= 10, "files with chunked datasets: " + chunked);
  }

  private List<Path> corpusFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(ModelCorpus.root())) {
      for (Path file : all.sorted().toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
          files.add(file);
        } else if (name.endsWith(".keras")) {
          Path weights = extract(file);
          if (weights != null) {
            files.add(weights);
          }
        }
      }
    }
    return files;
  }

  private Path extract(Path archive) throws IOException {
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        if (entry.getName().equals("model.weights.h5")) {
          Path out = Files.createTempFile(temp, archive.getFileName().toString(), ".h5");
          Files.copy((InputStream) zip, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          return out;
        }
      }
    }
    return null;
  }

  private static void report(Map<String, Tally> tallies) {
    for (Map.Entry<String, Tally> entry : tallies.entrySet()) {
      System.out.println("[hdf5] " + entry.getKey() + ": " + entry.getValue().agreed + " agreed, "
          + entry.getValue().unsupported.size() + " left to jHDF "
          + entry.getValue().unsupported.stream().limit(3).toList());
    }
  }

  private Tally compare(Path file) throws IOException {
    Tally tally = new Tally();
    Hdf5File own;
    try {
      own = Hdf5File.open(file);
    } catch (Hdf5Unsupported e) {
      tally.unsupported.add("file: " + e.getMessage());
      return tally;
    }
    try (HdfFile hdf = new HdfFile(file)) {
      compare(hdf, own.root(), tally);
    }
    return tally;
  }

  private void compare(Node node, Hdf5Object own, Tally tally) {
    String path = node.getPath();
    for (Map.Entry<String, Attribute> entry : node.getAttributes().entrySet()) {
      compareAttribute(path, entry.getValue(), own, tally);
    }
    if (node instanceof Group group) {
      assertFalse(own.isDataset(), path);
      List<String> names;
      try {
        names = own.childNames();
      } catch (Hdf5Unsupported e) {
        tally.unsupported.add(path + ": " + e.getMessage());
        return;
      }
      assertEquals(new ArrayList<>(group.getChildren().keySet()), names, path);
      tally.agreed++;
      for (Node child : group.getChildren().values()) {
        Hdf5Object ownChild;
        try {
          ownChild = own.child(child.getName());
        } catch (Hdf5Unsupported e) {
          tally.unsupported.add(child.getPath() + ": " + e.getMessage());
          continue;
        }
        compare(child, ownChild, tally);
      }
    } else if (node instanceof Dataset dataset) {
      assertTrue(own.isDataset(), path);
      compareDataset(path, dataset, own, tally);
    }
  }

  private static void compareAttribute(String path, Attribute attribute, Hdf5Object own,
      Tally tally) {
    String where = path + "@" + attribute.getName();
    Hdf5Attribute mine;
    try {
      mine = own.attribute(attribute.getName());
    } catch (Hdf5Unsupported e) {
      tally.unsupported.add(where + ": " + e.getMessage());
      return;
    }
    assertTrue(mine != null, where);
    assertEquals(attribute.isEmpty(), mine.isEmpty(), where);
    if (attribute.isEmpty()) {
      tally.agreed++;
      return;
    }
    DataType type = attribute.getDataType();
    boolean string = type instanceof StringData
        || (type instanceof VariableLength v && v.isVariableLengthString());
    List<String> strings;
    try {
      strings = mine.strings();
    } catch (Hdf5Unsupported e) {
      tally.unsupported.add(where + ": " + e.getMessage());
      return;
    }
    assertTrue(string, where + " is read as strings but is " + type);
    assertEquals(jhdfStrings(attribute.getData()), strings, where);
    tally.agreed++;
  }

  private static void compareDataset(String path, Dataset dataset, Hdf5Object own, Tally tally) {
    assertArrayEquals(dataset.getDimensionsAsLong(), own.shape(), path);
    Hdf5Type type;
    try {
      type = own.type();
    } catch (Hdf5Unsupported e) {
      tally.unsupported.add(path + ": " + e.getMessage());
      return;
    }
    DataType jhdf = dataset.getDataType();
    assertEquals(jhdf.getSize(), type.size(), path);
    if (jhdf instanceof FloatingPoint f) {
      assertEquals(Hdf5Type.FLOATING_POINT, type.typeClass(), path);
      assertEquals(f.getByteOrder(), type.order(), path);
    } else if (jhdf instanceof FixedPoint f) {
      assertEquals(Hdf5Type.FIXED_POINT, type.typeClass(), path);
      assertEquals(f.getByteOrder(), type.order(), path);
    }
    long bytes = dataset.getSize() * jhdf.getSize();
    ByteBuffer data;
    try {
      data = own.data(bytes);
    } catch (Hdf5Unsupported e) {
      assertFalse(dataset instanceof ContiguousDatasetImpl && dataset.getFilters().isEmpty()
          && dataset.getDataLayout() != io.jhdf.object.message.DataLayout.CHUNKED
          && bytes > 0, path + " is contiguous, yet: " + e.getMessage());
      tally.unsupported.add(path + ": " + e.getMessage());
      return;
    }
    if (bytes > 0) {
      assertEquals(((DatasetBase) dataset).getDataBuffer().duplicate().rewind(),
          data.duplicate().rewind(), path + " bytes");
    }
    tally.agreed++;
  }

  private static List<String> jhdfStrings(Object data) {
    List<String> into = new ArrayList<>();
    collect(data, into);
    return into;
  }

  private static void collect(Object data, List<String> into) {
    if (data instanceof String text) {
      into.add(text);
    } else if (data instanceof byte[] bytes) {
      into.add(new String(bytes, StandardCharsets.UTF_8));
    } else if (data instanceof Object[] array) {
      for (Object element : array) {
        collect(element, into);
      }
    } else {
      into.add(String.valueOf(data));
    }
  }
}
