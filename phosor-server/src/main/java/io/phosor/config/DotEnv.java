package io.phosor.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code .env} file: the configuration layer between phosor.yml and the real environment (built-in defaults <
 * phosor.yml < .env < environment variables), as in both seeds. The usual dotenv syntax, one variable per line:
 *
 * <ul>
 *   <li>{@code NAME=value}, optionally {@code export NAME=value}; blanks around the name and the {@code =} are
 *       ignored; blank lines and lines starting with {@code #} are comments;
 *   <li>an unquoted value ends at the end of the line or at a {@code #} preceded by a blank (a comment), and is
 *       trimmed;
 *   <li>{@code 'single quotes'} keep the text exactly; {@code "double quotes"} know the escapes {@code \n \r \t
 *       \" \\ \$}; after the closing quote only a comment may follow. Values are on one line;
 *   <li>{@code $NAME} is not expanded (a {@code $} is an ordinary character); a name given twice: the last wins.
 * </ul>
 *
 * A malformed line stops start-up with a message naming the file and the line, never the value (values are often
 * secrets). The file is bounded ({@link #MAX_BYTES}) and must be UTF-8.
 */
public final class DotEnv {
  /** The file name looked for in the working directory. */
  public static final String FILE_NAME = ".env";
  /** A .env with every setting and long comments is a few tens of KiB; more is not a configuration file. */
  static final int MAX_BYTES = 256 * 1024;
  /** Portable environment variable names (POSIX: letters, digits, underscore; no leading digit). */
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Names are echoed in messages; a longer one is not a variable name but text that lost its '='. */
  private static final int MAX_NAME_CHARS = 128;

  private static final DotEnv NONE = new DotEnv(null, Map.of(), Map.of());

  private final Path file;
  private final Map<String, String> values;
  private final Map<String, Integer> lines;

  private DotEnv(Path file, Map<String, String> values, Map<String, Integer> lines) {
    this.file = file;
    this.values = Collections.unmodifiableMap(values);
    this.lines = Collections.unmodifiableMap(lines);
  }

  /** No .env file: an empty layer. */
  public static DotEnv none() {
    return NONE;
  }

  /** {@code ./.env} when it exists, else {@link #none()}; throws {@link ConfigException} when it is malformed. */
  public static DotEnv inWorkingDirectory() {
    Path p = Path.of(FILE_NAME);
    return Files.exists(p) ? read(p) : NONE;
  }

  /** Reads and checks {@code file}; throws {@link ConfigException} naming the file and line of any problem. */
  public static DotEnv read(Path file) {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException("invalid configuration: " + file + ": not a regular file");
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new ConfigException("invalid configuration: " + file + ": " + size + " bytes is larger than the "
            + MAX_BYTES + " bytes a .env file may have");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("invalid configuration: " + file + ": cannot read it: " + e.getMessage());
    }
    if (bytes.length > MAX_BYTES) { // grew while we read it
      throw new ConfigException("invalid configuration: " + file + ": larger than the " + MAX_BYTES
          + " bytes a .env file may have");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException("invalid configuration: " + file + ": not valid UTF-8");
    }
    return parse(file, text);
  }

  /** Parses .env text; {@code file} names it in messages. */
  static DotEnv parse(Path file, String text) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Integer> lines = new HashMap<>();
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    int lineNo = 0;
    int pos = 0;
    while (pos <= t.length()) {
      int nl = t.indexOf('\n', pos);
      int end = nl < 0 ? t.length() : nl;
      String line = t.substring(pos, end);
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      lineNo++;
      parseLine(file, lineNo, line, values, lines);
      if (nl < 0) {
        break;
      }
      pos = nl + 1;
    }
    return new DotEnv(file, values, lines);
  }

  private static void parseLine(Path file, int lineNo, String line, Map<String, String> values,
      Map<String, Integer> lines) {
    String where = "invalid configuration: " + file + " line " + lineNo + ": ";
    if (line.indexOf('\0') >= 0) {
      throw new ConfigException(where + "contains a NUL character");
    }
    String s = line.strip();
    if (s.isEmpty() || s.charAt(0) == '#') {
      return;
    }
    if (s.startsWith("export ") || s.startsWith("export\t")) {
      s = s.substring(7).stripLeading();
    }
    int eq = s.indexOf('=');
    if (eq < 0) {
      throw new ConfigException(where + "expected NAME=VALUE, found no '='");
    }
    String name = s.substring(0, eq).strip();
    if (name.isEmpty()) {
      throw new ConfigException(where + "expected NAME=VALUE, found no name before '='");
    }
    if (name.length() > MAX_NAME_CHARS || !NAME.matcher(name).matches()) {
      String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
      throw new ConfigException(where + "'" + shown + "' is not a variable name (letters, digits and '_', not "
          + "starting with a digit)");
    }
    String raw = s.substring(eq + 1);
    String v = raw.stripLeading();
    // "NAME= # note" is an empty value with a comment; "NAME=#x" is the value "#x"
    String value = v.startsWith("#") && v.length() < raw.length() ? "" : value(where + name + ": ", v);
    values.put(name, value);
    lines.put(name, lineNo);
  }

  private static String value(String where, String v) {
    if (v.isEmpty()) {
      return "";
    }
    char q = v.charAt(0);
    if (q == '\'') {
      int close = v.indexOf('\'', 1);
      if (close < 0) {
        throw new ConfigException(where + "the single quote is not closed on this line (values are on one line)");
      }
      afterQuote(where, v, close + 1);
      return v.substring(1, close);
    }
    if (q == '"') {
      StringBuilder sb = new StringBuilder(v.length());
      for (int i = 1; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"') {
          afterQuote(where, v, i + 1);
          return sb.toString();
        }
        if (c == '\\' && i + 1 < v.length()) {
          char n = v.charAt(++i);
          switch (n) {
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case 't' -> sb.append('\t');
            case '"', '\\', '$', '\'' -> sb.append(n);
            default -> sb.append('\\').append(n);
          }
        } else {
          sb.append(c);
        }
      }
      throw new ConfigException(where + "the double quote is not closed on this line (values are on one line; "
          + "write \\n for a line break)");
    }
    int hash = -1;
    for (int i = 1; i < v.length(); i++) {
      if (v.charAt(i) == '#' && (v.charAt(i - 1) == ' ' || v.charAt(i - 1) == '\t')) {
        hash = i;
        break;
      }
    }
    return (hash < 0 ? v : v.substring(0, hash)).strip();
  }

  private static void afterQuote(String where, String v, int from) {
    String rest = v.substring(from).strip();
    if (!rest.isEmpty() && rest.charAt(0) != '#') {
      throw new ConfigException(where + "unexpected text after the closing quote (only a # comment may follow)");
    }
  }

  /** The variables, in file order. */
  public Map<String, String> values() {
    return values;
  }

  /** The file read, or null for {@link #none()}. */
  public Path file() {
    return file;
  }

  /** The real environment over this file: every variable of both, the environment winning. */
  public Map<String, String> under(Map<String, String> environment) {
    if (values.isEmpty()) {
      return environment;
    }
    Map<String, String> out = new HashMap<>(values);
    out.putAll(environment);
    return Collections.unmodifiableMap(out);
  }

  /** Where {@code name} was set, for messages: ".env line 7 (PHOSOR_HTTP_PORT)". */
  String origin(String name) {
    Integer line = lines.get(name);
    return file + " line " + line + " (" + name + ")";
  }

  /** The line {@code name} was set on, or -1. */
  int line(String name) {
    Integer line = lines.get(name);
    return line == null ? -1 : line;
  }

  /** Names the file and the number of variables, never a value. */
  @Override
  public String toString() {
    return "DotEnv[" + (file == null ? "none" : file + ", " + values.size() + " variables") + "]";
  }
}
