package io.phosor.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.phosor.config.ConfigException;
import io.phosor.config.ForwardConfig;
import io.phosor.search.EventFilter;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads forwarders.yml: a list of destinations under {@code forwarders:}, each checked completely (unknown keys are
 * typos and refused, a secret named by {@code *_env} must be set, a query must parse). The first problem stops
 * start-up with a message naming the file, the destination and the key; a secret's value is never in a message.
 */
final class ForwardersFile {
  /** A hand-written file of a few destinations is a few kilobytes. */
  static final long MAX_BYTES = 1 << 20;
  /** More destinations than this is a mistake: each has a thread and a connection. */
  static final int MAX_DESTINATIONS = 32;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]{1,253}");
  /** RFC 5424 APP-NAME and HOSTNAME: printable US-ASCII without spaces (at most 48 and 255 characters). */
  private static final Pattern PRINTUSASCII = Pattern.compile("[\\x21-\\x7e]+");
  /** OpenSearch index names: lower case, none of \ / * ? " < > | space , #, not starting with - _ +. */
  private static final Pattern INDEX = Pattern.compile("[a-z0-9][a-z0-9._\\-]{0,200}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private static final List<String> FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog", "lpr",
      "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron", "local0", "local1",
      "local2", "local3", "local4", "local5", "local6", "local7");

  private static final Set<String> COMMON = Set.of("name", "type", "send", "query", "start", "batch_size", "tls");
  private static final Map<Destination.Type, Set<String>> KEYS = Map.of(
      Destination.Type.SPLUNK_HEC, Set.of("url", "token", "token_env", "index", "sourcetype", "source", "host"),
      Destination.Type.SYSLOG, Set.of("host", "port", "facility", "app_name", "hostname"),
      Destination.Type.OPENSEARCH, Set.of("url", "username", "password", "password_env", "api_key", "api_key_env",
          "indices"));
  private static final Set<String> TLS_KEYS = Set.of("enabled", "ca_file", "cert_file", "key_file");

  private final Path file;
  private final ForwardConfig config;
  private final Map<String, String> env;
  private final Clock clock;

  private ForwardersFile(Path file, ForwardConfig config, Map<String, String> env, Clock clock) {
    this.file = file;
    this.config = config;
    this.env = env;
    this.clock = clock;
  }

  /**
   * The destinations of {@code file}; none when it does not exist.
   *
   * @throws ConfigException naming the file, the destination and the problem
   */
  static List<Destination> load(Path file, ForwardConfig config, Map<String, String> env, Clock clock) {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ConfigException("invalid forwarders file " + file + ": larger than " + MAX_BYTES + " bytes");
      }
      return parse(Files.readString(file), file, config, env, clock);
    } catch (IOException e) {
      throw new ConfigException("invalid forwarders file " + file + ": cannot read it: " + e.getMessage());
    }
  }

  /** Parses the text of a forwarders file ({@code file} names it in messages). */
  static List<Destination> parse(String yaml, Path file, ForwardConfig config, Map<String, String> env, Clock clock) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new ConfigException("invalid forwarders file " + file + ": not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    ForwardersFile f = new ForwardersFile(file, config, env, clock);
    if (root == null || root.isNull() || root.isMissingNode()) {
      return List.of();
    }
    if (!root.isObject()) {
      throw f.problem(null, "expected a mapping with a 'forwarders' list at the top level");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("forwarders")) {
        throw f.problem(null, "unknown key '" + k + "' at the top level (expected 'forwarders')");
      }
    }
    JsonNode list = root.path("forwarders");
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw f.problem(null, "'forwarders' must be a list of destinations");
    }
    if (list.size() > MAX_DESTINATIONS) {
      throw f.problem(null, "more than " + MAX_DESTINATIONS + " destinations");
    }
    List<Destination> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode n : list) {
      i++;
      Destination d = f.destination(n, i);
      if (!names.add(d.name())) {
        throw f.problem(d.name(), "the name is used twice");
      }
      out.add(d);
    }
    return List.copyOf(out);
  }

  private ConfigException problem(String destination, String what) {
    return new ConfigException("invalid forwarders file " + file + ": "
        + (destination == null ? "" : "forwarder '" + destination + "': ") + what);
  }

  private Destination destination(JsonNode n, int position) {
    if (!n.isObject()) {
      throw problem("#" + position, "each destination must be a mapping (name, type, ...)");
    }
    String name = text(n, "name", "#" + position);
    if (name == null || !NAME.matcher(name).matches()) {
      throw problem("#" + position, "name must be 1-40 lower-case letters, digits, '-' or '_', was "
          + (name == null ? "missing" : "'" + name + "'"));
    }
    String typeWord = text(n, "type", name);
    Destination.Type type = null;
    for (Destination.Type t : Destination.Type.values()) {
      if (t.word.equals(typeWord)) {
        type = t;
      }
    }
    if (type == null) {
      throw problem(name, "type must be splunk_hec, syslog or opensearch, was "
          + (typeWord == null ? "missing" : "'" + typeWord + "'"));
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!COMMON.contains(k) && !KEYS.get(type).contains(k)) {
        throw problem(name, "unknown key '" + k + "' for type " + type.word + " (known: "
            + new java.util.TreeSet<>(union(COMMON, KEYS.get(type))) + ")");
      }
    }
    Set<Kind> send = send(n.get("send"), name);
    String query = text(n, "query", name);
    if (query != null) {
      if (!send.contains(Kind.EVENTS)) {
        throw problem(name, "a query selects events, but 'send' does not include events");
      }
      try {
        EventFilter.of(query, clock);
      } catch (IllegalArgumentException e) {
        throw problem(name, "query: " + e.getMessage());
      }
      if (query.isBlank()) {
        query = null;
      }
    }
    String start = text(n, "start", name);
    if (start != null && !start.equals("end") && !start.equals("beginning")) {
      throw problem(name, "start must be 'end' (the default: what arrives from the first start on) or 'beginning' "
          + "(also what is already stored), was '" + start + "'");
    }
    int batch = n.has("batch_size") ? intIn(n, "batch_size", 1, 10_000, name) : config.batchSize();
    Destination.Tls tls = tls(n.get("tls"), name, type == Destination.Type.SYSLOG);
    URI url = null;
    String host = null;
    int port = 0;
    String token = null;
    String username = null;
    String password = null;
    String apiKey = null;
    String index = null;
    String sourcetype = null;
    String source = "phosor";
    int facility = 16;
    String appName = "phosor";
    String hostname = null;
    Map<Kind, String> indices = new EnumMap<>(Kind.class);
    switch (type) {
      case SPLUNK_HEC -> {
        url = url(n, name);
        token = secret(n, "token", name, true);
        index = shortText(n, "index", name);
        sourcetype = shortText(n, "sourcetype", name);
        if (n.has("source")) {
          source = shortText(n, "source", name);
        }
        hostname = shortText(n, "host", name);
      }
      case SYSLOG -> {
        host = text(n, "host", name);
        if (host == null || !HOST.matcher(host).matches()) {
          throw problem(name, "host must be a host name or IP address, was " + (host == null ? "missing" : "'" + host
              + "'"));
        }
        if (!n.has("port")) {
          throw problem(name, "port is missing (6514 is the usual port for syslog over TLS, 514 or 601 for TCP)");
        }
        port = intIn(n, "port", 1, 65535, name);
        if (n.has("facility")) {
          facility = facility(n, name);
        }
        if (n.has("app_name")) {
          appName = printable(n, "app_name", 48, name);
        }
        if (n.has("hostname")) {
          hostname = printable(n, "hostname", 255, name);
        }
      }
      case OPENSEARCH -> {
        url = url(n, name);
        username = shortText(n, "username", name);
        password = secret(n, "password", name, false);
        apiKey = secret(n, "api_key", name, false);
        if ((username == null) != (password == null)) {
          throw problem(name, "basic authentication needs both username and password (or password_env)");
        }
        if (username != null && apiKey != null) {
          throw problem(name, "set either username/password or api_key, not both");
        }
        indices.put(Kind.EVENTS, "phosor-events-{yyyy.MM.dd}");
        indices.put(Kind.ALERTS, "phosor-alerts");
        indices.put(Kind.INCIDENTS, "phosor-incidents");
        JsonNode idx = n.get("indices");
        if (idx != null && !idx.isNull()) {
          if (!idx.isObject()) {
            throw problem(name, "indices must be a mapping of events, alerts, incidents to index names");
          }
          for (Iterator<Map.Entry<String, JsonNode>> it = idx.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Kind k = kind(e.getKey(), name, "indices");
            String v = e.getValue().asText();
            if (!INDEX.matcher(v.replace("{yyyy.MM.dd}", "2026.01.01")).matches()) {
              throw problem(name, "indices." + e.getKey() + ": '" + v + "' is not a valid index name (lower case "
                  + "letters, digits, '.', '-', '_'; {yyyy.MM.dd} for the day)");
            }
            indices.put(k, v);
          }
        }
      }
      default -> throw new IllegalStateException(type.toString());
    }
    if (url != null && tls != Destination.Tls.NONE && !"https".equalsIgnoreCase(url.getScheme())) {
      throw problem(name, "tls options apply to an https:// url; this url is http://");
    }
    return new Destination(name, type, url, host, port, tls, send, query, "beginning".equals(start), batch, token,
        username, password, apiKey, index, sourcetype, source, facility, appName, hostname, indices);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> s = new HashSet<>(a);
    s.addAll(b);
    return s;
  }

  private Set<Kind> send(JsonNode n, String name) {
    if (n == null || n.isNull()) {
      throw problem(name, "send is missing: say what to send (alerts, incidents, events)");
    }
    EnumSet<Kind> out = EnumSet.noneOf(Kind.class);
    if (n.isArray()) {
      for (JsonNode x : n) {
        out.add(kind(x.asText(), name, "send"));
      }
    } else {
      for (String w : n.asText().split(",")) {
        out.add(kind(w.trim(), name, "send"));
      }
    }
    if (out.isEmpty()) {
      throw problem(name, "send is empty: say what to send (alerts, incidents, events)");
    }
    return out;
  }

  private Kind kind(String word, String name, String key) {
    for (Kind k : Kind.values()) {
      if (k.word().equals(word.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw problem(name, key + ": '" + word + "' is not one of alerts, incidents, events");
  }

  private String text(JsonNode n, String key, String name) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw problem(name, key + " must be a single value");
    }
    return v.asText();
  }

  private String shortText(JsonNode n, String key, String name) {
    String v = text(n, key, name);
    if (v != null && (v.isEmpty() || v.length() > 200 || v.chars().anyMatch(c -> c < 0x20))) {
      throw problem(name, key + " must be 1-200 characters without control characters");
    }
    return v;
  }

  private String printable(JsonNode n, String key, int max, String name) {
    String v = text(n, key, name);
    if (v == null || v.length() > max || !PRINTUSASCII.matcher(v).matches()) {
      throw problem(name, key + " must be 1-" + max + " printable ASCII characters without spaces (RFC 5424)");
    }
    return v;
  }

  private int intIn(JsonNode n, String key, int min, int max, String name) {
    JsonNode v = n.get(key);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() && !v.asText().matches("-?\\d+")) {
      throw problem(name, key + " must be a whole number between " + min + " and " + max);
    }
    int i = v.asInt();
    if (i < min || i > max) {
      throw problem(name, key + " must be between " + min + " and " + max + ", was " + i);
    }
    return i;
  }

  private int facility(JsonNode n, String name) {
    JsonNode v = n.get("facility");
    if (v.isIntegralNumber()) {
      return intIn(n, "facility", 0, 23, name);
    }
    int i = FACILITIES.indexOf(v.asText().toLowerCase(Locale.ROOT));
    if (i < 0) {
      throw problem(name, "facility must be 0-23 or a name such as local0, auth, authpriv, was '" + v.asText() + "'");
    }
    return i;
  }

  /** An http(s) URL without credentials or query in it (those belong in the secret keys); never echoed. */
  private URI url(JsonNode n, String name) {
    String v = text(n, "url", name);
    if (v == null) {
      throw problem(name, "url is missing");
    }
    URI u;
    try {
      u = new URI(v);
    } catch (URISyntaxException e) {
      throw problem(name, "url is not a valid URL");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
      throw problem(name, "url must be an http:// or https:// URL with a host");
    }
    if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null) {
      throw problem(name, "url must not carry credentials, a query or a fragment (use the token, username, "
          + "password and api_key keys, with *_env for secrets)");
    }
    return u;
  }

  /**
   * A secret from {@code key} (in the file) or {@code key_env} (the name of an environment variable holding it); the
   * value is never echoed.
   */
  private String secret(JsonNode n, String key, String name, boolean required) {
    String inline = text(n, key, name);
    String envName = text(n, key + "_env", name);
    if (inline != null && envName != null) {
      throw problem(name, "set either " + key + " or " + key + "_env, not both");
    }
    String v = inline;
    if (envName != null) {
      if (!ENV_NAME.matcher(envName).matches()) {
        throw problem(name, key + "_env must name an environment variable, was '" + envName + "'");
      }
      v = env.get(envName);
      if (v == null || v.isEmpty()) {
        throw problem(name, key + "_env names " + envName + ", which is not set in the environment");
      }
    }
    if (v == null) {
      if (required) {
        throw problem(name, key + " is missing (set " + key + "_env to the name of an environment variable that holds "
            + "it)");
      }
      return null;
    }
    if (v.length() > 4096 || !PRINTUSASCII.matcher(v).matches()) {
      throw problem(name, key + " must be printable ASCII without spaces (at most 4096 characters)");
    }
    return v;
  }

  private Destination.Tls tls(JsonNode n, String name, boolean syslog) {
    if (n == null || n.isNull()) {
      return Destination.Tls.NONE;
    }
    if (!n.isObject()) {
      throw problem(name, "tls must be a mapping (enabled, ca_file, cert_file, key_file)");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!TLS_KEYS.contains(k)) {
        throw problem(name, "unknown key 'tls." + k + "' (known: " + new java.util.TreeSet<>(TLS_KEYS) + ")");
      }
    }
    boolean enabled = true;
    if (n.has("enabled")) {
      if (!n.get("enabled").isBoolean()) {
        throw problem(name, "tls.enabled must be true or false");
      }
      enabled = n.get("enabled").asBoolean();
      if (!syslog) {
        throw problem(name, "tls.enabled is for syslog; an HTTP destination uses TLS when its url is https://");
      }
    }
    Path ca = file(n, "ca_file", name);
    Path cert = file(n, "cert_file", name);
    Path key = file(n, "key_file", name);
    if ((cert == null) != (key == null)) {
      throw problem(name, "a client certificate needs both tls.cert_file and tls.key_file");
    }
    return new Destination.Tls(enabled, ca, cert, key);
  }

  private Path file(JsonNode n, String key, String name) {
    String v = text(n, key, name);
    if (v == null) {
      return null;
    }
    Path p = Path.of(v);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw problem(name, "tls." + key + ": file '" + v + "' does not exist or is not readable");
    }
    return p;
  }
}
