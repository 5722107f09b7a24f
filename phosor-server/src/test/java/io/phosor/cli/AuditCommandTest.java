package io.phosor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.audit.AuditTrail;
import io.phosor.cli.ReplayCommandTest.Run;
import io.phosor.secrets.EncryptionKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {
  @TempDir
  Path data;

  private Path trail(int n) throws Exception {
    try (AuditTrail t = AuditTrail.open(data.resolve("audit"), 100, Clock.systemUTC())) {
      for (int i = 0; i < n; i++) {
        t.record("alice", "admin", "10.0.0.1", "POST /api/rules", null, "201", null);
      }
    }
    try (var s = Files.list(data.resolve("audit"))) {
      return s.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
  }

  @Test
  void verifySaysOkWithTheEntryCount() throws Exception {
    trail(3);
    Run r = ReplayCommandTest.run("audit", "verify", "--data-dir", data.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("audit log OK: 3 entries in 1 file(s), hash chain intact");
  }

  @Test
  void verifyNamesTheFirstBrokenEntryAndExits1() throws Exception {
    Path f = trail(4);
    List<String> lines = new ArrayList<>(Files.readAllLines(f));
    lines.set(1, lines.get(1).replace("\"outcome\":\"201\"", "\"outcome\":\"200\""));
    Files.write(f, lines);
    Run r = ReplayCommandTest.run("audit", "verify", "--data-dir", data.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).contains("audit log BROKEN: " + f.getFileName() + " line 2 (entry 2): hash mismatch")
        .contains("the 1 entries before it verified");
  }

  @Test
  void verifyWithoutAnAuditLogExits1() {
    Run r = ReplayCommandTest.run("audit", "verify", "--data-dir", data.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("no audit log in");
  }

  @Test
  void keygenPrintsAFreshBase64Key() {
    Run a = ReplayCommandTest.run("keygen");
    Run b = ReplayCommandTest.run("keygen");
    assertThat(a.status()).isZero();
    EncryptionKey k = EncryptionKey.parse(a.out().trim());
    assertThat(a.err()).contains("key id " + k.id());
    assertThat(b.out()).isNotEqualTo(a.out());
  }

  @Test
  void rotateWithoutANewKeySaysHowToGetOne() throws Exception {
    Run r = ReplayCommandTest.run("keys", "rotate", "--data-dir", data.toString());
    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err()).contains("set PHOSOR_NEW_ENCRYPTION_KEY (or --new-key)").contains("phosor keygen");
    Run bad = ReplayCommandTest.run("keys", "rotate", "--data-dir", data.toString(), "--new-key", "c2hvcnQ=");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("invalid new key (--new-key)").doesNotContain("c2hvcnQ=");
  }
}
