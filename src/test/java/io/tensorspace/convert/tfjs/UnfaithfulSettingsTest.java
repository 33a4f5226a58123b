package io.tensorspace.convert.tfjs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorspace.convert.ConversionException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnfaithfulSettingsTest {
  private static final Path FILE = Path.of("model.h5");

  private static JsonNode layer(String json) throws Exception {
    return new ObjectMapper().readTree(json.replace('\'', '"'));
  }

  private static void assertRefused(JsonNode layer, Map<String, List<Long>> shapes) {
    ConversionException e = assertThrows(ConversionException.class,
        () -> UnfaithfulSettings.check(FILE, layer, shapes));
    assertTrue(e.getMessage().contains("model.h5: layer 'x' ("), e.getMessage());
  }

  @Test
  void reluWithSlopeOrThresholdIsRefused() throws Exception {
    assertRefused(layer("{'name':'x','class_name':'ReLU','config':{'negative_slope':0.1}}"), Map.of());
    assertRefused(layer("{'name':'x','class_name':'ReLU','config':{'threshold':0.5}}"), Map.of());
    assertDoesNotThrow(() -> UnfaithfulSettings.check(FILE,
        layer("{'name':'x','class_name':'ReLU','config':{'max_value':6.0,'negative_slope':0.0}}"),
        Map.of()));
  }

  @Test
  void leakyReluOutsideZeroToOneIsRefused() throws Exception {
    assertRefused(layer("{'name':'x','class_name':'LeakyReLU','config':{'alpha':1.5}}"), Map.of());
    assertDoesNotThrow(() -> UnfaithfulSettings.check(FILE,
        layer("{'name':'x','class_name':'LeakyReLU','config':{'alpha':0.3}}"), Map.of()));
  }

  @Test
  void batchNormalizationOnRankFiveIsRefused() throws Exception {
    JsonNode bn = layer("{'name':'x','class_name':'BatchNormalization','config':{},"
        + "'inbound_nodes':[[['conv3d',0,0,{}]]]}");
    List<Long> five = java.util.Arrays.asList(null, 4L, 4L, 4L, 2L);
    List<Long> four = java.util.Arrays.asList(null, 4L, 4L, 2L);
    assertRefused(bn, Map.of("conv3d", five));
    assertDoesNotThrow(() -> UnfaithfulSettings.check(FILE, bn, Map.of("conv3d", four)));
  }

  @Test
  void settingsTfjsDoesNotReadAreRefusedUnlessTheyChangeNothing() throws Exception {
    String[][] cases = {
        {"Conv2D", "'groups':2", "'groups':1"},
        {"Conv1D", "'groups':3", "'groups':1"},
        {"Conv2DTranspose", "'output_padding':[1,1]", "'output_padding':null"},
        {"Conv3DTranspose", "'dilation_rate':[1,2,1]", "'dilation_rate':[1,1,1]"},
        {"GlobalAveragePooling2D", "'keepdims':true", "'keepdims':false"},
        {"GlobalMaxPooling1D", "'keepdims':true", "'keepdims':false"},
        {"LayerNormalization", "'rms_scaling':true", "'rms_scaling':false"},
        {"LSTM", "'time_major':true", "'time_major':false"},
        {"ConvLSTM2D", "'time_major':true", "'time_major':false"}};
    for (String[] c : cases) {
      String layer = "{'name':'x','class_name':'" + c[0] + "','config':{%s}}";
      assertRefused(layer(String.format(layer, c[1])), Map.of());
      assertDoesNotThrow(() -> UnfaithfulSettings.check(FILE, layer(String.format(layer, c[2])),
          Map.of()), c[0] + " " + c[2]);
      assertDoesNotThrow(() -> UnfaithfulSettings.check(FILE, layer(String.format(layer, "")),
          Map.of()), c[0]);
    }
  }
}
