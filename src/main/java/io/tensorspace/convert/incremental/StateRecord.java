package io.tensorspace.convert.incremental;

import io.tensorspace.convert.artifact.ModelArtifact;
import io.tensorspace.convert.write.FreshPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a conversion was made from and what it wrote, as stored in the state folder.
 *
 * @param settings the converter's version and build and every setting of the request
 * @param time the file system's time when the stamps of {@code inputs} began to be taken (before
 *     their content was read); a stamp proves nothing about a change made in the same clock tick
 * @param inputs every input file with its stamp, in the order of {@code content}
 * @param content the checksum of the inputs' names, sizes and bytes
 * @param outputs every file of the output folder with its stamp, each settled before it was taken
 */
record StateRecord(String settings, long time, Map<Path, FileStamp> inputs, String content,
    Map<String, FileStamp> outputs) {

  /** The record in {@code file}, or null when there is none or it cannot be understood. */
  static StateRecord load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties values = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      values.load(in);
      Map<String, FileStamp> inputs = stamps(values.getProperty("inputs"));
      Map<String, FileStamp> outputs = stamps(values.getProperty("outputs"));
      if (inputs == null || outputs == null || values.getProperty("settings") == null
          || values.getProperty("content") == null) {
        return null;
      }
      Map<Path, FileStamp> inputPaths = new LinkedHashMap<>();
      for (Map.Entry<String, FileStamp> input : inputs.entrySet()) {
        inputPaths.put(Path.of(input.getKey()), input.getValue());
      }
      return new StateRecord(values.getProperty("settings"),
          Long.parseLong(values.getProperty("time")), inputPaths, values.getProperty("content"),
          outputs);
    } catch (IllegalArgumentException e) { // a damaged file, an old record's other keys
      return null;
    }
  }

  /**
   * Writes the record into {@code file} at once: a reader sees the old one or this one. A model
   * from a repository ({@code artifact}, else null) is named too, for tools that key a cache on
   * it (the settings hold it already, less readably).
   */
  void store(Path file, ModelArtifact artifact) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("settings", settings);
    values.put("time", Long.toString(time));
    StringBuilder inputLines = new StringBuilder();
    for (Map.Entry<Path, FileStamp> input : inputs.entrySet()) {
      line(inputLines, input.getKey().toString(), input.getValue());
    }
    values.put("inputs", inputLines.toString());
    values.put("content", content);
    StringBuilder outputLines = new StringBuilder();
    for (Map.Entry<String, FileStamp> output : outputs.entrySet()) {
      line(outputLines, output.getKey(), output.getValue());
    }
    values.put("outputs", outputLines.toString());
    if (artifact != null) {
      values.put("artifact.coordinates", artifact.coordinates().toString());
      values.put("artifact.file", artifact.file().toString());
      values.put("artifact.sha256", artifact.sha256());
    }
    Path temporary = FreshPaths.file(file.getParent(), "state", ".tmp");
    Files.write(temporary, propertiesText(values).getBytes(StandardCharsets.ISO_8859_1));
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * {@code values} as {@link Properties#store(OutputStream, String)} writes them, less its date
   * comment: formatting that date loads the time-zone names, ~10 ms of a conversion in a fresh JVM.
   */
  static String propertiesText(Map<String, String> values) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      escape(text, entry.getKey(), true);
      text.append('=');
      escape(text, entry.getValue(), false);
      text.append('\n');
    }
    return text.toString();
  }

  /** As {@code Properties.saveConvert} with Unicode escapes. */
  private static void escape(StringBuilder out, String text, boolean key) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case ' ' -> out.append(i == 0 || key ? "\\ " : " ");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\f' -> out.append("\\f");
        case '=', ':', '#', '!', '\\' -> out.append('\\').append(c);
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append("\\u");
            for (int shift = 12; shift >= 0; shift -= 4) {
              out.append(Character.toUpperCase(Character.forDigit((c >> shift) & 0xF, 16)));
            }
          } else {
            out.append(c);
          }
        }
      }
    }
  }

  /** The same record with its inputs stamped again at {@code time}. */
  StateRecord restamped(long time, Map<Path, FileStamp> inputs) {
    return new StateRecord(settings, time, inputs, content, outputs);
  }

  private static void line(StringBuilder lines, String name, FileStamp stamp) {
    lines.append(stamp.text()).append('\t').append(name).append('\n');
  }

  /** Name -> stamp from lines of "stamp TAB name", or null if one is not such a line. */
  private static Map<String, FileStamp> stamps(String text) {
    if (text == null) {
      return null;
    }
    Map<String, FileStamp> stamps = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      FileStamp stamp = tab < 0 ? null : FileStamp.parse(line.substring(0, tab));
      if (stamp == null) {
        return null;
      }
      stamps.put(line.substring(tab + 1), stamp);
    }
    return stamps;
  }
}
