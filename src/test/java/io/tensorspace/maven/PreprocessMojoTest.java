package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionRequest;
import io.tensorspace.convert.InputShapes;
import io.tensorspace.convert.incremental.UpToDateCheck;
import io.tensorspace.convert.tensorflow.GraphOptions;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions;
import io.tensorspace.convert.tensorspace.View;
import io.tensorspace.convert.tensorspace.TensorSpaceOptions.LayerOverride;
import io.tensorspace.convert.write.Quantize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

/**
 * The {@code preprocess} goal as Maven configures it: POM fragments and {@code -D} properties in,
 * the {@link ConversionRequest}s the goal builds out. The invoker ITs run the same goal in a real
 * Maven; these pin down every parameter and how the goal's values, the {@code <model>}'s own and
 * the command line's combine.
 */
@MojoTest
class PreprocessMojoTest extends MojoHarness {
  private static final Path MNIST = CORPUS.resolve("keras2-h5/tensorspace-keras-mnist/mnist.h5");
  private static final Path SEPARATED = CORPUS.resolve("keras2-h5/tensorspace-keras-mnist-separated");
  private static final Path SAVED = CORPUS.resolve("savedmodel/tensorspace-tf1-lenet-saved");
  private static final long SHARD = ConversionRequest.DEFAULT_SHARD_SIZE;

  /** The requests the goal builds, in order. */
  private static List<ConversionRequest> requests(PreprocessMojo mojo) throws Exception {
    return List.copyOf(mojo.conversionRequests().values());
  }

  private Path out(String folder) {
    return basedir.resolve("target/generated-resources/tensorspace").resolve(folder);
  }

  private static TensorSpaceOptions companion(String name) {
    return new TensorSpaceOptions(name, false, null, Map.of());
  }

