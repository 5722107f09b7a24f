package io.phosor.intel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Readers of the three indicator file formats. Each reads the whole file or fails with the file, the line
 * and the problem ({@link IndicatorFileException}); a bad address is an error, not a skipped line, so a
 * half-written download never replaces a good list with a partial one.
 *
 * <ul>
 *   <li>IP/CIDR lists (FireHOL {@code .netset}/{@code .ipset}, Spamhaus DROP): one address or CIDR block a
 *       line; {@code #} and {@code ;} start comments; the comment after an entry is kept as its description.
 *   <li>CSV with a header (RFC 4180): the first column named {@code ip}, {@code indicator}, {@code address} or
 *       {@code cidr} holds the address; optional {@code description}, {@code type}, {@code confidence},
 *       {@code valid_until}. A row whose {@code type} names something other than an address is counted as
 *       unsupported.
 *   <li>STIX 2.1 bundles (OASIS STIX 2.1, section 4 (indicator) and section 9 (patterning)): {@code indicator}
 *       objects whose {@code pattern_type} is {@code stix} and whose pattern is one or more comparisons
 *       {@code ipv4-addr:value = '...'} / {@code ipv6-addr:value = '...'} (or {@code ISSUBSET}) joined by
 *       {@code OR}; any other pattern is counted as unsupported, never guessed.
 * </ul>
 */
final class IndicatorParsers {
  /** Column names that hold the address, in CSV files. */
  static final Set<String> ADDRESS_COLUMNS = Set.of("ip", "indicator", "address", "cidr");
  /** CSV {@code type} values that mean an address (MISP, OpenCTI, STIX and plain names). */
  static final Set<String> ADDRESS_TYPES = Set.of("", "ip", "ipv4", "ipv6", "ip-src", "ip-dst", "ipv4-addr",
      "ipv6-addr", "cidr", "netblock", "ip_address", "ipaddress", "ip-address", "address");
  /** Longest text kept from a file for one field (descriptions, names). */
  static final int MAX_FIELD = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private IndicatorParsers() {}

  /** The format of a file by its name: list, csv, stix, or null when the name is not an indicator file. */
  static String formatOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.startsWith(".")) {
      return null;
    }
    if (n.endsWith(".txt") || n.endsWith(".list") || n.endsWith(".netset") || n.endsWith(".ipset")) {
      return "list";
    }
    if (n.endsWith(".csv")) {
      return "csv";
    }
    if (n.endsWith(".json")) {
      return "stix";
    }
    return null;
  }

  /** Reads {@code in} as {@code format}, at most {@code maxEntries} blocks. */
  static FileEntries read(String file, String format, InputStream in, int maxEntries) throws IOException {
    return switch (format) {
      case "list" -> list(file, in, maxEntries);
      case "csv" -> csv(file, in, maxEntries);
      case "stix" -> stix(file, in, maxEntries);
      default -> throw new IllegalArgumentException("unknown format " + format);
    };
  }

  private static Reader utf8(InputStream in) {
    return new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  // ---- IP/CIDR lists

  static FileEntries list(String file, InputStream in, int maxEntries) throws IOException {
    FileEntries out = new FileEntries(file, "list", maxEntries);
    int plain = out.indicator(Indicator.listed(file, null));
    BufferedReader r = new BufferedReader(utf8(in));
    long lineNo = 0;
    String line;
    try {
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
          line = line.substring(1);
        }
        int cut = comment(line);
        String entry = (cut < 0 ? line : line.substring(0, cut)).trim();
        if (entry.isEmpty()) {
          continue;
        }
        Ip.Block b = Ip.parseBlock(entry);
        if (b == null) {
          throw new IndicatorFileException(file, lineNo, "'" + abbreviate(entry) + "' is not an IPv4 or IPv6 address "
              + "or CIDR block");
        }
        int ref = plain;
        if (cut >= 0) {
          String note = line.substring(cut + 1).trim();
          if (!note.isEmpty()) {
            ref = out.indicator(Indicator.listed(file, clip(note)));
          }
        }
        if (!out.add(b, ref)) {
          throw tooMany(file, lineNo, maxEntries);
        }
      }
    } catch (CharacterCodingException e) {
      throw new IndicatorFileException(file, lineNo + 1, "not UTF-8 text");
    }
    return out;
  }

  private static int comment(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '#' || c == ';') {
        return i;
      }
    }
    return -1;
  }

  private static IndicatorFileException tooMany(String file, long line, int max) {
    return new IndicatorFileException(file, line, "more than " + max + " entries in one file (the limit); split it "
        + "or keep the part you need");
  }

  // ---- CSV

  static FileEntries csv(String file, InputStream in, int maxEntries) throws IOException {
    FileEntries out = new FileEntries(file, "csv", maxEntries);
    CsvMapper mapper = CsvMapper.builder().enable(CsvParser.Feature.TRIM_SPACES)
        .enable(CsvParser.Feature.SKIP_EMPTY_LINES).enable(CsvParser.Feature.ALLOW_COMMENTS).build();
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    long lineNo = 0;
    try (MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class).with(schema)
        .readValues(utf8(in))) {
      CsvSchema header = null;
      String ipCol = null;
      String descCol = null;
      String typeCol = null;
      String confCol = null;
      String untilCol = null;
      while (true) {
        if (!it.hasNextValue()) {
          break;
        }
        lineNo = it.getCurrentLocation().getLineNr(); // at the start of the row
        Map<String, String> row = it.nextValue();
        if (header == null) {
          header = (CsvSchema) it.getParser().getSchema();
          for (CsvSchema.Column c : header) {
            String n = c.getName().trim().toLowerCase(Locale.ROOT);
            if (ipCol == null && ADDRESS_COLUMNS.contains(n)) {
              ipCol = c.getName();
            } else if (descCol == null && n.equals("description")) {
              descCol = c.getName();
            } else if (typeCol == null && n.equals("type")) {
              typeCol = c.getName();
            } else if (confCol == null && n.equals("confidence")) {
              confCol = c.getName();
            } else if (untilCol == null && n.equals("valid_until")) {
              untilCol = c.getName();
            }
          }
          if (ipCol == null) {
            throw new IndicatorFileException(file, 1, "the header names no address column (one of ip, indicator, "
                + "address, cidr); it has " + header.getColumnNames());
          }
        }
        String value = row.get(ipCol);
        String type = typeCol == null ? null : row.get(typeCol);
        if (type != null && !ADDRESS_TYPES.contains(type.trim().toLowerCase(Locale.ROOT))) {
          out.unsupported++;
          continue;
        }
        if (value == null || value.isBlank()) {
          throw new IndicatorFileException(file, lineNo, "the " + ipCol + " column is empty");
        }
        Ip.Block b = Ip.parseBlock(value);
        if (b == null) {
          throw new IndicatorFileException(file, lineNo, "'" + abbreviate(value) + "' is not an IPv4 or IPv6 address "
              + "or CIDR block");
        }
        Integer confidence = null;
        String conf = confCol == null ? null : row.get(confCol);
        if (conf != null && !conf.isBlank()) {
          confidence = confidence(file, lineNo, conf.trim());
        }
        long until = Long.MAX_VALUE;
        String u = untilCol == null ? null : row.get(untilCol);
        if (u != null && !u.isBlank()) {
          until = time(file, lineNo, "valid_until", u.trim());
        }
        String desc = descCol == null ? null : blankToNull(row.get(descCol));
        int ref = out.indicator(new Indicator(file, "csv", clip(desc), null, clip(blankToNull(type)), confidence,
            List.of(), null, Long.MIN_VALUE, until));
        if (!out.add(b, ref)) {
          throw tooMany(file, lineNo, maxEntries);
        }
      }
    } catch (JsonProcessingException e) {
      throw new IndicatorFileException(file, e.getLocation() == null ? lineNo : e.getLocation().getLineNr(),
          "not CSV: " + e.getOriginalMessage());
    } catch (CharacterCodingException e) {
      throw new IndicatorFileException(file, lineNo, "not UTF-8 text");
    }
    return out;
  }

  private static Integer confidence(String file, long line, String v) {
    try {
      int c = Integer.parseInt(v);
      if (c >= 0 && c <= 100) {
        return c;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IndicatorFileException(file, line, "confidence must be a whole number 0-100, was '" + abbreviate(v) + "'");
  }

  /** An RFC 3339 time (STIX timestamps), or a date (the start of that day, UTC) in CSV. */
  private static long time(String file, long line, String what, String v) {
    try {
      return Instant.parse(v).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(v).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        try {
          return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e3) {
          throw new IndicatorFileException(file, line, what + " '" + abbreviate(v) + "' is not an ISO-8601 time "
              + "(2026-01-31T00:00:00Z) or date");
        }
      }
    }
  }

  // ---- STIX 2.1

  static FileEntries stix(String file, InputStream in, int maxEntries) throws IOException {
    FileEntries out = new FileEntries(file, "stix", maxEntries);
    JsonFactory f = JSON.getFactory();
    String type = null;
    boolean sawObjects = false;
    try (JsonParser p = f.createParser(utf8(in))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IndicatorFileException(file, 1, "not a STIX 2.1 bundle: the file must be one JSON object with "
            + "\"type\": \"bundle\" and \"objects\"");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("type") && t == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if (name.equals("objects") && t == JsonToken.START_ARRAY) {
          sawObjects = true;
          while (p.nextToken() == JsonToken.START_OBJECT) {
            long line = p.currentLocation().getLineNr();
            JsonNode o = JSON.readTree(p);
            indicator(file, line, o, out, maxEntries);
          }
          if (p.currentToken() != JsonToken.END_ARRAY) {
            throw new IndicatorFileException(file, p.currentLocation().getLineNr(), "objects must hold JSON objects");
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      throw new IndicatorFileException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not JSON: " + e.getOriginalMessage());
    } catch (CharacterCodingException e) {
      throw new IndicatorFileException(file, 0, "not UTF-8 text");
    }
    if (!"bundle".equals(type) || !sawObjects) {
      throw new IndicatorFileException(file, 1, "not a STIX 2.1 bundle: it needs \"type\": \"bundle\" and an "
          + "\"objects\" array");
    }
    return out;
  }

  private static void indicator(String file, long line, JsonNode o, FileEntries out, int max) {
    if (!"indicator".equals(o.path("type").asText())) {
      return; // identities, relationships, malware...: not indicators
    }
    if (o.path("revoked").asBoolean(false)) {
      out.revoked++;
      return;
    }
    if (!"stix".equals(o.path("pattern_type").asText("stix"))) {
      out.unsupported++;
      return;
    }
    List<Ip.Block> blocks = StixPattern.addresses(o.path("pattern").asText(""));
    if (blocks == null) {
      out.unsupported++;
      return;
    }
    long from = o.hasNonNull("valid_from") ? time(file, line, "valid_from", o.get("valid_from").asText()) : Long.MIN_VALUE;
    long until = o.hasNonNull("valid_until") ? time(file, line, "valid_until", o.get("valid_until").asText())
        : Long.MAX_VALUE;
    List<String> labels = new ArrayList<>();
    for (JsonNode l : o.path("labels")) {
      if (l.isTextual() && labels.size() < 32) {
        labels.add(clip(l.asText()));
      }
    }
    List<String> types = new ArrayList<>();
    for (JsonNode l : o.path("indicator_types")) {
      if (l.isTextual() && types.size() < 8) {
        types.add(l.asText());
      }
    }
    Integer confidence = o.path("confidence").canConvertToInt() && o.path("confidence").isIntegralNumber()
        ? Integer.valueOf(o.get("confidence").asInt()) : null;
    int ref = out.indicator(new Indicator(file, "stix", clip(text(o, "description")), clip(text(o, "name")),
        types.isEmpty() ? null : clip(String.join(",", types)), confidence, labels, clip(text(o, "id")), from, until));
    for (Ip.Block b : blocks) {
      if (!out.add(b, ref)) {
        throw tooMany(file, line, max);
      }
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static String clip(String v) {
    return v == null || v.length() <= MAX_FIELD ? v : v.substring(0, MAX_FIELD);
  }

  static String abbreviate(String v) {
    return v.length() <= 80 ? v : v.substring(0, 77) + "...";
  }
}
