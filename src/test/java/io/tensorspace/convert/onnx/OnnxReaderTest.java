package io.tensorspace.convert.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.Converter;
import io.tensorspace.convert.InputFormat;
import io.tensorspace.convert.ModelSources;
import io.tensorspace.convert.ProgressListener;
import io.tensorspace.convert.incremental.UpToDateCheck;
import io.tensorspace.testing.OnnxCorpus;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX reader on corpus models edited by protobuf-java ({@link OnnxEdits}): initializers moved
 * to external data files convert exactly like the original, external paths leaving the model's
 * folder are refused, tensors declaring more bytes than present and deeply nested subgraphs are
 * refused before anything is allocated.
 */
class OnnxReaderTest {
  private static final List<String> MODELS = List.of("pt03-linear", "pt-mnist-burn",
      "pt-cifar10-winml", "pt-iris-mlp-winml", "pt03-conv2d-groups", "pt03-batchnorm2d-eval");

  @TempDir
  Path tmp;

  @Test
  void initializersInExternalDataConvertToTheSameWeights() throws Exception {
    for (String id : MODELS) {
      Path model = OnnxCorpus.byId(id).model();
      Path edited = externalized(id);
      Path a = convert(model, tmp.resolve(id + "-a"));
      Path b = convert(edited, tmp.resolve(id + "-b"));
      assertArrayEquals(Files.readAllBytes(a.resolve("group1-shard1of1.bin")),
          Files.readAllBytes(b.resolve("group1-shard1of1.bin")), id);
      System.out.println("[onnx-reader] " + id + ": initializers external, same weights");
    }
  }

  /** An edit of the external data file alone (the .onnx unchanged) makes the model out of date. */
  @Test
  void editedExternalDataIsOutOfDate() throws Exception {
    for (String id : MODELS) {
      Path edited = externalized(id);
      ConversionRequest request = new ConversionRequest(edited, null, tmp.resolve(id + "-out"),
          List.of(), List.of(), ConversionRequest.DEFAULT_SHARD_SIZE);
      UpToDateCheck check = new UpToDateCheck(tmp.resolve(id + "-state"));
      UpToDateCheck.Recording recording = check.begin(request);
      new Converter(ProgressListener.NONE, recording).convert(request);
      recording.finish();
      assertTrue(check.isUpToDate(request), id);

      Path data = edited.resolveSibling("data/weights.bin");
      FileTime time = Files.getLastModifiedTime(data);
      byte[] bytes = Files.readAllBytes(data);
      bytes[bytes.length / 2] ^= 1;
      Files.write(data, bytes);
      Files.setLastModifiedTime(data, time);
      assertFalse(check.isUpToDate(request), id + ": a flipped byte in its external data");
    }
  }

  /** A copy of the corpus model in its own folder, every raw initializer in data/weights.bin. */
  private Path externalized(String id) throws Exception {
    byte[] bytes = Files.readAllBytes(OnnxCorpus.byId(id).model());
    Path folder = Files.createDirectories(tmp.resolve(id + "-external"));
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    List<UnknownFieldSet> tensors = OnnxEdits.initializers(bytes);
    int moved = 0;
    for (int i = 0; i < tensors.size(); i++) {
      ByteString raw = OnnxEdits.raw(tensors.get(i));
      if (raw == null) {
        continue;
      }
      long offset = data.size();
      raw.writeTo(data);
      bytes = OnnxEdits.editInitializer(bytes, i,
          t -> OnnxEdits.external(t, "data/weights.bin", offset, raw.size()));
      moved++;
    }
    assertTrue(moved > 0, id + " has raw_data initializers");
    Files.createDirectories(folder.resolve("data"));
    Files.write(folder.resolve("data/weights.bin"), data.toByteArray());
    Path edited = folder.resolve("model.onnx");
    Files.write(edited, bytes);
    return edited;
  }

  @Test
  void externalDataOutsideTheModelFolderIsRefused() throws Exception {
    Path model = OnnxCorpus.byId("pt03-linear").model();
    byte[] bytes = Files.readAllBytes(model);
    Path folder = Files.createDirectories(tmp.resolve("escape/model"));
    Path outside = tmp.resolve("escape/secret.bin");
    Files.write(outside, new byte[1 << 16]);
    Files.createSymbolicLink(folder.resolve("link.bin"), outside);
    List<String> locations = List.of("../secret.bin", outside.toString(), "sub/../../secret.bin",
        "%2e%2e/secret.bin", "link.bin", "file:///etc/passwd", "", "missing.bin");
    int refused = 0;
    for (String location : locations) {
      UnknownFieldSet first = OnnxEdits.initializers(bytes).get(0);
      long length = OnnxEdits.raw(first).size();
      Path edited = folder.resolve("model.onnx");
      Files.write(edited, OnnxEdits.editInitializer(bytes, 0,
          t -> OnnxEdits.external(t, location, 0, length)));
      ConversionException e = assertThrows(ConversionException.class,
          () -> new OnnxReader().read(edited), location);
      assertTrue(e.getMessage().contains("external data of tensor '" + OnnxEdits.name(first)),
          e.getMessage());
      assertTrue(e.getMessage().contains(edited.toString()), e.getMessage());
      refused++;
    }
    assertEquals(locations.size(), refused);
  }

