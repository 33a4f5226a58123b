package io.tensorspace.convert.artifact;

import java.nio.file.Path;

/**
 * A model taken from a Maven repository, as the conversion request and its up-to-date record show
 * it: a build cache can key the conversion on {@code coordinates} and {@code sha256}.
 *
 * @param coordinates what the POM or command line asked for
 * @param resolvedVersion the version the repository gave (a SNAPSHOT's timestamped one)
 * @param file the artifact's file in the local repository
 * @param sha256 the file's SHA-256, lower-case hex
 * @param unpacked the folder an archive was unpacked into, or null for a file used as it is
 */
public record ModelArtifact(
    Coordinates coordinates, String resolvedVersion, Path file, String sha256, Path unpacked) {}
