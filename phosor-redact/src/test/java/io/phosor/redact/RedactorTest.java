package io.phosor.redact;

import static org.assertj.core.api.Assertions.assertThat;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private final Redactor defaults = new Redactor(Redactor.defaults());
  private final Redactor all = new Redactor(EnumSet.allOf(PiiType.class));

  private String redact(Redactor r, String text) {
    return r.redact(text, new EnumMap<>(PiiType.class));
  }

  private String redact(String text) {
    return redact(defaults, text);
  }

  // ---------------------------------------------------------------- seed examples

  @Test
  void seedPasswordExampleKeepsTheKey() {
    assertThat(redact("User password=secret123")).isEqualTo("User password=[REDACTED]");
  }

  @Test
  void seedSsnExampleIsRedacted() {
    assertThat(redact("User SSN: 123-45-6789")).isEqualTo("User SSN: [SSN-REDACTED]");
  }

  // ---------------------------------------------------------------- negatives on ordinary logs

  @Test
  void ordinaryLogLinesAreLeftAloneEvenWithEverythingEnabledButInternalIps() {
    Redactor r = new Redactor(EnumSet.complementOf(EnumSet.of(PiiType.INTERNAL_IP)));
    List<String> lines = List.of(
        "<38>Nov 21 23:30:00 srv31 sshd[33151]: Failed password for invalid user admin from 185.143.49.60 port 3663 ssh2",
        "<38>Nov 21 23:30:00 srv31 sshd[33151]: Accepted password for bob from 185.143.49.60 port 3663 ssh2",
        "93.180.71.3 - - [17/May/2015:08:05:32 +0000] \"GET /downloads/product_1 HTTP/1.1\" 304 0 \"-\" \"Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)\"",
        "2024-11-21T23:30:00.123Z INFO request id=550e8400-e29b-41d4-a716-446655440000 took 1732230600123 ms",
        "ts=1732230600123 epoch_us=1732230600123456 trace=4bf92f3577b34da6a3ce929d0e0e4736 pid=33151 port=3663",
        "sudo:   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls",
        "passwd[1234]: pam_unix(passwd:chauthtok): password changed for bob",
        "Nov 21 23:30:00 host kernel: [12345.678901] eth0: link up 1000 Mbps",
        "order 4111111111111112 amount 12.50 tokens_used=150 token_type=Bearer");
    for (String line : lines) {
      assertThat(r.find(line)).as(line).isEmpty();
      assertThat(redact(r, line)).isSameAs(line);
    }
  }

  @Test
  void ipAddressesAreNotPiiUnlessInternalIpsAreOn() {
    String line = "Accepted publickey for bob from 10.0.0.5 port 22 and 8.8.8.8";
    assertThat(redact(line)).isEqualTo(line);
    Redactor ips = new Redactor(EnumSet.of(PiiType.INTERNAL_IP));
    assertThat(redact(ips, line)).isEqualTo("Accepted publickey for bob from [INTERNAL-IP-REDACTED] port 22 and 8.8.8.8");
    assertThat(redact(ips, "lo 127.0.0.1 ll 169.254.1.2 a 172.16.0.1 b 172.32.0.1 c 192.168.1.10 d 10.0.0.1.5"))
        .isEqualTo("lo [INTERNAL-IP-REDACTED] ll [INTERNAL-IP-REDACTED] a [INTERNAL-IP-REDACTED] b 172.32.0.1 c [INTERNAL-IP-REDACTED] d 10.0.0.1.5");
  }

  // ---------------------------------------------------------------- SSN

  @Test
  void ssnWithDashesIsRedactedAndInvalidRangesAreNot() {
    assertThat(redact("ssn 078-05-1123 ok")).isEqualTo("ssn [SSN-REDACTED] ok");
    assertThat(redact("a 000-12-3456 b 666-12-3456 c 912-12-3456 d 123-00-4567 e 123-45-0000"))
        .isEqualTo("a 000-12-3456 b 666-12-3456 c 912-12-3456 d 123-00-4567 e 123-45-0000");
  }

  @Test
  void ssnWithoutSeparatorsNeedsContext() {
    assertThat(redact("id 078051123 done")).isEqualTo("id 078051123 done");
    assertThat(redact("SSN: 078051123")).isEqualTo("SSN: [SSN-REDACTED]");
    assertThat(redact("social security number 078 05 1123")).contains("[SSN-REDACTED]");
  }

  @Test
  void ssnInsideLongerNumberChainsIsNotRedacted() {
    assertThat(redact("phone 1-123-45-6789 and 123-45-6789-1 and 2024-11-21")).doesNotContain("[SSN-REDACTED]");
    assertThat(redact("stats 123 45 6789 12")).doesNotContain("[SSN-REDACTED]");
  }

  @Test
  void ssnWithASingleHyphenIsRedactedWithoutContext() {
    assertThat(redact("078-051121 07805-1121")).isEqualTo("[SSN-REDACTED] [SSN-REDACTED]");
    assertThat(redact("ref 123-456789 end")).isEqualTo("ref [SSN-REDACTED] end");
    assertThat(redact("ref 12345-6789 end")).isEqualTo("ref [SSN-REDACTED] end");
  }

  @Test
  void ssnWithASingleHyphenMustPassTheValidityRules() {
    for (String line : List.of("a 000-123456", "a 666-123456", "a 900-123456", "a 999-123456", "a 123-001234",
        "a 123-450000", "a 00012-3456", "a 12300-3456", "a 12345-0000", "a 078-051120", "a 07805-1120",
        "a 219-099999", "a 555-555555", "a 1-123-456789", "a 123-456789-1", "a 123-4567890", "a 1234-56789")) {
      assertThat(redact(line)).as(line).isEqualTo(line);
    }
  }

  @Test
  void zipPlusFourCodesAreNotSsns() {
    for (String line : List.of("Springfield, IL 62704-1234", "ship to NY 10001-1234 now", "zip=10001-1234",
        "postal code 10001-1234")) {
      assertThat(redact(line)).as(line).isEqualTo(line);
    }
    assertThat(redact("ssn: 10001-1234")).isEqualTo("ssn: [SSN-REDACTED]");
  }

  @Test
  void wellKnownInvalidSsnsAreNotRedacted() {
    Redactor gate = new Redactor(Redactor.defaults(), new RedactorOptions(true));
    // Presidio's SSN negatives: each is rejected by the rule named after it
    for (String line : List.of(
        "078051120", // the Woolworth wallet number, voided by the SSA
        "000000000", // area 000 (and nine equal digits)
        "666000000", // area 666
        "078-05-0000", // serial 0000
        "078 00 1123", // group 00
        "693-09.4444", // two different separators
        "0780511201", // ten digits
        "ssn 078-05-1120", "ssn 219-09-9999", "ssn 111-11-1111", "SSN 222222222")) {
      assertThat(redact(gate, line)).as(line).isEqualTo(line);
      assertThat(redact(line)).as(line).isEqualTo(line);
    }
  }

  @Test
  void bareNineDigitsAreSsnsOnlyWithTheOptionOrAKeyword() {
    Redactor gate = new Redactor(Redactor.defaults(), new RedactorOptions(true));
    assertThat(redact("078051121")).isEqualTo("078051121");
    assertThat(redact("pid 123456789 exited")).isEqualTo("pid 123456789 exited");
    assertThat(redact("ssn=078051121")).isEqualTo("ssn=[SSN-REDACTED]");
    assertThat(redact(gate, "078051121")).isEqualTo("[SSN-REDACTED]");
    assertThat(redact(gate, "pid 123456789 exited")).isEqualTo("pid [SSN-REDACTED] exited");
    // the option only adds bare nine-digit runs: space-separated forms still need a keyword
    assertThat(redact(gate, "sizes 078 051121")).isEqualTo("sizes 078 051121");
  }

  @Test
  void ordinaryNumbersAreNotSsnsEvenWithTheOption() {
    Redactor gate = new Redactor(Redactor.defaults(), new RedactorOptions(true));
    for (String line : List.of("2024-11-21T23:30:00.123Z", "2024-11-21 23:30:00", "port 8080 and 443",
        "epoch 1732230600 ms 1732230600123", "v1.123456789", "x123456789", "took 123456789.5 ms",
        "1-123456789", "123456789-1", "12345678901", "10.123.456.789", "line 123 456789")) {
      assertThat(redact(gate, line)).as(line).isEqualTo(line);
    }
  }

  @Test
  void optionsDefaultToOffAndAreKept() {
    assertThat(RedactorOptions.DEFAULTS.ssnUnseparated()).isFalse();
    assertThat(defaults.options()).isEqualTo(RedactorOptions.DEFAULTS);
    RedactorOptions on = new RedactorOptions(true);
    assertThat(new Redactor(Redactor.defaults(), on).options()).isSameAs(on);
  }

  @Test
  void numericFieldsAreNeverTurnedIntoStringsBySsnRules() {
    Redactor gate = new Redactor(Redactor.defaults(), new RedactorOptions(true));
    Event e = new Event("http", null, Instant.parse("2026-01-01T00:00:00Z"), "{}");
    e.put("http.response.bytes", 123456789L);
    e.put("record.id", 78051121L);
    e.put("process.pid", 123456789);
    e.put("big", new java.math.BigInteger("123456789"));
    e.put("card", 4111111111111111L);

    Map<PiiType, Integer> counts = gate.redact(e);

    assertThat(e.get("http.response.bytes")).isEqualTo(123456789L);
    assertThat(e.get("record.id")).isEqualTo(78051121L);
    assertThat(e.get("process.pid")).isEqualTo(123456789);
    assertThat(e.get("big")).isEqualTo(new java.math.BigInteger("123456789"));
    assertThat(e.get("card")).isEqualTo("[CARD-REDACTED]");
    assertThat(counts).containsExactly(Map.entry(PiiType.CREDIT_CARD, 1));
  }

  /**
   * The original text is cleared (a token glued to a word is not a token there), but the same chars cut out
   * as a field value start a token: the field must be scanned, whether the value is long (the suffix test of
   * {@code clearedWithin}), short, or the same instance in two fields.
   */
  @Test
  void fieldValuesCutRightAfterALetterOfAClearedOriginalAreStillScanned() {
    String token = "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";
    String aws = "AKIAIOSFODNN7EXAMPLE";
    String original = "<38>Nov 21 23:30:00 srv06 app: id" + aws + " ref x" + token;
    assertThat(defaults.find(original)).isEmpty();
    Event e = new Event("syslog", null, Instant.parse("2026-01-01T00:00:00Z"), original);
    e.put("message", original.substring(original.indexOf("id")));
    e.put("labels.short", original.substring(original.indexOf(aws), original.indexOf(aws) + aws.length()));
    String tail = original.substring(original.length() - token.length());
    e.put("labels.long", tail);
    e.put("labels.again", tail);

    Map<PiiType, Integer> counts = defaults.redact(e);

    assertThat(e.original()).isEqualTo(original);
    assertThat(e.get("message")).isEqualTo(original.substring(original.indexOf("id")));
    assertThat(e.get("labels.short")).isEqualTo("[AWS-KEY-REDACTED]");
    assertThat(e.get("labels.long")).isEqualTo("[GITHUB-TOKEN-REDACTED]");
    assertThat(e.get("labels.again")).isEqualTo("[GITHUB-TOKEN-REDACTED]");
    assertThat(e.get(Fields.PII_REDACTED)).isEqualTo(true);
    assertThat(counts).containsEntry(PiiType.AWS_KEY, 1).containsEntry(PiiType.GITHUB_TOKEN, 2);
  }

  /** A field value that repeats the cleared original (a syslog MSG cut from its end) costs no scan and changes nothing. */
  @Test
  void fieldValuesCutFromAClearedOriginalAreLeftAlone() {
    String original = "<190>Nov 21 23:30:00 srv30 nginx: 10.1.2.3 - - [21/Nov/2024:23:30:00 +0000] "
        + "\"GET /wp-login.php HTTP/1.1\" 200 45814 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\"";
    Event e = new Event("syslog", null, Instant.parse("2026-01-01T00:00:00Z"), original);
    e.put("message", original.substring(original.indexOf("10.1.2.3")));
    e.put("user_agent.original", original.substring(original.indexOf("Mozilla"), original.length() - 1));
    e.put("source.ip", "10.1.2.3");
    e.put("host.name", "srv30");

    assertThat(defaults.redact(e)).isEmpty();
    assertThat(e.get(Fields.PII_REDACTED)).isNull();
    assertThat(e.fieldCount()).isEqualTo(4);
  }

  // ---------------------------------------------------------------- cards

  @Test
  void luhnValidCardsAreRedactedInEveryGrouping() {
    assertThat(redact("card 4111111111111111 exp")).isEqualTo("card [CARD-REDACTED] exp");
    assertThat(redact("card 4111-1111-1111-1111.")).isEqualTo("card [CARD-REDACTED].");
    assertThat(redact("amex 3782 822463 10005")).isEqualTo("amex [CARD-REDACTED]");
    assertThat(redact("mc=5555 5555 5555 4444")).isEqualTo("mc=[CARD-REDACTED]");
  }

  @Test
  void luhnInvalidOrUnknownIssuerNumbersAreNotCards() {
    assertThat(redact("card 4111111111111112")).doesNotContain("CARD");
    assertThat(redact("id 9111111111111111 epoch_ms 1732230600123 micros 1732230600123456")).doesNotContain("CARD");
    assertThat(redact("v1.4111111111111111 x4111111111111111")).doesNotContain("CARD");
  }

  @Test
  void digitsGluedToAnIdOrInsideAnIbanAreNotCards() {
    // both digit runs pass issuer and Luhn checks on their own
    assertThat(redact("card 4980916519894289629")).isEqualTo("card [CARD-REDACTED]");
    assertThat(redact("Verification succeeded for blk_-4980916519894289629")).doesNotContain("REDACTED");
    assertThat(redact("iban RS35 2600 0560 1001 6113 79")).doesNotContain("REDACTED");
  }

  // ---------------------------------------------------------------- passwords

  @Test
  void passwordAssignmentsKeepKeyAndQuotes() {
    assertThat(redact("login passwd: hunter2 user: bob")).isEqualTo("login passwd: [REDACTED] user: bob");
    assertThat(redact("{\"user\":\"bob\",\"password\":\"s3cr\\\"et\"}")).isEqualTo("{\"user\":\"bob\",\"password\":\"[REDACTED]\"}");
    assertThat(redact("GET /login?user=bob&pwd=abc123&next=/")).isEqualTo("GET /login?user=bob&pwd=[REDACTED]&next=/");
    assertThat(redact("client_secret=xyz, api_key=k1;")).isEqualTo("client_secret=[REDACTED], api_key=[REDACTED];");
    assertThat(redact("DB_PASS := 'pa55'")).isEqualTo("DB_PASS := '[REDACTED]'");
    assertThat(redact("X-Auth-Token: abcdef123456")).isEqualTo("X-Auth-Token: [REDACTED]");
  }

  @Test
  void passwordPlaceholdersAndMentionsAreNotRedacted() {
    for (String line : List.of("Failed password for root", "password=", "password=\"\"", "password: ${DB_PASSWORD}",
        "password=*****", "password=null", "password=[REDACTED]", "bypass=1 passed=3 compass=north")) {
      assertThat(redact(line)).as(line).isEqualTo(line);
    }
  }

  @Test
  void placeholdersAndCodeReferencesAfterASecretKeyAreNotRedacted() {
    for (String line : List.of("password=$DB_PASSWORD", "password: {password}", "password={0}", "password=<password>",
        "api_key=<your-api-key>", "password=%d", "password=xxxxxxxx", "password=XXXX****",
        "Parameters: {\"user\"=>{\"password\"=>\"[FILTERED]\"}}", "password=self.password",
        "secret = os.environ[\"APP_SECRET\"]", "api_key=process.env.API_KEY", "password=getpass()",
        "token = get_token(user, scope)", "db_password=db_password", "dbPassword=dbPassword",
        "secret_key=settings.SECRET_KEY")) {
      assertThat(redact(line)).as(line).isEqualTo(line);
    }
  }

  @Test
  void valuesThatOnlyLookLikeCodeAreStillRedacted() {
    // a quoted string is a literal, whatever it looks like
    assertThat(redact("password=\"getpass()\"")).isEqualTo("password=\"[REDACTED]\"");
    assertThat(redact("password='self.password'")).isEqualTo("password='[REDACTED]'");
    // "password" is the most common real password
    assertThat(redact("login user=bob password=password")).isEqualTo("login user=bob password=[REDACTED]");
    assertThat(redact("password=$ecret1")).isEqualTo("password=[REDACTED]");
    // detect-secrets negatives that are secrets in a log line (file-type dependent or a "fake" word)
    assertThat(redact("password: real_key")).isEqualTo("password: [REDACTED]");
    assertThat(redact("password = \"somefakekey\"")).isEqualTo("password = \"[REDACTED]\"");
    assertThat(redact("api_key = 'k3y';")).isEqualTo("api_key = '[REDACTED]';");
  }

  @Test
  void urlUserinfoPasswordAndBasicAuthAreRedacted() {
    assertThat(redact("connect postgres://app:s3cret@db:5432/x")).isEqualTo("connect postgres://app:[REDACTED]@db:5432/x");
    assertThat(redact("Authorization: Basic dXNlcjpwYXNzd29yZA==")).isEqualTo("Authorization: Basic [REDACTED]");
  }

  // ---------------------------------------------------------------- tokens

  @Test
  void jwtIsRedactedWholeAndBearerKeepsTheScheme() {
    String jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    assertThat(redact("token " + jwt + " end")).isEqualTo("token [JWT-REDACTED] end");
    assertThat(redact("Authorization: Bearer " + jwt)).isEqualTo("Authorization: Bearer [JWT-REDACTED]");
    assertThat(redact("Authorization: Bearer abc123def456ghi789")).isEqualTo("Authorization: Bearer [BEARER-TOKEN-REDACTED]");
    assertThat(redact("missing Bearer authentication")).isEqualTo("missing Bearer authentication");
  }

  @Test
  void awsKeysAreRedacted() {
    assertThat(redact("key AKIAIOSFODNN7EXAMPLE used")).isEqualTo("key [AWS-KEY-REDACTED] used");
    assertThat(redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .isEqualTo("aws_secret_access_key = [AWS-KEY-REDACTED]");
    assertThat(redact("akiaiosfodnn7example AKIA123")).doesNotContain("REDACTED");
  }

  @Test
  void vendorTokensAreRedacted() {
    assertThat(redact("t=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")).isEqualTo("t=[GITHUB-TOKEN-REDACTED]");
    assertThat(redact("xoxb-34532454-e039d02840a0b9379c")).isEqualTo("[SLACK-TOKEN-REDACTED]");
    assertThat(redact("post https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX ok"))
        .isEqualTo("post [SLACK-TOKEN-REDACTED] ok");
    assertThat(redact("stripe sk_live_ReTllpYQYfIZu2Jnf2lAPFjD")).isEqualTo("stripe [API-KEY-REDACTED]");
    assertThat(redact("gitlab glpat-hellOworld380_testin")).isEqualTo("gitlab [API-KEY-REDACTED]");
    assertThat(redact("publishable pk_live_j5krY8XTgIcDaHDb3YrsAfCl")).doesNotContain("REDACTED");
  }

  @Test
  void privateKeyBlocksAreRedactedWhole() {
    String pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\nafter";
    assertThat(redact(pem)).isEqualTo("key:\n[PRIVATE-KEY-REDACTED]\nafter");
    assertThat(redact("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")).doesNotContain("REDACTED");
  }

  // ---------------------------------------------------------------- opt-in kinds

  @Test
  void defaultsExcludeEmailPhoneAndInternalIp() {
    assertThat(Redactor.defaults()).doesNotContain(PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP)
        .contains(PiiType.SSN, PiiType.CREDIT_CARD, PiiType.PASSWORD, PiiType.JWT, PiiType.AWS_KEY);
    String line = "mail bob@example.com call (415) 555-0132 from 192.168.1.10";
    assertThat(redact(line)).isEqualTo(line);
  }

  @Test
  void enablingEmailPhoneAndInternalIpRedactsThem() {
    Redactor r = new Redactor(EnumSet.of(PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP));
    assertThat(r.enabled()).containsExactlyInAnyOrder(PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP);
    assertThat(redact(r, "mail bob@example.com call (415) 555-0132 or +44 20 7123 4567 from 192.168.1.10"))
        .isEqualTo("mail [EMAIL-REDACTED] call [PHONE-REDACTED] or [PHONE-REDACTED] from [INTERNAL-IP-REDACTED]");
    assertThat(redact(r, "user=bob@example.com")).isEqualTo("user=[EMAIL-REDACTED]");
    assertThat(redact(r, "2024-11-21 took 1732230600 ms git@github")).doesNotContain("REDACTED");
  }

  @Test
  void anEmptyRedactorFindsNothing() {
    Redactor none = new Redactor(EnumSet.noneOf(PiiType.class));
    assertThat(none.enabled()).isEmpty();
    assertThat(none.find("password=x 123-45-6789 AKIAIOSFODNN7EXAMPLE")).isEmpty();
  }

  // ---------------------------------------------------------------- find and events

  @Test
  void findReportsKindAndSpanWithoutTheSecret() {
    String text = "User SSN: 123-45-6789 password=secret123";
    List<Finding> found = defaults.find(text);
    assertThat(found).containsExactly(new Finding(PiiType.SSN, 10, 21), new Finding(PiiType.PASSWORD, 31, 40));
    assertThat(found.toString()).doesNotContain("secret123").doesNotContain("6789");
  }

  @Test
  void redactCountsPerKind() {
    Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
    defaults.redact("password=a secret=b 123-45-6789", counts);
    defaults.redact("pwd=c", counts);
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(PiiType.PASSWORD, 3, PiiType.SSN, 1));
  }

  @Test
  void eventIsRedactedInPlaceIncludingNestedFieldsAndFlagged() {
    Event e = new Event("syslog", "10.0.0.1", Instant.parse("2026-01-01T00:00:00Z"), "User password=secret123 SSN 123-45-6789");
    e.put(Fields.MESSAGE, "User password=secret123");
    e.put("user.password", "hunter2");
    e.put("card", 4111111111111111L);
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("note", "ssn 123-45-6789");
    inner.put("list", List.of("ok", "token=abc123"));
    e.put(Fields.SYSLOG_STRUCTURED_DATA, Map.of("auth@1", inner));
    e.put("tags", new ArrayList<>(List.of("a", "b")));

    Map<PiiType, Integer> counts = defaults.redact(e);

    assertThat(e.original()).isEqualTo("User password=[REDACTED] SSN [SSN-REDACTED]");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("User password=[REDACTED]");
    assertThat(e.get("user.password")).isEqualTo("[REDACTED]");
    assertThat(e.get("card")).isEqualTo("[CARD-REDACTED]");
    @SuppressWarnings("unchecked")
    Map<String, Object> sd = (Map<String, Object>) ((Map<String, Object>) e.get(Fields.SYSLOG_STRUCTURED_DATA)).get("auth@1");
    assertThat(sd.get("note")).isEqualTo("ssn [SSN-REDACTED]");
    assertThat(sd.get("list")).isEqualTo(List.of("ok", "token=[REDACTED]"));
    assertThat(e.get(Fields.PII_REDACTED)).isEqualTo(true);
    // Per kind, the larger of the tallies in the original (1 password, 1 SSN) and in the fields
    // (message, user.password and the token: 3 passwords; 1 SSN; 1 card).
    assertThat(counts).containsEntry(PiiType.PASSWORD, 3).containsEntry(PiiType.SSN, 1).containsEntry(PiiType.CREDIT_CARD, 1);
  }

  @Test
  void aSecretRepeatedInTheParsedMessageCountsOnce() {
    Event e = new Event("syslog", "10.0.0.1", Instant.parse("2026-01-01T00:00:00Z"),
        "<38>Nov 21 10:00:00 host app: User password=secret123 SSN 123-45-6789");
    e.put(Fields.MESSAGE, "User password=secret123 SSN 123-45-6789");
    assertThat(defaults.redact(e)).containsExactlyInAnyOrderEntriesOf(Map.of(PiiType.PASSWORD, 1, PiiType.SSN, 1));
    assertThat(e.original()).isEqualTo("<38>Nov 21 10:00:00 host app: User password=[REDACTED] SSN [SSN-REDACTED]");
    assertThat(e.get(Fields.MESSAGE)).isEqualTo("User password=[REDACTED] SSN [SSN-REDACTED]");
  }

  @Test
  void cleanEventIsUntouchedAndNotFlagged() {
    String line = "<38>Nov 21 23:30:00 srv31 sshd[33151]: Failed password for invalid user admin from 185.143.49.60 port 3663 ssh2";
    Event e = new Event("syslog", null, Instant.parse("2026-01-01T00:00:00Z"), line);
    e.put(Fields.MESSAGE, "Failed password for invalid user admin");
    assertThat(defaults.redact(e)).isEmpty();
    assertThat(e.original()).isSameAs(line);
    assertThat(e.get(Fields.PII_REDACTED)).isNull();
  }

  @Test
  void redactingTwiceChangesNothingTheSecondTime() {
    String once = redact(all, "password=x ssn 123-45-6789 mail a@b.io card 4111111111111111 Bearer abc123def456ghi");
    assertThat(redact(all, once)).isEqualTo(once);
  }
}
