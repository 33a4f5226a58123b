package io.tensorspace.convert.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorspace.convert.ConversionException;
import io.tensorspace.convert.json.Json;
import io.tensorspace.convert.json.JsonTokenizer;
import io.tensorspace.convert.json.JsonTokenizer.Token;
import io.tensorspace.convert.model.ConcatenatedFiles;
import io.tensorspace.convert.model.DType;
import io.tensorspace.convert.model.Quantization;
import io.tensorspace.convert.model.Weight;
import io.tensorspace.convert.tensorflow.graph.GraphDef;
import io.tensorspace.convert.tensorflow.graph.NodeDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads TensorFlow.js graph-models: {@code model.json} with its shards (any converter version,
 * proto3 JSON or the older pb2json layout), and the 0.x format ({@code tensorflowjs_model.pb} +
 * {@code weights_manifest.json}) that tfjs 1.x no longer loads. Weights stay in the shards and are
 * copied as they are, quantization included.
 */
final class TfjsGraphReader {

  TfGraph readJson(Path modelJson) throws ConversionException, IOException {
    // the topology is read from the tokens, the rest as trees: what readTree gives less the topology
    JsonTokenizer tokens = Json.tokens(modelJson);
    Token first = tokens.next();
    JsonNode root = first == null ? MissingNode.getInstance() : null;
    GraphTokens topology = null;
    if (first == Token.START_OBJECT) {
      ObjectNode rest = JsonNodeFactory.instance.objectNode();
      for (Token next = tokens.next(); next == Token.NAME; next = tokens.next()) {
        String key = tokens.text();
        Token value = tokens.next();
        if (key.equals("modelTopology")) {
          topology = GraphTokens.read(tokens, value);
        } else {
          rest.replace(key, Json.value(tokens, value));
        }
      }
      root = rest;
    } else if (first != null) {
      root = Json.value(tokens, first);
    }
    GraphDef graph = topology != null ? topology.graph()
        : GraphJson.readGraph(root.path("modelTopology"));
    String generatedBy = root.path("generatedBy").asText("");
    TfGraph out = new TfGraph(modelJson, generatedBy.isEmpty()
        ? "TensorFlow.js graph-model" : generatedBy);
    out.producer = graph.versions().producer();
    graph.nodes().forEach(out::put);
    JsonNode signature = root.path("signature");
    if (!signature.isObject()) {
      signature = root.path("userDefinedMetadata").path("signature");
    }
    if (signature.isObject() && signature.size() > 0) {
      out.signature = GraphJson.readSignature(signature);
    }
    bindWeights(out, root.path("weightsManifest"), modelJson);
    return out;
  }

  TfGraph readOldFormat(Path pb) throws ConversionException, IOException {
    org.tensorflow.proto.GraphDef graph = FrozenGraphReader.parse(pb);
    TfGraph out = new TfGraph(pb, "TensorFlow.js 0.x graph-model");
    out.producer = graph.getVersions().getProducer();
    ProtoGraphs.nodes(graph.getNodeList()).forEach(out::put);
    Path manifest = pb.resolveSibling(GraphSources.OLD_TFJS_MANIFEST);
    bindWeights(out, Json.read(manifest), manifest);
    return out;
  }

  /** Each manifest weight becomes the value of the Const node of the same name. */
  private static void bindWeights(TfGraph graph, JsonNode manifest, Path manifestFile)
      throws ConversionException, IOException {
    List<Path> shards = new ArrayList<>();
    List<JsonNode> specs = new ArrayList<>();
    for (JsonNode group : manifest) {
      for (JsonNode path : group.path("paths")) {
        Path shard = manifestFile.resolveSibling(path.asText());
        if (!Files.isRegularFile(shard)) {
          throw new ConversionException(manifestFile + " names weight shard " + path.asText()
              + ", which is not next to it; copy the model's .bin files beside it.");
        }
        shards.add(shard);
      }
      group.path("weights").forEach(specs::add);
    }
    ConcatenatedFiles files = new ConcatenatedFiles(shards);
    long offset = 0;
    for (JsonNode spec : specs) {
      String name = spec.path("name").asText();
      long[] shape = new long[spec.path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = spec.path("shape").get(i).asLong();
      }
      String dtypeName = spec.path("dtype").asText("float32");
      DType dtype = switch (dtypeName) {
        case "float32" -> DType.FLOAT32;
        case "int32" -> DType.INT32;
        case "bool" -> DType.BOOL;
        default -> throw new ConversionException(manifestFile + ": weight '" + name
            + "' has dtype " + dtypeName + ", which this plugin cannot copy (float32, int32 and"
            + " bool only).");
      };
      JsonNode q = spec.path("quantization");
      Quantization quantization = q.isObject() ? new Quantization(q.path("dtype").asText(),
          q.has("min") ? q.path("min").asDouble() : null,
          q.has("scale") ? q.path("scale").asDouble() : null,
          q.has("original_dtype") ? q.path("original_dtype").asText() : null) : null;
      long length = new Weight(name, shape, dtype, null, quantization).byteLength();
      Weight weight = new Weight(name, shape, dtype, files.slice(offset, length), quantization);
      offset += length;
      NodeDef node = graph.node(name);
      if (node == null || !node.getOp().equals("Const")) {
        // tfjs ignores manifest entries without a Const node; so does the output
        continue;
      }
      graph.frozen.put(name, weight);
    }
    if (offset > files.length()) {
      throw new ConversionException(manifestFile + ": the weights need " + offset
          + " bytes but the shards hold " + files.length() + "; a shard is missing or truncated.");
    }
    // a Const the manifest does not list keeps the value its node carries (TensorFlow reads
    // a Const without values as zeros, and so does the written weight)
  }

}
