package io.phosor.redact;

import static io.phosor.redact.Chars.alnum;
import static io.phosor.redact.Chars.space;
import static io.phosor.redact.Chars.startsWithIgnoreCase;

/**
 * Secrets in key/value text: {@code password=...}, {@code passwd: ...}, {@code "api_key": "..."},
 * {@code secret := "..."}, {@code token => '...'}, {@code db_pass == "..."} and {@code "..." != password}.
 * The key is kept and only the value is reported. An AWS secret access key (40 base64 chars) under an
 * {@code aws_*secret*}/{@code aws_*key*} key is reported as {@link PiiType#AWS_KEY}. Keys are matched by
 * keyword (the keyword list follows detect-secrets' KeywordDetector, narrowed for logs: "pass" and "pwd"
 * only as a whole word part, "token" only as the last part), values that are placeholders, booleans,
 * templates or already redacted are skipped.
 */
final class AssignmentRules {
  private AssignmentRules() {}

  /** Longest key looked at. */
  private static final int MAX_KEY = 64;
  /** Longest value looked at; longer values are redacted up to this length and the rest is kept. */
  private static final int MAX_VALUE = 1024;

  private static final int NONE = 0;
  private static final int SECRET = 1;
  private static final int PWD = 2;

  private static final int ASSIGN = 0;
  private static final int COLON = 1;
  private static final int CMP = 2;

  private static final String[] PLACEHOLDERS = {
    "null", "none", "nil", "true", "false", "undefined", "redacted", "[redacted]", "<redacted>", "empty",
    "yes", "no", "on", "off", "enabled", "disabled", "required", "optional", "n/a", "%s",
    "filtered", "[filtered]", "hidden", "[hidden]", "masked", "[masked]", "removed", "[removed]", "unset", "not set"
  };

  /**
   * Receivers that make an unquoted value a reference to a variable, a setting or the environment in code
   * or a config dump ({@code password=self.password}, {@code secret = os.environ["X"]}), not the secret.
   */
  private static final String[] RECEIVERS = {
    "self.", "this.", "os.environ", "process.env.", "ENV[", "env.", "config.", "settings.", "args.", "opts.",
    "options.", "params.", "params[", "System.getenv", "secrets."
  };

  /** Entered at '=', ':' or '!'; returns where scanning continues (the value is scanned too). */
  static int at(String s, int p, Hits hits) {
    int n = s.length();
    char c = s.charAt(p);
    if (p > 0 && "=!:<>".indexOf(s.charAt(p - 1)) >= 0) {
      return p + 1;
    }
    int kind;
    int opEnd;
    char c1 = p + 1 < n ? s.charAt(p + 1) : 0;
    if (c == ':') {
      if (c1 == '=') {
        kind = ASSIGN;
        opEnd = p + 2;
      } else if (c1 == '/' && p + 2 < n && s.charAt(p + 2) == '/') {
        return TokenRules.urlUserinfo(s, p, hits);
      } else {
        kind = COLON;
        opEnd = p + 1;
      }
    } else if (c == '=') {
      if (c1 == '=') {
        kind = CMP;
        opEnd = p + 2 < n && s.charAt(p + 2) == '=' ? p + 3 : p + 2;
      } else if (c1 == '>') {
        kind = ASSIGN;
        opEnd = p + 2;
      } else {
        kind = ASSIGN;
        opEnd = p + 1;
      }
    } else if (c == '!' && c1 == '=') {
      kind = CMP;
      opEnd = p + 2 < n && s.charAt(p + 2) == '=' ? p + 3 : p + 2;
    } else {
      return p + 1;
    }

    // key side, walking back: spaces, up to two closing quotes/brackets (or C "[25]"), the identifier
    int k = p - 1;
    int ws = 0;
    while (k >= 0 && (s.charAt(k) == ' ' || s.charAt(k) == '\t') && ws < 8) {
      k--;
      ws++;
    }
    boolean quotedKey = false;
    if (kind == ASSIGN && k >= 0 && s.charAt(k) == ']') {
      int b = k - 1;
      while (b >= 0 && Chars.digit(s.charAt(b)) && k - b < 8) {
        b--;
      }
      if (b >= 0 && s.charAt(b) == '[') {
        k = b - 1;
      }
    }
    for (int closing = 0; closing < 2 && k >= 0; closing++) {
      char q = s.charAt(k);
      if (q == '"' || q == '\'') {
        quotedKey = true;
        k--;
      } else if (q == ']' && closing == 0 && kind != COLON) {
        k--;
      } else {
        break;
      }
    }
    int idEnd = k + 1;
    while (k >= 0 && idChar(s.charAt(k)) && idEnd - k <= MAX_KEY) {
      k--;
    }
    int idStart = k + 1;
    int key = idEnd - idStart > MAX_KEY ? NONE : keyKind(s, idStart, idEnd);
    if (key == NONE) {
      if (kind == CMP) {
        reversed(s, p, opEnd, hits);
      }
      return opEnd;
    }

    // value side
    int v = opEnd;
    int ws2 = 0;
    while (v < n && (s.charAt(v) == ' ' || s.charAt(v) == '\t') && ws2 < 8) {
      v++;
      ws2++;
    }
    if (v < n - 1 && s.charAt(v) == '@' && quote(s.charAt(v + 1))) {
      v++;
    }
    int valStart;
    int valEnd;
    boolean quoted = v < n && quote(s.charAt(v));
    if (quoted) {
      int close = closingQuote(s, v);
      valStart = v + 1;
      valEnd = close >= 0 ? close : unquotedEnd(s, valStart);
    } else {
      if (kind == CMP || (kind == COLON && !quotedKey && ws2 == 0)) {
        return opEnd;
      }
      valStart = v;
      valEnd = kind == COLON ? colonValueEnd(s, v) : unquotedEnd(s, v);
    }
    if (!acceptable(s, valStart, valEnd, key, kind == COLON && !quoted)
        || (!quoted && reference(s, valStart, valEnd, idStart, idEnd))) {
      return opEnd;
    }
    PiiType type = awsKey(s, idStart, idEnd) && awsSecret(s, valStart, valEnd) ? PiiType.AWS_KEY : PiiType.PASSWORD;
    hits.add(type, valStart, valEnd);
    return opEnd;
  }