  /** The request of a model given only its source: every default. */
  private ConversionRequest defaults(Path source, String name) {
    return new ConversionRequest(source, null, out(name), List.of(), List.of(), SHARD,
        Quantize.NONE, List.of(), false, companion(name), GraphOptions.DEFAULT);
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
  void aModelWithOnlyItsSourceGetsEveryDefault(PreprocessMojo mojo) throws Exception {
    assertEquals(List.of(defaults(MNIST, "mnist")), requests(mojo));
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models><model>
        <name>lenet</name>
        <source>${corpus}/keras2-h5/tensorspace-keras-mnist-separated/topology.json</source>
        <weights>${corpus}/keras2-h5/tensorspace-keras-mnist-separated/weights.h5</weights>
        <outputLayers>conv2d_1, max_pooling2d_1,dense_2</outputLayers>
        <excludeLayers>Dropout,flatten_1</excludeLayers>
        <preview>true</preview>
        <previewLibraries>http://localhost:8080/libs</previewLibraries>
        <signature>predict</signature>
        <tags>serve,gpu</tags>
        <inputShape>input:1x1x28x28; mask:1x28</inputShape>
        <quantize>UINT16</quantize>
        <quantizeWeights>conv2d*/kernel, dense_2/*</quantizeWeights>
        <shardSizeBytes>1000</shardSizeBytes>
        <splitWeightsByLayer>true</splitWeightsByLayer>
        <view>blocks</view>
        <layers>
          <layer><name>dense_2</name><tensorSpaceClass>Output1d</tensorSpaceClass>
            <color>#ff6600</color><outputs>0,1,2</outputs><initStatus>open</initStatus></layer>
          <layer><name>conv2d_1</name><color>#00ff00</color></layer>
        </layers>
      </model></models>
      """ + END)
  void everyElementOfAModelReachesItsRequest(PreprocessMojo mojo) throws Exception {
    Map<String, LayerOverride> layers = new LinkedHashMap<>();
    layers.put("dense_2", new LayerOverride("Output1d", "#ff6600", List.of("0", "1", "2"), "open"));
    layers.put("conv2d_1", new LayerOverride(null, "#00ff00", List.of(), null));
    ConversionRequest expected = new ConversionRequest(
        SEPARATED.resolve("topology.json"), SEPARATED.resolve("weights.h5"), out("lenet"),
        List.of("conv2d_1", "max_pooling2d_1", "dense_2"), List.of("Dropout", "flatten_1"), 1000,
        Quantize.UINT16, List.of("conv2d*/kernel", "dense_2/*"), true,
        new TensorSpaceOptions("lenet", true, "http://localhost:8080/libs/", layers, View.BLOCKS),
        new GraphOptions("predict", Set.of("serve", "gpu"),
            InputShapes.parse("mask:1x28;input:1x1x28x28")));
    assertEquals(List.of(expected), requests(mojo));
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <outputDirectory>${project.build.directory}/models</outputDirectory>
      <quantize>uint8</quantize>
      <quantizeWeights>dense*</quantizeWeights>
      <shardSizeBytes>2048</shardSizeBytes>
      <splitWeightsByLayer>true</splitWeightsByLayer>
      <preview>true</preview>
      <previewLibraries>https://mirror.example/npm/</previewLibraries>
      <view>all</view>
      <models>
        <model><name>inherits</name>
          <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model>
        <model><name>own</name>
          <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
          <quantize>float16</quantize>
          <quantizeWeights>*</quantizeWeights>
          <shardSizeBytes>4096</shardSizeBytes>
          <splitWeightsByLayer>false</splitWeightsByLayer>
          <preview>false</preview>
          <previewLibraries>https://other.example/</previewLibraries>
          <view>conv2d_1, dense_2</view>
        </model>
      </models>
      """ + END)
  void theGoalsValuesAreDefaultsEachModelCanOverride(PreprocessMojo mojo) throws Exception {
    Path models = basedir.resolve("target/models");
    ConversionRequest inherits = new ConversionRequest(MNIST, null, models.resolve("inherits"),
        List.of(), List.of(), 2048, Quantize.UINT8, List.of("dense*"), true,
        new TensorSpaceOptions("inherits", true, "https://mirror.example/npm/", Map.of(), View.ALL),
        GraphOptions.DEFAULT);
    ConversionRequest own = new ConversionRequest(MNIST, null, models.resolve("own"),
        List.of(), List.of(), 4096, Quantize.FLOAT16, List.of("*"), false,
        new TensorSpaceOptions("own", false, "https://other.example/", Map.of(),
            View.parse("conv2d_1,dense_2")),
        GraphOptions.DEFAULT);
    assertEquals(List.of(inherits, own), requests(mojo));
  }

  @Test
  @CommandLine({"tensorspace.quantize=uint16", "tensorspace.quantizeWeights=conv*",
      "tensorspace.shardSizeBytes=512", "tensorspace.splitWeightsByLayer=true",
      "tensorspace.preview=true", "tensorspace.previewLibraries=http://localhost/npm/",
      "tensorspace.outputDirectory=${project.build.directory}/cli"})
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models>
        <model><name>a</name>
          <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model>
        <model><name>b</name>
          <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
          <quantize>uint8</quantize><shardSizeBytes>100</shardSizeBytes>
          <preview>false</preview></model>
      </models>
      """ + END)
  void commandLinePropertiesAreGoalDefaultsAndAModelsOwnValueWins(PreprocessMojo mojo)
      throws Exception {
    Path cli = basedir.resolve("target/cli");
    TensorSpaceOptions previewed = new TensorSpaceOptions("a", true, "http://localhost/npm/", Map.of());
    ConversionRequest a = new ConversionRequest(MNIST, null, cli.resolve("a"), List.of(), List.of(),
        512, Quantize.UINT16, List.of("conv*"), true, previewed, GraphOptions.DEFAULT);
    ConversionRequest b = new ConversionRequest(MNIST, null, cli.resolve("b"), List.of(), List.of(),
        100, Quantize.UINT8, List.of("conv*"), true,
        new TensorSpaceOptions("b", false, "http://localhost/npm/", Map.of()), GraphOptions.DEFAULT);
    assertEquals(List.of(a, b), requests(mojo));
  }

  @Test
  @CommandLine({"tensorspace.quantize=uint16", "tensorspace.shardSizeBytes=512"})
  @InjectMojo(goal = "preprocess", pom = POM + """
      <quantize>uint8</quantize>
      <models>
      """ + MNIST_MODEL + "</models>" + END)
  void aValueInThePomWinsOverTheSameCommandLineProperty(PreprocessMojo mojo) throws Exception {
    // Maven's rule for every parameter: the property only fills what the POM leaves unset
    ConversionRequest request = requests(mojo).get(0);
    assertEquals(Quantize.UINT8, request.quantize());
    assertEquals(512, request.shardSizeBytes());
  }

  @Test
  @CommandLine({"tensorspace.source=${corpus}/savedmodel/tensorspace-tf1-lenet-saved",
      "tensorspace.name=tf1", "tensorspace.outputLayers=conv_1/Relu,dense_2/Softmax",
      "tensorspace.excludeLayers=Identity", "tensorspace.signature=classify",
      "tensorspace.tags=serve, train", "tensorspace.quantize=float16",
      "tensorspace.inputShape=1x28x28x1"})
  @InjectMojo(goal = "preprocess")
  void aLoneCommandLineModelFillsTheOutputDirectory(PreprocessMojo mojo) throws Exception {
    ConversionRequest expected = new ConversionRequest(SAVED, null, out(""),
        List.of("conv_1/Relu", "dense_2/Softmax"), List.of("Identity"), SHARD, Quantize.FLOAT16,
        List.of(), false, companion("tf1"), new GraphOptions("classify", Set.of("serve", "train"),
            InputShapes.parse("1x28x28x1")));
    assertEquals(List.of(expected), requests(mojo));
  }

  @Test
  @CommandLine({
      "tensorspace.source=${corpus}/keras2-h5/tensorspace-keras-mnist-separated/topology.json",
      "tensorspace.weights=${corpus}/keras2-h5/tensorspace-keras-mnist-separated/weights.h5",
      "tensorspace.outputLayers=dense_2", "tensorspace.excludeLayers=Dropout",
      "tensorspace.signature=other", "tensorspace.tags=train"})
  @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
  void aCommandLineModelBesideModelsGetsAFolderAfterThemAndKeepsItsOptionsToItself(
      PreprocessMojo mojo) throws Exception {
    ConversionRequest commandLine = new ConversionRequest(SEPARATED.resolve("topology.json"),
        SEPARATED.resolve("weights.h5"), out("topology"), List.of("dense_2"), List.of("Dropout"),
        SHARD, Quantize.NONE, List.of(), false, companion("topology"),
        new GraphOptions("other", Set.of("train")));
    assertEquals(List.of(defaults(MNIST, "mnist"), commandLine), requests(mojo));
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models><model><source>models/topology.json</source><weights>models/weights.h5</weights>
      </model></models>
      """ + END)
  void relativeFilesAreResolvedAgainstTheProject(PreprocessMojo mojo) throws Exception {
    Path models = Files.createDirectories(basedir.resolve("models"));
    for (String file : List.of("topology.json", "weights.h5")) {
      Files.copy(SEPARATED.resolve(file), models.resolve(file));
    }
    ConversionRequest request = requests(mojo).get(0);
    assertEquals(models.resolve("topology.json"), request.source());
    assertEquals(models.resolve("weights.h5"), request.weights());
    assertEquals(out("topology"), request.outputDirectory());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models>
        <model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model>
        <model><name>mnist</name><source>${corpus}/savedmodel/tensorspace-tf1-lenet-saved</source></model>
      </models>
      """ + END)
  void twoModelsOfOneNameFail(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().contains("Two models are named 'mnist'"), e.getMessage());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + END)
  void noModelFailsWithWhatToConfigure(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().contains("-Dtensorspace.source"), e.getMessage());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models><model><name>fine</name>
        <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model>
      <model><name>odd</name><quantize>int4</quantize>
        <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model></models>
      """ + END)
  void anUnknownQuantizeOfAModelFailsNamingTheModel(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().startsWith("Model 'odd': quantize must be one of none, uint8"),
        e.getMessage());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models><model><name>odd</name><inputShape>input:1x3x224xW</inputShape>
        <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model></models>
      """ + END)
  void aMalformedInputShapeFailsNamingTheModelAndTheSetting(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().startsWith("Model 'odd': inputShape 'input:1x3x224xW'")
        && e.getMessage().contains("-Dtensorspace.inputShape"), e.getMessage());
  }

  @Test
  @CommandLine("tensorspace.quantize=int4")
  @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
  void anUnknownQuantizePropertyFails(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().contains("-Dtensorspace.quantize"), e.getMessage());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models><model><name>tiny</name><shardSizeBytes>0</shardSizeBytes>
        <source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source></model></models>
      """ + END)
  void aShardSizeBelowOneByteFailsNamingTheModel(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().startsWith("Model 'tiny': <shardSizeBytes> /"
        + " -Dtensorspace.shardSizeBytes must be a positive number of bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("but is 0."), e.getMessage());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <models><model><name>nothing</name></model></models>
      """ + END)
  void aModelWithoutSourceFails(PreprocessMojo mojo) {
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::conversionRequests);
    assertTrue(e.getMessage().contains("(named 'nothing') has no <source>"), e.getMessage());
  }

  @Test
  @CommandLine("tensorspace.skip=true")
  @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
  void skipWritesNothing(PreprocessMojo mojo) throws Exception {
    mojo.execute();
    assertFalse(Files.exists(basedir.resolve("target")));
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
  void theConvertedLineGroupsTheWeightBytesInTheDefaultLocale(PreprocessMojo mojo)
      throws Exception {
    List<String> lines = new ArrayList<>();
    mojo.setLog(new SystemStreamLog() {
      @Override
      public void info(CharSequence content) {
        lines.add(content.toString());
      }
    });
    GroupedDigitsTest.inLocale(Locale.GERMAN, () -> {
      mojo.execute();
      return null;
    });
    assertTrue(lines.stream().anyMatch(line -> line.matches("TensorSpace model 'mnist' from .*: "
        + "\\d+ outputs, \\d{1,3}(\\.\\d{3})+ weight bytes, \\d+ ms -> .*")), lines.toString());
  }

  @Test
  @InjectMojo(goal = "preprocess", pom = POM + """
      <resourceTargetPath>static/models</resourceTargetPath>
      <stateDirectory>${project.build.directory}/state</stateDirectory>
      <models>
      """ + MNIST_MODEL + "</models>" + END)
  void executeConvertsRecordsTheStateAndAddsTheResource(PreprocessMojo mojo) throws Exception {
    mojo.execute();
    assertTrue(Files.isRegularFile(out("mnist").resolve("model.json")));
    try (var records = Files.list(basedir.resolve("target/state"))) {
      assertEquals(1, records.filter(f -> f.toString().endsWith(".properties")).count());
    }
    Resource added = mojo.project.getResources().get(0);
    assertEquals(out("").toString(), added.getDirectory());
    assertEquals("static/models", added.getTargetPath());
  }

  /**
   * Each per-model setting is part of what the up-to-date check compares: after converting the
   * base model, a model that differs from it in one setting alone is out of date.
   */
  @Test
  void everyPerModelSettingMakesTheModelOutOfDate(
      @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
      PreprocessMojo base,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <quantize>uint8</quantize></model></models>""" + END)
      PreprocessMojo quantize,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <quantizeWeights>conv*</quantizeWeights></model></models>""" + END)
      PreprocessMojo quantizeWeights,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <shardSizeBytes>65536</shardSizeBytes></model></models>""" + END)
      PreprocessMojo shardSizeBytes,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <splitWeightsByLayer>true</splitWeightsByLayer></model></models>""" + END)
      PreprocessMojo splitWeightsByLayer,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <previewLibraries>http://localhost/</previewLibraries></model></models>""" + END)
      PreprocessMojo previewLibraries,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <preview>true</preview></model></models>""" + END)
      PreprocessMojo preview,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <inputShape>1x28x28x1</inputShape></model></models>""" + END)
      PreprocessMojo inputShape)
      throws Exception {
    base.execute();
    UpToDateCheck check = new UpToDateCheck(basedir.resolve("target/tensorspace-state"));
    assertTrue(check.isUpToDate(requests(base).get(0)));
    Map<String, PreprocessMojo> variants = new LinkedHashMap<>();
    variants.put("quantize", quantize);
    variants.put("quantizeWeights", quantizeWeights);
    variants.put("shardSizeBytes", shardSizeBytes);
    variants.put("splitWeightsByLayer", splitWeightsByLayer);
    variants.put("previewLibraries", previewLibraries);
    variants.put("preview", preview);
    variants.put("inputShape", inputShape);
    for (Map.Entry<String, PreprocessMojo> variant : variants.entrySet()) {
      ConversionRequest request = requests(variant.getValue()).get(0);
      assertNotEquals(requests(base).get(0), request, variant.getKey());
      assertFalse(check.isUpToDate(request), variant.getKey() + " left the model up to date");
    }
  }

  @Test
  void changingAModelsQuantizeConvertsItAgainAndOnlyThen(
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <quantize>uint8</quantize></model></models>""" + END)
      PreprocessMojo uint8,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <quantize>uint16</quantize></model></models>""" + END)
      PreprocessMojo uint16,
      @InjectMojo(goal = "preprocess", pom = POM + """
          <models><model><source>${corpus}/keras2-h5/tensorspace-keras-mnist/mnist.h5</source>
            <quantize>uint16</quantize></model></models>""" + END)
      PreprocessMojo uint16Again)
      throws Exception {
    Path modelJson = out("mnist").resolve("model.json");
    uint8.execute();
    assertEquals(Set.of("uint8"), quantizations(modelJson));
    uint16.execute();
    assertEquals(Set.of("uint16"), quantizations(modelJson));
    // a conversion replaces the file (touching it would count as an edit of the output)
    Object written = Files.readAttributes(modelJson, BasicFileAttributes.class).fileKey();
    uint16Again.execute();
    assertEquals(written, Files.readAttributes(modelJson, BasicFileAttributes.class).fileKey(),
        "an unchanged model was rewritten");
  }

  @Test
  void forceConvertsAnUnchangedModelAgain(
      @InjectMojo(goal = "preprocess", pom = POM + "<models>" + MNIST_MODEL + "</models>" + END)
      PreprocessMojo first,
      @InjectMojo(goal = "preprocess", pom = POM + "<force>true</force><models>" + MNIST_MODEL
          + "</models>" + END)
      PreprocessMojo forced)
      throws Exception {
    Path modelJson = out("mnist").resolve("model.json");
    first.execute();
    FileTime marked = FileTime.fromMillis(0);
    Files.setLastModifiedTime(modelJson, marked);
    forced.execute();
    assertNotEquals(marked, Files.getLastModifiedTime(modelJson), "force left the model as it was");
  }

  private static Set<String> quantizations(Path modelJson) throws IOException {
    JsonNode root = new ObjectMapper().readTree(modelJson.toFile());
    Set<String> kinds = new java.util.TreeSet<>();
    for (JsonNode group : root.path("weightsManifest")) {
      for (JsonNode weight : group.path("weights")) {
        kinds.add(weight.path("quantization").path("dtype").asText("none"));
      }
    }
    return kinds;
  }
}
