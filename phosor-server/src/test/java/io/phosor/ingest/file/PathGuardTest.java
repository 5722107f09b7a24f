package io.phosor.ingest.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {
  @TempDir Path tmp;
  Path logs;
  PathGuard guard;

  @BeforeEach
  void setUp() throws IOException {
    logs = Files.createDirectories(tmp.resolve("logs"));
    guard = new PathGuard(List.of(logs));
  }

  private static void assertRefused(PathGuard g, String path, int status, String text) {
    assertThatThrownBy(() -> g.check(path)).isInstanceOfSatisfying(FileAccessException.class, e -> {
      assertThat(e.status()).isEqualTo(status);
      assertThat(e.getMessage()).contains(text);
    });
  }

  @Test
  void aReadableFileInAnAllowedDirectoryIsAccepted() throws IOException {
    Path f = Files.writeString(logs.resolve("a.log"), "x\n");
    assertThat(guard.check(f.toString())).isEqualTo(f);
  }

  @Test
  void aFileInASubdirectoryIsAccepted() throws IOException {
    Path f = Files.writeString(Files.createDirectories(logs.resolve("nginx")).resolve("access.log"), "x\n");
    assertThat(guard.check(f.toString())).isEqualTo(f);
  }

  @Test
  void etcShadowIsOutside() {
    assertRefused(guard, "/etc/shadow", 403, "is outside the allowed directories (PHOSOR_FILE_ALLOWED_DIRS=" + logs + ")");
  }

  @Test
  void dotDotCannotClimbOutOfAnAllowedDirectory() {
    assertRefused(guard, logs + "/../../../../etc/passwd", 403, "outside the allowed directories");
  }

  @Test
  void aSymlinkPointingOutsideIsOutside() throws IOException {
    Path link = Files.createSymbolicLink(logs.resolve("passwd.log"), Path.of("/etc/passwd"));
    assertRefused(guard, link.toString(), 403, "outside the allowed directories");
  }

  @Test
  void aSymlinkedDirectoryPointingOutsideIsOutside() throws IOException {
    Path link = Files.createSymbolicLink(logs.resolve("etc"), Path.of("/etc"));
    assertRefused(guard, link.resolve("passwd").toString(), 403, "outside the allowed directories");
    assertRefused(guard, link.resolve("does-not-exist").toString(), 403, "outside the allowed directories");
  }

  @Test
  void aSymlinkToAFileInsideIsAccepted() throws IOException {
    Path f = Files.writeString(logs.resolve("real.log"), "x\n");
    Path link = Files.createSymbolicLink(logs.resolve("current.log"), f);
    assertThat(guard.check(link.toString())).isEqualTo(link);
  }

  @Test
  void anAllowedDirectoryThatIsASymlinkIsResolvedToo() throws IOException {
    Path linkDir = Files.createSymbolicLink(tmp.resolve("logs-link"), logs);
    Path f = Files.writeString(logs.resolve("a.log"), "x\n");
    PathGuard viaLink = new PathGuard(List.of(linkDir));
    assertThat(viaLink.check(f.toString())).isEqualTo(f);
  }

  @Test
  void theAllowedDirectoryItselfIsNotAFile() {
    assertRefused(guard, logs.toString(), 403, "outside the allowed directories");
  }

  @Test
  void aDirectoryInsideIsNotARegularFile() throws IOException {
    Path d = Files.createDirectories(logs.resolve("sub"));
    assertRefused(guard, d.toString(), 400, "is not a regular file");
  }

  @Test
  void aRelativePathIsABadRequest() {
    assertRefused(guard, "var/log/auth.log", 400, "must be absolute");
  }

  @Test
  void anEmptyPathIsABadRequest() {
    assertRefused(guard, "", 400, "filepath is required");
    assertRefused(guard, null, 400, "filepath is required");
  }

  @Test
  void aPathWithANulIsABadRequest() {
    assertRefused(guard, logs + "/a.log\0/etc/shadow", 400, "NUL");
  }

  @Test
  void aPathLongerThanPathMaxIsABadRequest() {
    assertRefused(guard, logs + "/" + "a".repeat(PathGuard.MAX_PATH_CHARS), 400, "the limit is 4096");
  }

  @Test
  void aMissingFileInAnAllowedDirectoryIsAcceptedToWaitFor() {
    Path f = logs.resolve("later.log");
    assertThat(guard.check(f.toString())).isEqualTo(f);
  }

  @Test
  void aMissingDirectoryInsideIsNotFoundButOutsideIsForbidden() {
    assertRefused(guard, logs + "/nope/a.log", 404, "does not exist");
    assertRefused(guard, "/nonexistent-dir-phosor/a.log", 403, "outside the allowed directories");
  }

  @Test
  void anUnreadableFileIsABadRequestWithAClearMessage() throws IOException {
    assumeThat(System.getProperty("user.name")).as("root can read anything").isNotEqualTo("root");
    Path f = Files.writeString(logs.resolve("secret.log"), "x\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    assertRefused(guard, f.toString(), 400, "is not readable by the Phosor process");
  }

  @Test
  void noAllowedDirectoriesMeansEverythingIsRefusedWithAnExplanation() {
    PathGuard none = new PathGuard(List.of());
    assertRefused(none, "/var/log/auth.log", 403, "PHOSOR_FILE_ALLOWED_DIRS is empty");
  }
}