  /** Entered at a quote preceded by whitespace: {@code private_key "value";} (config statement form). */
  static int statement(String s, int q, Hits hits) {
    int k = q - 1;
    int ws = 0;
    while (k >= 0 && space(s.charAt(k)) && ws < 8) {
      k--;
      ws++;
    }
    int idEnd = k + 1;
    while (k >= 0 && idChar(s.charAt(k)) && idEnd - k <= MAX_KEY) {
      k--;
    }
    if (idEnd == k + 1 || keyKind(s, k + 1, idEnd) == NONE) {
      return q + 1;
    }
    int close = closingQuote(s, q);
    if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ';'
        || !acceptable(s, q + 1, close, SECRET, false)) {
      return q + 1;
    }
    hits.add(PiiType.PASSWORD, q + 1, close);
    return close + 1;
  }

  /** {@code "value" == password}: the quoted value on the left of a comparison with a secret key. */
  private static void reversed(String s, int p, int opEnd, Hits hits) {
    int k = p - 1;
    while (k >= 0 && s.charAt(k) == ' ' && p - k < 8) {
      k--;
    }
    if (k < 1 || !quote(s.charAt(k))) {
      return;
    }
    int open = s.lastIndexOf(s.charAt(k), k - 1);
    if (open < 0 || k - open > MAX_VALUE) {
      return;
    }
    int v = opEnd;
    while (v < s.length() && s.charAt(v) == ' ' && v - opEnd < 8) {
      v++;
    }
    int idEnd = v;
    while (idEnd < s.length() && idChar(s.charAt(idEnd)) && idEnd - v <= MAX_KEY) {
      idEnd++;
    }
    if (idEnd > v && keyKind(s, v, idEnd) != NONE && acceptable(s, open + 1, k, SECRET, false)) {
      hits.add(PiiType.PASSWORD, open + 1, k);
    }
  }

  private static boolean idChar(char c) {
    return alnum(c) || c == '_' || c == '-' || c == '.' || c == 'ñ' || c == 'Ñ';
  }

  private static boolean quote(char c) {
    return c == '"' || c == '\'' || c == '`';
  }

  /** Index of the quote closing the one at {@code open} (backslash escapes skipped), or -1. */
  private static int closingQuote(String s, int open) {
    char q = s.charAt(open);
    int limit = Math.min(s.length(), open + 1 + MAX_VALUE);
    for (int k = open + 1; k < limit; k++) {
      char c = s.charAt(k);
      if (c == '\\') {
        k++;
      } else if (c == q) {
        return k;
      } else if (c == '\n') {
        return -1;
      }
    }
    return -1;
  }

  /**
   * End of an unquoted value after {@code key: } (YAML style): the rest of the line when no other
   * key/value separator follows on it ({@code secret: correct horse battery staple}), else as
   * {@link #unquotedEnd}.
   */
  private static int colonValueEnd(String s, int v) {
    int limit = Math.min(s.length(), v + MAX_VALUE);
    int end = v;
    for (int k = v; k < limit; k++) {
      char c = s.charAt(k);
      if (c == '\n' || c == '\r') {
        break;
      }
      if (c == ':' || c == '=' || c == '"' || c == '\'' || c == '`' || c == '&') {
        return unquotedEnd(s, v);
      }
      if (!space(c)) {
        end = k + 1;
      }
    }
    return end;
  }

  /** End of an unquoted value: whitespace, a quote, '&', or ',' / ';' that end the value. */
  private static int unquotedEnd(String s, int v) {
    int n = s.length();
    int limit = Math.min(n, v + MAX_VALUE);
    int k = v;
    while (k < limit) {
      char c = s.charAt(k);
      if (space(c) || c == '"' || c == '\'' || c == '`' || c == '&') {
        break;
      }
      if ((c == ',' || c == ';') && (k + 1 >= n || space(s.charAt(k + 1)) || Chars.alpha(s.charAt(k + 1)))) {
        break;
      }
      k++;
    }
    return k;
  }

  private static boolean acceptable(String s, int from, int to, int key, boolean colonUnquoted) {
    if (to <= from) {
      return false;
    }
    boolean letterOrDigit = false;
    for (int k = from; k < to && !letterOrDigit; k++) {
      letterOrDigit = Character.isLetterOrDigit(s.charAt(k));
    }
    if (!letterOrDigit) {
      return false;
    }
    char c0 = s.charAt(from);
    if (startsWithIgnoreCase(s, from, "${") || startsWithIgnoreCase(s, from, "{{") || startsWithIgnoreCase(s, from, "<%")
        || startsWithIgnoreCase(s, from, "#{") || startsWithIgnoreCase(s, from, "%(")) {
      return false;
    }
    int len = to - from;
    for (String p : PLACEHOLDERS) {
      if (p.length() == len && s.regionMatches(true, from, p, 0, len)) {
        return false;
      }
    }
    if (c0 == '[' && s.charAt(to - 1) == ']' && s.regionMatches(to - 9, "REDACTED]", 0, 9)) {
      return false;
    }
    if (placeholder(s, from, to)) {
      return false;
    }
    if (key == PWD && (c0 == '/' || c0 == '~')) {
      return false; // sudo's "PWD=/home/alice": the working directory, not a password
    }
    // "passwd: pam_unix(passwd:chauthtok): password changed for bob" (a program name, not a key)
    return !(colonUnquoted && (startsWithIgnoreCase(s, from, "pam_") || (len == 8 && startsWithIgnoreCase(s, from, "password"))));
  }

  /**
   * Placeholders that stand for a secret without holding one: {@code $DB_PASSWORD} (an environment
   * variable, upper case), {@code {}} / {@code {0}} / {@code {password}} (format fields),
   * {@code <password>} / {@code <your-token>}, {@code %d}-style format verbs, and masks made of x and *
   * ({@code xxxxxxxx}, {@code XXXX****}).
   */
  private static boolean placeholder(String s, int from, int to) {
    char c0 = s.charAt(from);
    char last = s.charAt(to - 1);
    int len = to - from;
    if (c0 == '$' && len >= 2) {
      for (int k = from + 1; k < to; k++) {
        char c = s.charAt(k);
        if (!((c >= 'A' && c <= 'Z') || Chars.digit(c) || c == '_')) {
          return false;
        }
      }
      return !Chars.digit(s.charAt(from + 1));
    }
    if ((c0 == '{' && last == '}') || (c0 == '<' && last == '>')) {
      for (int k = from + 1; k < to - 1; k++) {
        char c = s.charAt(k);
        if (!(alnum(c) || c == '_' || c == '-' || c == '.' || c == ':')) {
          return false;
        }
      }
      return true;
    }
    if (c0 == '%' && len == 2 && Chars.alpha(last)) {
      return true;
    }
    boolean x = false;
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c == 'x' || c == 'X') {
        x = true;
      } else if (c != '*') {
        return false;
      }
    }
    return x && len >= 3;
  }

  /**
   * Unquoted values that are code, not a secret: a call ({@code getpass()}, {@code os.getenv("PW")}), a
   * variable or setting ({@code self.password}, {@code os.environ["PW"]}, {@code process.env.PW}), or the
   * key's own name when that is a compound name ({@code db_password=db_password}, a keyword argument
   * passed on). A bare {@code password=password} stays redacted: "password" is the most common real
   * password.
   */
  private static boolean reference(String s, int from, int to, int keyFrom, int keyTo) {
    for (String r : RECEIVERS) {
      if (s.startsWith(r, from) && to - from > r.length() - (r.endsWith(".") ? 0 : 1)) {
        return true;
      }
    }
    // identifier or dotted name followed by "(" and a ")" later on the line
    char c0 = s.charAt(from);
    if (Chars.alpha(c0) || c0 == '_') {
      int k = from + 1;
      while (k < to && (Chars.word(s.charAt(k)) || s.charAt(k) == '.')) {
        k++;
      }
      if (k < to && s.charAt(k) == '(' && k - from >= 2) {
        int limit = Math.min(s.length(), k + MAX_VALUE);
        for (int j = k + 1; j < limit && s.charAt(j) != '\n'; j++) {
          if (s.charAt(j) == ')') {
            return true;
          }
        }
      }
    }
    int keyLen = keyTo - keyFrom;
    if (keyLen == to - from && s.regionMatches(false, keyFrom, s, from, keyLen)) {
      for (int k = keyFrom; k < keyTo; k++) {
        char c = s.charAt(k);
        if (c == '_' || c == '.' || c == '-' || (k > keyFrom && Character.isUpperCase(c) && Character.isLowerCase(s.charAt(k - 1)))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the key names a secret: SECRET, PWD (only "pwd", which may be a directory) or NONE. */
  static int keyKind(String s, int from, int to) {
    if (to - from < 2) {
      return NONE;
    }
    for (int k = from; k < to; k++) {
      char c = Character.toLowerCase(s.charAt(k));
      boolean hit = switch (c) {
        case 'p' -> has(s, k, to, "password") || has(s, k, to, "passwd") || has(s, k, to, "passphrase")
            || has(s, k, to, "private_key") || has(s, k, to, "privatekey") || has(s, k, to, "private-key")
            || has(s, k, to, "priv_key") || has(s, k, to, "privkey");
        case 's' -> has(s, k, to, "secret");
        case 'a' -> has(s, k, to, "apikey") || has(s, k, to, "api_key") || has(s, k, to, "api-key")
            || has(s, k, to, "access_key") || has(s, k, to, "accesskey") || has(s, k, to, "accountkey")
            || has(s, k, to, "account_key") || has(s, k, to, "auth_key") || has(s, k, to, "authkey");
        case 'c' -> has(s, k, to, "credential") || has(s, k, to, "client_key") || has(s, k, to, "contrasena")
            || has(s, k, to, "contraseña");
        case 'k' -> has(s, k, to, "keypass");
        default -> false;
      };
      if (hit) {
        return SECRET;
      }
    }
    if (to - from >= 5 && s.regionMatches(true, to - 5, "token", 0, 5)) {
      return SECRET;
    }
    // "pass" / "pwd" / "pswd" only as a whole part of the key: db_pass, dbPass, pwd (not bypass, passed)
    int partStart = from;
    for (int k = from; k <= to; k++) {
      boolean boundary = k == to || !Chars.alpha(s.charAt(k))
          || (k > from && Character.isUpperCase(s.charAt(k)) && Character.isLowerCase(s.charAt(k - 1)));
      if (boundary) {
        int len = k - partStart;
        if (len == 4 && (s.regionMatches(true, partStart, "pass", 0, 4) || s.regionMatches(true, partStart, "pswd", 0, 4))) {
          return SECRET;
        }
        if (len == 3 && s.regionMatches(true, partStart, "pwd", 0, 3)) {
          return to - from == 3 ? PWD : SECRET;
        }
        partStart = k < to && Chars.alpha(s.charAt(k)) ? k : k + 1;
      }
    }
    return NONE;
  }

  private static boolean has(String s, int k, int to, String word) {
    return to - k >= word.length() && s.regionMatches(true, k, word, 0, word.length());
  }

  private static boolean awsKey(String s, int from, int to) {
    return Chars.containsIgnoreCase(s, from, to, "aws")
        && (Chars.containsIgnoreCase(s, from, to, "secret") || Chars.containsIgnoreCase(s, from, to, "key"));
  }

  /** An AWS secret access key: exactly 40 chars of the base64 alphabet. */
  private static boolean awsSecret(String s, int from, int to) {
    if (to - from != 40) {
      return false;
    }
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (!(alnum(c) || c == '/' || c == '+')) {
        return false;
      }
    }
    return true;
  }
}
