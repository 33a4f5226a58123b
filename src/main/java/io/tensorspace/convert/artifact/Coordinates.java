package io.tensorspace.convert.artifact;

import java.util.regex.Pattern;

/**
 * A model's coordinates in a Maven repository, written {@code
 * groupId:artifactId:version[:type[:classifier]]} as {@code dependency:get} takes them. The type
 * is the file extension ({@code h5}, {@code keras}, {@code zip}, {@code tar.gz}…), {@code jar} when
 * left out, as for any Maven artifact.
 *
 * @param classifier null when there is none
 */
public record Coordinates(
    String groupId, String artifactId, String version, String type, String classifier) {
  public static final String FORM = "groupId:artifactId:version[:type[:classifier]]";
  /** Parts become folder names under {@code target/}: no separators, no {@code ..}, no ranges. */
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");

  /** Parses coordinates as written; the message of the exception says what is wrong. */
  public static Coordinates parse(String text) {
    String written = text == null ? "" : text.strip();
    String[] parts = written.split(":", -1);
    if (written.isEmpty() || parts.length < 3 || parts.length > 5) {
      throw new IllegalArgumentException("'" + written + "' is not artifact coordinates: expected "
          + FORM + ", e.g. com.acme.models:lenet:1.2.0:h5 (" + parts.length + " parts given).");
    }
    String[] names = {"groupId", "artifactId", "version", "type", "classifier"};
    for (int i = 0; i < parts.length; i++) {
      if (!PART.matcher(parts[i]).matches() || parts[i].contains("..")) {
        throw new IllegalArgumentException("'" + written + "' is not artifact coordinates: its "
            + names[i] + " '" + parts[i] + "' " + (parts[i].isEmpty() ? "is empty"
                : "has characters a Maven coordinate cannot (a fixed version is needed; ranges"
                    + " are not resolved)") + ". Expected " + FORM
            + ", e.g. com.acme.models:lenet:1.2.0:h5.");
      }
    }
    return new Coordinates(parts[0], parts[1], parts[2],
        parts.length > 3 ? parts[3] : "jar", parts.length > 4 ? parts[4] : null);
  }

  /** Whether the version is a SNAPSHOT, which the repository may replace at any time. */
  public boolean isSnapshot() {
    return version.endsWith("-SNAPSHOT");
  }

  /** The canonical form, type always included. */
  @Override
  public String toString() {
    return groupId + ":" + artifactId + ":" + version + ":" + type
        + (classifier == null ? "" : ":" + classifier);
  }
}
