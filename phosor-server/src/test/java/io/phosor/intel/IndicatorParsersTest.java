package io.phosor.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndicatorParsersTest {
  private static final long NOW = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();

  /** The head of Spamhaus DROP and of a FireHOL netset, as they are published. */
  static final String DROP_AND_FIREHOL = """
      ; Spamhaus DROP List 2026/05/31 - (c) 2026 The Spamhaus Project SLU
      ; https://www.spamhaus.org/drop/drop.txt
      ; Last-Modified: Sat, 31 May 2026 00:00:00 GMT
      ; Expires: Sat, 31 May 2026 01:00:00 GMT
      1.10.16.0/20 ; SBL256894
      1.19.0.0/16 ; SBL434604
      #
      # firehol_level1
      # ipv4 hash:net ipset
      #
      185.220.101.0/24
      45.155.205.233
      2001:db8:bad::/48
      \r
      """;

  private static FileEntries read(String format, String text) throws IOException {
    return IndicatorParsers.read("f." + format, format, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
        1000);
  }

  private static IndicatorIndex index(FileEntries f) {
    return IndicatorIndex.build(List.of(f));
  }

  @Test
  void anIpListWithCommentsReadsEveryAddressAndBlockAndKeepsTheEntryComment() throws Exception {
    FileEntries f = IndicatorParsers.read("drop.txt", "list",
        new ByteArrayInputStream(DROP_AND_FIREHOL.getBytes(StandardCharsets.UTF_8)), 1000);

    assertThat(f.size()).isEqualTo(5);
    IndicatorIndex idx = index(f);
    long[] s = new long[2];
    assertThat(idx.first("1.10.20.30", NOW, s).description()).isEqualTo("SBL256894");
    assertThat(idx.first("1.10.20.30", NOW, s).source()).isEqualTo("drop.txt");
    assertThat(idx.first("185.220.101.47", NOW, s).description()).isNull();
    assertThat(idx.first("45.155.205.233", NOW, s)).isNotNull();
    assertThat(idx.first("45.155.205.234", NOW, s)).isNull();
    assertThat(idx.first("2001:db8:bad:1::5", NOW, s)).isNotNull();
    assertThat(idx.first("::ffff:185.220.101.9", NOW, s)).as("IPv4-mapped").isNotNull();
  }

  @Test
  void aBadLineFailsTheWholeListWithItsLineNumber() {
    assertThatThrownBy(() -> read("list", "1.2.3.4\n# fine\n1.2.3.999\n"))
        .isInstanceOf(IndicatorFileException.class).hasMessage("f.list line 3: '1.2.3.999' is not an IPv4 or IPv6 "
            + "address or CIDR block");
    assertThatThrownBy(() -> read("list", "evil.example.com\n")).hasMessageContaining("line 1");
  }

  @Test
  void aListLongerThanTheLimitIsRefusedClearly() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      b.append("10.0.").append(i / 256).append('.').append(i % 256).append('\n');
    }
    assertThatThrownBy(() -> read("list", b.toString())).isInstanceOf(IndicatorFileException.class)
        .hasMessageContaining("line 1001: more than 1000 entries in one file (the limit)");
  }

  @Test
  void aCsvWithAHeaderReadsTheAddressColumnAndTheOptionalColumns() throws Exception {
    FileEntries f = read("csv", """
        # exported from the TIP
        first_seen,indicator,type,description,confidence,valid_until
        2026-05-01,198.51.100.7,ipv4,"Cobalt Strike C2, seen by us",90,2026-12-31T00:00:00Z
        2026-05-02,2001:db8::66,ipv6,scanner,40,
        2026-05-03,evil.example.com,domain,phishing,80,
        2026-05-04,203.0.113.0/24,cidr,old campaign,70,2026-01-01
        """);

    assertThat(f.size()).isEqualTo(3);
    assertThat(f.unsupported).as("the domain row").isEqualTo(1);
    IndicatorIndex idx = index(f);
    Indicator c2 = idx.first("198.51.100.7", NOW, new long[2]);
    assertThat(c2.description()).isEqualTo("Cobalt Strike C2, seen by us");
    assertThat(c2.confidence()).isEqualTo(90);
    assertThat(c2.type()).isEqualTo("ipv4");
    assertThat(c2.format()).isEqualTo("csv");
    assertThat(idx.first("2001:db8::66", NOW, new long[2]).description()).isEqualTo("scanner");
    assertThat(idx.first("203.0.113.9", NOW, new long[2])).as("valid_until 2026-01-01 has passed").isNull();
    assertThat(idx.first("203.0.113.9", Instant.parse("2025-12-31T23:00:00Z").toEpochMilli(), new long[2]))
        .isNotNull();
  }

  @Test
  void aCsvWithoutAnAddressColumnOrWithABadAddressIsRefusedWithTheLine() {
    assertThatThrownBy(() -> read("csv", "host,description\nx,y\n"))
        .hasMessageContaining("the header names no address column (one of ip, indicator, address, cidr)");
    assertThatThrownBy(() -> read("csv", "ip,description\n198.51.100.7,a\n198.51.100.300,b\n"))
        .isInstanceOf(IndicatorFileException.class).hasMessageContaining("line 3: '198.51.100.300' is not an IPv4");
    assertThatThrownBy(() -> read("csv", "ip,confidence\n198.51.100.7,high\n"))
        .hasMessageContaining("line 2: confidence must be a whole number 0-100");
  }

  /** A STIX 2.1 bundle as a TIP exports it (OASIS STIX 2.1 section 4, indicator; patterns of section 9). */
  static final String BUNDLE = """
      {
        "type": "bundle",
        "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
        "objects": [
          {
            "type": "identity",
            "spec_version": "2.1",
            "id": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
            "created": "2026-01-01T00:00:00.000Z",
            "modified": "2026-01-01T00:00:00.000Z",
            "name": "ACME CERT",
            "identity_class": "organization"
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
            "created": "2026-04-06T20:03:48.000Z",
            "modified": "2026-04-06T20:03:48.000Z",
            "indicator_types": ["malicious-activity"],
            "name": "Emotet C2",
            "description": "Emotet command and control server",
            "pattern": "[ipv4-addr:value = '198.51.100.1']",
            "pattern_type": "stix",
            "valid_from": "2026-04-06T20:03:48Z",
            "valid_until": "2026-12-31T00:00:00Z",
            "labels": ["emotet", "c2"],
            "confidence": 85
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--1f0f3f2a-0d6a-4e5b-9a57-3b1c6d7e8f90",
            "created": "2025-01-01T00:00:00.000Z",
            "modified": "2025-01-01T00:00:00.000Z",
            "name": "Old scanner range",
            "pattern": "[ipv4-addr:value = '198.51.100.0/24']",
            "pattern_type": "stix",
            "valid_from": "2025-01-01T00:00:00Z",
            "valid_until": "2025-06-01T00:00:00Z"
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--2a2b2c2d-0000-4000-8000-000000000001",
            "created": "2026-02-01T00:00:00.000Z",
            "modified": "2026-03-01T00:00:00.000Z",
            "name": "Withdrawn",
            "pattern": "[ipv4-addr:value = '192.0.2.99']",
            "pattern_type": "stix",
            "valid_from": "2026-02-01T00:00:00Z",
            "revoked": true
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--3a3b3c3d-0000-4000-8000-000000000002",
            "created": "2026-02-01T00:00:00.000Z",
            "modified": "2026-02-01T00:00:00.000Z",
            "name": "Tor exits and a v6 host",
            "pattern": "[ipv4-addr:value = '185.220.101.0/24' OR ipv6-addr:value = '2001:db8:c2::1'] OR [ipv4-addr:value ISSUBSET '45.155.205.0/24']",
            "pattern_type": "stix",
            "valid_from": "2026-02-01T00:00:00Z"
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--4a4b4c4d-0000-4000-8000-000000000003",
            "created": "2026-02-01T00:00:00.000Z",
            "modified": "2026-02-01T00:00:00.000Z",
            "pattern": "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.5']",
            "pattern_type": "stix",
            "valid_from": "2026-02-01T00:00:00Z"
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--5a5b5c5d-0000-4000-8000-000000000004",
            "created": "2026-02-01T00:00:00.000Z",
            "modified": "2026-02-01T00:00:00.000Z",
            "pattern": "alert tcp any any -> 203.0.113.6 any (msg:\\"x\\";)",
            "pattern_type": "snort",
            "valid_from": "2026-02-01T00:00:00Z"
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--6a6b6c6d-0000-4000-8000-000000000005",
            "created": "2026-02-01T00:00:00.000Z",
            "modified": "2026-02-01T00:00:00.000Z",
            "pattern": "[ipv4-addr:value = '203.0.113.7'] WITHIN 300 SECONDS",
            "pattern_type": "stix",
            "valid_from": "2026-02-01T00:00:00Z"
          },
          {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--7a7b7c7d-0000-4000-8000-000000000006",
            "created": "2026-02-01T00:00:00.000Z",
            "modified": "2026-02-01T00:00:00.000Z",
            "name": "Not yet",
            "pattern": "[ipv4-addr:value = '203.0.113.8']",
            "pattern_type": "stix",
            "valid_from": "2026-09-01T00:00:00Z"
          }
        ]
      }
      """;

  @Test
  void aStix21BundleYieldsItsAddressIndicatorsRespectingValidityAndRevocation() throws Exception {
    FileEntries f = IndicatorParsers.read("c2.json", "stix",
        new ByteArrayInputStream(BUNDLE.getBytes(StandardCharsets.UTF_8)), 1000);

    assertThat(f.revoked).isEqualTo(1);
    assertThat(f.unsupported).as("AND, snort, WITHIN").isEqualTo(3);
    assertThat(f.size()).as("1 + 1 + 3 + 1 blocks").isEqualTo(6);
    IndicatorIndex idx = index(f);
    long[] s = new long[2];
    Indicator emotet = idx.first("198.51.100.1", NOW, s);
    assertThat(emotet.name()).isEqualTo("Emotet C2");
    assertThat(emotet.description()).isEqualTo("Emotet command and control server");
    assertThat(emotet.labels()).containsExactly("emotet", "c2");
    assertThat(emotet.confidence()).isEqualTo(85);
    assertThat(emotet.id()).isEqualTo("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
    assertThat(idx.first("198.51.100.2", NOW, s)).as("the /24 expired in 2025").isNull();
    assertThat(idx.first("198.51.100.1", Instant.parse("2027-01-01T00:00:00Z").toEpochMilli(), s))
        .as("after valid_until").isNull();
    assertThat(idx.first("192.0.2.99", NOW, s)).as("revoked").isNull();
    assertThat(idx.first("185.220.101.47", NOW, s).name()).isEqualTo("Tor exits and a v6 host");
    assertThat(idx.first("2001:db8:c2::1", NOW, s)).isNotNull();
    assertThat(idx.first("45.155.205.1", NOW, s)).isNotNull();
    assertThat(idx.first("203.0.113.5", NOW, s)).as("not guessed from an AND").isNull();
    assertThat(idx.first("203.0.113.8", NOW, s)).as("valid_from in the future").isNull();
    assertThat(idx.first("203.0.113.8", Instant.parse("2026-09-01T00:00:00Z").toEpochMilli(), s)).isNotNull();
  }

  @Test
  void stixPatternsThatAreNotPureAddressListsAreRefused() {
    assertThat(StixPattern.addresses("[ipv4-addr:value = '198.51.100.1']")).hasSize(1);
    assertThat(StixPattern.addresses("([ipv4-addr:value = '198.51.100.1'] OR [ipv6-addr:value = '2001:db8::1'])"))
        .hasSize(2);
    assertThat(StixPattern.addresses("[domain-name:value = 'evil.example.com']")).isNull();
    assertThat(StixPattern.addresses("[ipv4-addr:value != '198.51.100.1']")).isNull();
    assertThat(StixPattern.addresses("[ipv4-addr:value = '198.51.100.1' AND ipv4-addr:value = '1.2.3.4']")).isNull();
    assertThat(StixPattern.addresses("[ipv4-addr:value = '2001:db8::1']")).as("IPv6 under ipv4-addr").isNull();
    assertThat(StixPattern.addresses("[ipv4-addr:value = 'evil.example.com']")).isNull();
    assertThat(StixPattern.addresses("[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.4']"))
        .isNull();
    assertThat(StixPattern.addresses("[ipv4-addr:value = '198.51.100.1'")).isNull();
  }

  @Test
  void aFileThatIsNotABundleIsRefused() {
    assertThatThrownBy(() -> read("stix", "[1, 2]")).hasMessageContaining("not a STIX 2.1 bundle");
    assertThatThrownBy(() -> read("stix", "{\"type\": \"indicator\", \"objects\": []}"))
        .hasMessageContaining("not a STIX 2.1 bundle");
    assertThatThrownBy(() -> read("stix", "{\"type\": \"bundle\", \"objects\": [")).hasMessageContaining("not JSON");
  }
}
