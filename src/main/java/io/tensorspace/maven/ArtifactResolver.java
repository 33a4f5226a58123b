package io.tensorspace.maven;

import io.tensorspace.convert.artifact.Coordinates;
import java.io.File;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.maven.plugin.MojoFailureException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;

/**
 * Resolves a model's coordinates to a file with Maven's own resolver and the build's session:
 * the project's remote repositories (mirrors and credentials of settings.xml applied), checksum
 * policy, offline mode, and the local repository as the cache. Only the resolver API that Maven
 * 3.6.3 to 4.0 all share is used.
 */
final class ArtifactResolver {
  private final RepositorySystem system;
  private final RepositorySystemSession session;
  private final List<RemoteRepository> repositories;

  ArtifactResolver(RepositorySystem system, RepositorySystemSession session,
      List<RemoteRepository> repositories) {
    this.system = system;
    this.session = session;
    this.repositories = repositories == null ? List.of() : List.copyOf(repositories);
  }

  /** A resolved artifact: its file in the local repository and the version the repository gave. */
  record Resolved(File file, String version) {}

  Resolved resolve(Coordinates coordinates) throws MojoFailureException {
    Artifact artifact = new DefaultArtifact(coordinates.groupId(), coordinates.artifactId(),
        coordinates.classifier(), coordinates.type(), coordinates.version());
    try {
      ArtifactResult result =
          system.resolveArtifact(session, new ArtifactRequest(artifact, repositories, null));
      return new Resolved(result.getArtifact().getFile(), result.getArtifact().getVersion());
    } catch (ArtifactResolutionException e) {
      throw new MojoFailureException(notResolved(coordinates, e), e);
    }
  }

  /** The coordinates, why, where the resolver looked, and what to do. */
  String notResolved(Coordinates coordinates, ArtifactResolutionException e) {
    Set<String> causes = new LinkedHashSet<>();
    for (ArtifactResult result : e.getResults()) {
      result.getExceptions().forEach(cause -> causes.add(firstLine(cause.getMessage())));
    }
    if (causes.isEmpty()) {
      causes.add(firstLine(e.getMessage()));
    }
    String tried = repositories.isEmpty() ? "none"
        : repositories.stream().map(r -> r.getId() + " (" + r.getUrl() + ")")
            .collect(Collectors.joining(", "));
    String local = session.getLocalRepository() == null ? "?"
        : String.valueOf(session.getLocalRepository().getBasedir());
    String hint = session.isOffline()
        ? "Maven runs offline (-o), so only the local repository was searched: build once"
            + " without -o to download the model, or deploy it there with mvn install:install-file."
        : "Check the coordinates (" + Coordinates.FORM + "; the type is the file extension, e.g."
            + " h5, keras, zip, tar.gz, and jar when left out), that the model is deployed to one"
            + " of these repositories, and the <server> credentials for it in settings.xml. To"
            + " build without the network later, resolve it once online, then use -o.";
    return "The model artifact " + coordinates + " cannot be resolved: "
        + String.join("; ", causes) + ". Repositories tried: " + tried
        + "; local repository: " + local + ". " + hint;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int newline = message.indexOf('\n');
    return (newline < 0 ? message : message.substring(0, newline)).strip().replaceAll("\\.$", "");
  }
}
