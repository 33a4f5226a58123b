package io.tensorspace.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorspace.convert.artifact.Coordinates;
import java.io.File;
import java.util.List;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.LocalRepositoryManager;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.junit.jupiter.api.Test;

/**
 * An artifact the resolver cannot find fails with the coordinates, the resolver's reasons, every
 * repository tried (id and URL), the local repository and what to do, online and offline.
 */
class ArtifactResolverTest {
  private static final Coordinates MISSING = Coordinates.parse("com.acme.models:lenet:9.9:zip:tfjs");
  private static final List<RemoteRepository> REPOSITORIES = List.of(
      new RemoteRepository.Builder("nexus", "default", "https://nexus.acme.com/repository/models/").build(),
      new RemoteRepository.Builder("central", "default", "https://repo.maven.apache.org/maven2").build());

  private static String message(boolean offline) {
    DefaultRepositorySystemSession session = new DefaultRepositorySystemSession();
    session.setOffline(offline);
    session.setLocalRepositoryManager((LocalRepositoryManager) java.lang.reflect.Proxy.newProxyInstance(
        ArtifactResolverTest.class.getClassLoader(), new Class<?>[] {LocalRepositoryManager.class},
        (proxy, method, args) -> method.getName().equals("getRepository")
            ? new LocalRepository(new File("/home/dev/.m2/repository")) : null));
    DefaultArtifact artifact = new DefaultArtifact("com.acme.models", "lenet", "tfjs", "zip", "9.9");
    ArtifactResult result = new ArtifactResult(new ArtifactRequest(artifact, REPOSITORIES, null));
    for (RemoteRepository repository : REPOSITORIES) {
      result.addException(new ArtifactNotFoundException(artifact, repository));
    }
    ArtifactResolver resolver = new ArtifactResolver(null, session, REPOSITORIES);
    return resolver.notResolved(MISSING, new ArtifactResolutionException(List.of(result)));
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' not in: " + message);
    }
  }

  @Test
  void onlineItNamesTheCoordinatesTheRepositoriesAndTheFix() {
    String message = message(false);
    assertContains(message, "The model artifact com.acme.models:lenet:9.9:zip:tfjs cannot be resolved",
        "Could not find artifact com.acme.models:lenet:zip:tfjs:9.9 in nexus",
        "Repositories tried: nexus (https://nexus.acme.com/repository/models/), central"
            + " (https://repo.maven.apache.org/maven2)",
        "local repository: " + new File("/home/dev/.m2/repository"),
        "Check the coordinates", "<server> credentials", "then use -o");
  }

  @Test
  void offlineItSaysOnlyTheLocalRepositoryWasSearched() {
    assertContains(message(true), "com.acme.models:lenet:9.9:zip:tfjs",
        "Maven runs offline (-o), so only the local repository was searched",
        "Repositories tried: nexus (https://nexus.acme.com/repository/models/)");
  }
}