  @Test
  void tensorsDeclaringMoreBytesThanPresentAreRefusedBeforeAllocation() throws Exception {
    int members = 0;
    for (String id : MODELS) {
      byte[] bytes = Files.readAllBytes(OnnxCorpus.byId(id).model());
      List<UnknownFieldSet> tensors = OnnxEdits.initializers(bytes);
      for (int i = 0; i < tensors.size(); i++) {
        for (long[] dims : List.of(new long[] {1L << 20, 1L << 20, 1L << 20},
            new long[] {Long.MAX_VALUE / 2, 4}, new long[] {-1, 16}, new long[] {1 << 30})) {
          Path edited = tmp.resolve(id + "-bomb-" + i + "-" + dims.length + ".onnx");
          Files.write(edited, OnnxEdits.editInitializer(bytes, i,
              t -> OnnxEdits.withVarints(t, OnnxEdits.TENSOR_DIMS, dims)));
          ConversionException e = assertThrows(ConversionException.class,
              () -> new OnnxReader().read(edited));
          assertTrue(e.getMessage().contains("tensor '" + OnnxEdits.name(tensors.get(i))
              + "' is refused"), e.getMessage());
          Files.delete(edited);
          members++;
        }
      }
    }
    System.out.println("[onnx-reader] " + members + " inflated tensors refused");
    assertTrue(members > 100, "members: " + members);
  }

  @Test
  void truncatedFilesAreRefusedClearly() throws Exception {
    byte[] bytes = Files.readAllBytes(OnnxCorpus.byId("pt-mnist-burn").model());
    int members = 0;
    for (int cut = 64; cut < bytes.length; cut += bytes.length / 40) {
      Path edited = tmp.resolve("cut.onnx");
      Files.write(edited, java.util.Arrays.copyOf(bytes, cut));
      Path file = edited;
      ConversionException e = assertThrows(ConversionException.class,
          () -> new OnnxReader().read(file));
      assertTrue(e.getMessage().contains(edited.toString()), e.getMessage());
      members++;
    }
    assertTrue(members >= 30);
  }

  @Test
  void subgraphsNestedDeeperThanTheLimitAreRefused() throws Exception {
    byte[] bytes = Files.readAllBytes(OnnxCorpus.byId("pt03-linear").model());
    for (int depth = 1; depth <= OnnxReader.MAX_GRAPH_DEPTH + 3; depth++) {
      ByteString node = nestedIf(depth);
      Path edited = tmp.resolve("nested-" + depth + ".onnx");
      Files.write(edited, OnnxEdits.editGraph(bytes, g -> {
        List<ByteString> nodes = new ArrayList<>(
            g.getField(OnnxEdits.GRAPH_NODE).getLengthDelimitedList());
        nodes.add(node);
        return OnnxEdits.replace(g, OnnxEdits.GRAPH_NODE, nodes);
      }));
      if (depth <= OnnxReader.MAX_GRAPH_DEPTH) {
        assertEquals(2, new OnnxReader().read(edited).graph().nodes().size(), "depth " + depth);
      } else {
        ConversionException e = assertThrows(ConversionException.class,
            () -> new OnnxReader().read(edited));
        assertTrue(e.getMessage().contains("nests subgraphs"), e.getMessage());
      }
    }
  }

  /** An If node whose then_branch holds an If node ... {@code depth} graphs deep. */
  private static ByteString nestedIf(int depth) {
    UnknownFieldSet.Builder node = UnknownFieldSet.newBuilder()
        .addField(2, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8("nested_" + depth)).build())
        .addField(4, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFromUtf8("If")).build());
    if (depth > 0) {
      ByteString graph = UnknownFieldSet.newBuilder()
          .addField(1, UnknownFieldSet.Field.newBuilder()
              .addLengthDelimited(nestedIf(depth - 1)).build())
          .build().toByteString();
      ByteString attribute = UnknownFieldSet.newBuilder()
          .addField(1, UnknownFieldSet.Field.newBuilder()
              .addLengthDelimited(ByteString.copyFromUtf8("then_branch")).build())
          .addField(6, UnknownFieldSet.Field.newBuilder().addLengthDelimited(graph).build())
          .addField(20, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
          .build().toByteString();
      node.addField(5, UnknownFieldSet.Field.newBuilder().addLengthDelimited(attribute).build());
    }
    return node.build().toByteString();
  }

  @Test
  void aFolderHoldingOneOnnxModelIsFoundByContent() throws Exception {
    for (OnnxCorpus.Case c : OnnxCorpus.cases()) {
      // a copy under a neutral name: the content decides, not the extension
      Path folder = Files.createDirectories(tmp.resolve("folder-" + c.id()));
      Files.copy(c.model(), folder.resolve("exported.bin"));
      Files.writeString(folder.resolve("notes.txt"), "labels");
      ModelSources.ModelSource found = ModelSources.locate(folder, null);
      assertEquals(InputFormat.ONNX, found.format(), c.id());
      assertEquals(folder.resolve("exported.bin"), found.file());
      assertEquals(InputFormat.ONNX, ModelSources.locate(c.model(), null).format(), c.id());
    }
  }

  @Test
  void readsWhatTheManifestSays() throws Exception {
    OnnxModel m = new OnnxReader().read(OnnxCorpus.byId("pt-mnist-burn").model());
    assertEquals(8, m.irVersion());
    assertEquals(16, m.opset());
    assertEquals("pytorch 2.0.0", m.producer());
    assertEquals(13, m.graph().nodes().size());
    assertFalse(m.graph().initializers().isEmpty());
    assertArrayEquals(new long[] {1, 1, 28, 28}, m.graph().inputs().get(0).dims());
  }

  private static Path convert(Path model, Path out) throws Exception {
    new Converter().convert(new ConversionRequest(model, null, out, List.of(), List.of(),
        ConversionRequest.DEFAULT_SHARD_SIZE));
    return out;
  }
}
