package io.phosor.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  /** Cheap parameters: the algorithm is the same, the tests stay fast. */
  private final PasswordHasher hasher = new PasswordHasher(64, 1);

  @Test
  void aHashIsAPhcStringThatVerifiesOnlyItsPassword() {
    String phc = hasher.hash("correct horse battery staple");
    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(hasher.verify("correct horse battery staple", phc)).isTrue();
    assertThat(hasher.verify("correct horse battery stapl", phc)).isFalse();
    assertThat(hasher.verify("", phc)).isFalse();
    assertThat(hasher.hash("correct horse battery staple")).as("fresh salt").isNotEqualTo(phc);
  }

  @Test
  void theProductionParametersAreOwaspsArgon2idRecommendation() {
    String phc = new PasswordHasher().hash("correct horse battery staple");
    assertThat(phc).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
  }

  /** The Argon2id vector of the reference implementation's src/test.c (phc-winner-argon2), in its encoding. */
  @Test
  void verifiesTheReferenceImplementationsArgon2idTestVector() {
    String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    assertThat(hasher.verify("password", reference)).isTrue();
    assertThat(hasher.verify("Password", reference)).isFalse();
    assertThat(hasher.needsRehash(reference)).isTrue();
  }

  @Test
  void unknownUsersMalformedAndOversizedHashesCostOneComputationAndFail() {
    long before = hasher.computed();
    assertThat(hasher.verifyNothing("whatever")).isFalse();
    assertThat(hasher.verify("whatever", null)).isFalse();
    assertThat(hasher.verify("whatever", "$2b$12$bcryptlooking.hash")).isFalse();
    assertThat(hasher.verify("whatever", "$argon2id$v=19$m=9999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
        .as("4 GiB of memory asked by a tampered row").isFalse();
    assertThat(hasher.verify("whatever", "$argon2id$v=19$m=64,t=99,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
        .isFalse();
    assertThat(hasher.computed() - before).isEqualTo(5);
  }

  @Test
  void aHashWithOtherParametersNeedsARehash() {
    assertThat(hasher.needsRehash(hasher.hash("correct horse battery staple"))).isFalse();
    assertThat(hasher.needsRehash(new PasswordHasher(128, 1).hash("correct horse battery staple"))).isTrue();
    assertThat(hasher.needsRehash("garbage")).isTrue();
  }
}
