package io.phosor.redact;

/**
 * A cheap, conservative first pass in front of {@link Scanner}'s full scan: one tight loop over the chars
 * that answers "could any enabled rule possibly record a finding in this text?". When it answers no, the
 * full scan would return nothing and is skipped; when it answers maybe, the full scan runs and stays the
 * single source of truth. It never decides that something IS a finding.
 *
 * <p>Every test below is a <em>necessary</em> condition of a rule recording a finding, read off the rule's
 * own code; it does not depend on where the full scan enters a rule. A condition is never stricter than the
 * rule (it may be looser: a looser test only costs a full scan). The conditions, by rule:
 * <ul>
 *   <li><b>Text outside ASCII</b>: maybe, always. Case-insensitive matching ({@code String.regionMatches(true,
 *       ...)}, {@code Character.toLowerCase}) folds some non-ASCII chars onto ASCII letters (U+0130 'İ' to
 *       'i', U+017F 'ſ' to 'S', U+212A Kelvin to 'k'), and {@code contraseña} is a key; the ASCII-only
 *       tests below would not see those.
 *   <li><b>PHONE</b> on: maybe, always (its shapes mix digits with {@code + ( ) - . space}; it is off by
 *       default and not worth a separate proof).
 *   <li><b>CREDIT_CARD</b> ({@link NumberRules#card}): 13-19 digits counted over one chain of digit runs
 *       joined by a single ' ' or '-' (it also needs one consistent separator, a prefix and Luhn: ignored).
 *       Test: a maximal chain of digit runs joined by single ' ' or '-' with at least 13 digits.
 *   <li><b>SSN</b> ({@link NumberRules#ssn}, entered with {@code len = runEnd - i}, a suffix of a digit run):
 *       (a) {@code len == 9}: a digit run of at least 9; (b) {@code len} 3 or 5, one '-' or ' ', then a run of
 *       exactly {@code 9 - len} digits: a run of at least 6 after a run of at least 3, or of at least 4 after
 *       a run of at least 5, joined by one ' ' or '-'; (c) {@code len == 3}, a separator in {@code - . space},
 *       a run of exactly 2, the same separator, a run of exactly 4: a run of at least 4 after a run of
 *       exactly 2 after a run of at least 3, each joined by one ' ', '-' or '.' (not necessarily the same).
 *       The first run may be a suffix of a longer one, hence "at least" there; the others are tested with
 *       "at least" too, which is looser than the rule and keeps the test true on longer texts (see #maybe).
 *   <li><b>INTERNAL_IP</b> ({@link NumberRules#ipv4}): a dotted quad: a '.' between two digits.
 *   <li><b>API_KEY, Telegram</b> ({@link NumberRules#telegram}): digits, ':', "AA": a ':' after a digit and
 *       before "AA".
 *   <li><b>Token prefixes</b> ({@link TokenRules}, entered at a letter): every rule but {@code basic} and
 *       {@code slackWebhook} requires that the char before its prefix is not a letter ({@code startsToken}:
 *       not alnum; {@code jwt}: not base64url; {@code bearer}: not alpha). Test: at every letter not preceded
 *       by a letter, the rule's literal prefix for its first char (same dispatch as {@code Scanner.wordStart}):
 *       {@code eyJ}; {@code AKIA ASIA ABIA ACCA A3T}; {@code gh[pousr]_}, {@code github_pat_}; {@code gl}
 *       with a '-' at offset 4, 5 or 6 (every GitLab prefix); {@code GR1348941}; {@code xox}, {@code xapp-};
 *       {@code sk_}, {@code rk_}, {@code sk-}, {@code sq0}; {@code npm_}; {@code pypi-AgE}; {@code SG.};
 *       {@code bearer} (ASCII case-insensitive).
 *   <li><b>PASSWORD, Basic auth</b> ({@code TokenRules.basic}, no boundary check): "basic " ignoring case at
 *       a ' ' after "basic" (ignoring case), with "authorization" somewhere before it.
 *   <li><b>SLACK_TOKEN, webhook</b> ({@code TokenRules.slackWebhook}, no boundary check): the text contains
 *       {@code .slack.com/services/} (tested at every '.').
 *   <li><b>PRIVATE_KEY</b> ({@code TokenRules.privateKey}): {@code -----BEGIN } at a '-'.
 *   <li><b>API_KEY, Mailchimp</b> ({@code TokenRules.mailchimp}): {@code -us} and a digit at a '-'.
 *   <li><b>PASSWORD, URL userinfo</b> ({@code TokenRules.urlUserinfo}): "://" and later an '@'.
 *   <li><b>PASSWORD / AWS_KEY, key and value</b> ({@link AssignmentRules}): every finding of {@code at},
 *       {@code statement} and {@code reversed} needs {@code keyKind(key) != NONE} for a key next to the
 *       operator, and every key {@code keyKind} accepts contains (ASCII case-insensitive) one of
 *       {@link #KEY_GRAMS} (password, passwd, passphrase, keypass and the part "pass" contain "pass"; every
 *       private key spelling "priv"; secret "secr"; apikey/api_key/api-key "api"; access_key/accesskey
 *       "acce"; accountkey/account_key "acco"; auth_key/authkey "auth"; credential "cred"; client_key
 *       "clie"; contrasena "cont"; the suffix token "toke"; the parts pswd and pwd). The key is found the way
 *       {@code at} finds it, loosened: back from the operator at most 8 {@link Chars#space} chars (the bound
 *       both rules use; {@code at} walks only ' ' and '\t', and where it stops at another space char its key
 *       is empty, so walking on loses nothing), then at most
 *       {@link #KEY_REACH} chars that are identifier chars, quotes or brackets (the key, at most 64, plus a
 *       {@code [25]} index and two closing quotes or brackets, at most 10). That region contains the key
 *       {@code at} or {@code statement} would use, so a key-gram found nowhere in it means NONE. For
 *       {@code ==}, {@code !=}, where {@code reversed} reads the key after the operator, the same region is
 *       taken after it. Tested at every '=', ':', '!' and at every quote after whitespace.
 *   <li><b>EMAIL</b> ({@link EmailRule}): an '@'.
 * </ul>
 * Immutable and thread-safe; it copies the text's chars into a per-thread scratch buffer ({@code getChars},
 * an intrinsic copy; no allocation for texts up to {@link #MAX_SCRATCH} chars) and walks them with a
 * 128-entry class table.
 */
final class Prefilter {
  /** Identifier/quote/bracket chars looked at next to an operator: key (64) + index and closings (10) + slack. */
  static final int KEY_REACH = 90;
  /** Longest whitespace run between a key and its operator that the assignment rules walk over. */
  private static final int MAX_WS = 8;
  /** ASCII lower-case substrings of which every secret key (see {@link AssignmentRules#keyKind}) holds one. */
  static final String[] KEY_GRAMS = {
    "pass", "priv", "secr", "api", "acce", "acco", "auth", "cred", "clie", "cont", "toke", "pswd", "pwd"
  };

  /**
   * The first two letters of each {@link #KEY_GRAMS} entry, as a set of {@code (c0 & 31) << 5 | (c1 & 31)}:
   * {@code & 31} maps upper and lower case to the same value (and some other chars with them, which only
   * makes the test looser).
   */
  private static final long[] GRAM_PAIRS = new long[16];

  static {
    for (String g : KEY_GRAMS) {
      int pair = (g.charAt(0) & 31) << 5 | (g.charAt(1) & 31);
      GRAM_PAIRS[pair >>> 6] |= 1L << pair;
    }
  }

  /** First two chars of each enabled token prefix, as a set of {@code c0 << 7 | c1} (see {@link #tokenPrefix}). */
  private final long[] prefixPairs = new long[256];
  /** Char classes of {@link #maybe}'s loop, by ASCII char. */
  private static final byte OTHER = 0;
  private static final byte LETTER = 1;
  private static final byte DIGIT = 2;
  /** ASCII punctuation at which {@link #punctuation} has a test for the enabled kinds. */
  private static final byte PUNCT = 3;
  /** {@link #keyChar} by ASCII char. */
  private static final boolean[] KEY_CHAR = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      KEY_CHAR[c] = keyChar(c);
    }
  }

  /**
   * Longest text copied into the per-thread {@link #SCRATCH} buffer (32 KiB of chars); a longer one is copied
   * into an array of its own, so one huge text does not pin a huge buffer to a thread.
   */
  static final int MAX_SCRATCH = 16_384;
  /** Per-thread copy of the text being looked at; {@link #maybe} does not nest, so one per thread is enough. */
  private static final ThreadLocal<char[]> SCRATCH = ThreadLocal.withInitial(() -> new char[512]);

  /** The class of each ASCII char for the enabled kinds. */
  private final byte[] cls = new byte[128];
  private final boolean always;
  private final boolean card;
  private final boolean ssn;
  private final boolean ip;
  private final boolean apiKey;
  private final boolean jwt;
  private final boolean aws;
  private final boolean github;
  private final boolean slack;
  private final boolean bearer;
  private final boolean password;
  private final boolean assignments;
  private final boolean privateKey;
  private final boolean email;

  Prefilter(boolean[] on) {
    card = on[PiiType.CREDIT_CARD.ordinal()];
    ssn = on[PiiType.SSN.ordinal()];
    ip = on[PiiType.INTERNAL_IP.ordinal()];
    apiKey = on[PiiType.API_KEY.ordinal()];
    jwt = on[PiiType.JWT.ordinal()];
    aws = on[PiiType.AWS_KEY.ordinal()];
    github = on[PiiType.GITHUB_TOKEN.ordinal()];
    slack = on[PiiType.SLACK_TOKEN.ordinal()];
    bearer = on[PiiType.BEARER_TOKEN.ordinal()];
    password = on[PiiType.PASSWORD.ordinal()];
    assignments = password || aws;
    privateKey = on[PiiType.PRIVATE_KEY.ordinal()];
    email = on[PiiType.EMAIL.ordinal()];
    always = on[PiiType.PHONE.ordinal()];
    if (jwt) {
      pairs("ey");
    }
    if (aws) {
      pairs("AK", "AS", "AB", "AC", "A3");
    }
    if (github) {
      pairs("gh", "gi");
    }
    if (apiKey) {
      pairs("gl", "GR", "sk", "sq", "rk", "np", "py", "SG");
    }
    if (slack) {
      pairs("xo", "xa");
    }
    if (bearer) {
      pairs("be", "bE", "Be", "BE");
    }
    boolean[] punct = new boolean[128];
    punct['='] = assignments;
    punct['!'] = assignments;
    punct[':'] = true; // also notes "://" for the URL userinfo test at '@'
    punct['"'] = password;
    punct['\''] = password;
    punct['-'] = privateKey || apiKey;
    punct['.'] = slack;
    punct['@'] = email || password;
    for (char c = 0; c < 128; c++) {
      cls[c] = letter(c) ? LETTER : Chars.digit(c) ? DIGIT : punct[c] ? PUNCT : OTHER;
    }
  }

  private void pairs(String... firstTwo) {
    for (String p : firstTwo) {
      int pair = p.charAt(0) << 7 | p.charAt(1);
      prefixPairs[pair >>> 6] |= 1L << pair;
    }
  }

  /**
   * False only when no enabled rule can record a finding in {@code s} (see the class comment).
   *
   * <p>On substrings: when this is false for a text {@code t}, it is false for every substring of {@code t}
   * that does not start right after a letter of {@code t} (at 0, or after a non-letter). Each test looks
   * only at chars of the substring and is "at least"-shaped (a digit run, chain or key region seen in the
   * substring is at most as long as the one around it in {@code t}, and the same separators and operators
   * are there); the one exception is the token-prefix test, made only at a letter that does not follow a
   * letter, which is why the substring must not start right after a letter. {@link Redactor#redact(io.phosor.event.Event)}
   * relies on this; the differential test checks it.
   */
  boolean maybe(String s) {
    if (always) {
      return true;
    }
    // the chars in a reusable buffer (an intrinsic copy, no allocation); a char outside ASCII makes the
    // text "maybe" when the loop reaches it (see the class comment), so only the outer loop looks at it
    // and the inner loops stop at it
    int n = s.length();
    char[] b = chars(n);
    s.getChars(0, n, b, 0);
    byte[] cls = this.cls;
    boolean scheme = false; // "://" seen
    int i = 0;
    while (i < n) {
      char c0 = b[i];
      if (c0 >= 0x80) {
        return true;
      }
      int k = cls[c0];
      if (k == OTHER) {
        i++;
        continue;
      }
      if (k == LETTER) {
        // a run of letters: the char before it is not a letter (see the class comment, token prefixes).
        // Every token prefix is 3+ chars long; its first two chars are in prefixPairs (a superset test).
        int start = i;
        if (i + 1 < n) {
          // (a non-ASCII second char is folded into ASCII here; the outer loop answers maybe at it anyway)
          int pair = c0 << 7 | (b[i + 1] & 0x7F);
          if ((prefixPairs[pair >>> 6] & (1L << pair)) != 0 && tokenPrefix(s, i, c0)) {
            return true;
          }
        }
        i++;
        while (i < n && is(cls, b[i], LETTER)) {
          i++;
        }
        // "basic " ends a run of letters with "basic" and a space
        if (password && i < n && b[i] == ' ' && i - start >= 5 && (b[i - 1] | 0x20) == 'c' && basic(s, i - 5)) {
          return true;
        }
        continue;
      }
      if (k == DIGIT) {
        // a chain of digit runs, each joined to the next by one separator followed by a digit
        int prev = 0; // length of the previous run when joined to the current one, else 0
        int prevSep = 0; // the separator between the previous run and the current one, 0 when not joined
        int prev2 = 0; // length of the run before the previous one when joined to it, else 0
        int chain = 0; // digits of the runs joined by single ' ' or '-' before the current run
        while (true) {
          int start = i;
          i++;
          while (i < n && is(cls, b[i], DIGIT)) {
            i++;
          }
          int run = i - start;
          if (runEnds(run, prev, prevSep, prev2, chain + run)) {
            return true;
          }
          int sep = i + 1 < n && is(cls, b[i + 1], DIGIT) ? b[i] : 0;
          if (sep == ' ' || sep == '-') {
            prev2 = prevSep != 0 ? prev : 0;
            prev = run;
            prevSep = sep;
            chain += run;
          } else if (sep == '.') {
            if (ip) {
              return true;
            }
            prev2 = prevSep != 0 ? prev : 0;
            prev = run;
            prevSep = sep;
            chain = 0;
          } else {
            break; // the char after the run gets its own look
          }
          i++; // the joining ' ', '-' or '.': a digit follows, and none of the tests below fires on it
        }
        continue;
      }
      // PUNCT
      char c = c0;
      if (punctuation(s, b, n, i, c, scheme)) {
        return true;
      }
      if (c == ':' && i + 2 < n && b[i + 1] == '/' && b[i + 2] == '/') {
        scheme = true;
      }
      i++;
    }
    return false;
  }

  /** The scratch buffer of this thread, at least {@code n} chars long. */
  private static char[] chars(int n) {
    if (n > MAX_SCRATCH) {
      return new char[n];
    }
    char[] b = SCRATCH.get();
    if (b.length < n) {
      b = new char[Math.max(n, Math.min(MAX_SCRATCH, b.length * 2))];
      SCRATCH.set(b);
    }
    return b;
  }

  /** {@code c} is ASCII and in class {@code k}. */
  private static boolean is(byte[] cls, char c, int k) {
    return c < 0x80 && cls[c] == k;
  }

  /**
   * The tests made at a punctuation char {@code c} at {@code i} that {@link #punct} marks; {@code b} holds the
   * text's {@code n} chars (and maybe more after them), every one before {@code i} ASCII.
   */
  private boolean punctuation(String s, char[] b, int n, int i, char c, boolean scheme) {
    switch (c) {
      case '=', '!' -> {
        if (assignments && (keyBefore(b, i) || (i + 1 < n && b[i + 1] == '=' && keyAfter(b, n, i + 2)))) {
          return true;
        }
      }
      case ':' -> {
        if (apiKey && i > 0 && cls[b[i - 1]] == DIGIT && i + 2 < n && b[i + 1] == 'A' && b[i + 2] == 'A') {
          return true;
        }
        if (assignments && keyBefore(b, i)) {
          return true;
        }
      }
      case '"', '\'' -> {
        if (password && i > 0 && Chars.space((char) b[i - 1]) && keyBefore(b, i)) {
          return true;
        }
      }
      case '-' -> {
        if (i + 3 < n && s.charAt(i + 1) == '-' ? privateKey && s.startsWith("-----BEGIN ", i)
            : apiKey && s.startsWith("-us", i) && Chars.digitAt(s, i + 3)) {
          return true;
        }
      }
      case '.' -> {
        if (slack && i + 1 < n && s.charAt(i + 1) == 's' && s.startsWith(".slack.com/services/", i)) {
          return true;
        }
      }
      case '@' -> {
        if (email || (password && scheme)) {
          return true;
        }
      }
      default -> { }
      }
    return false;
  }

  /** ASCII letter. */
  private static boolean letter(char c) {
    return (char) ((c | 0x20) - 'a') < 26;
  }

  /** The digit-run conditions of CREDIT_CARD and SSN, evaluated where a run of {@code run} digits ends. */
  private boolean runEnds(int run, int prev, int prevSep, int prev2, int chain) {
    if (card && chain >= 13) {
      return true;
    }
    if (!ssn) {
      return false;
    }
    if (run >= 9) {
      return true;
    }
    // "at least" where the rule needs an exact length: the test stays true on any text that contains
    // this one (see #maybe on substrings)
    if (prevSep == ' ' || prevSep == '-') {
      if ((run >= 6 && prev >= 3) || (run >= 4 && prev >= 5)) {
        return true;
      }
    }
    return run >= 4 && prev == 2 && prev2 >= 3;
  }

  /** Literal prefixes of the token rules that start at a letter (see {@code Scanner.wordStart}). */
  private boolean tokenPrefix(String s, int i, char c) {
    return switch (c) {
      case 'e' -> jwt && s.startsWith("eyJ", i);
      case 'A' -> aws && (s.startsWith("AKIA", i) || s.startsWith("ASIA", i) || s.startsWith("ABIA", i)
          || s.startsWith("ACCA", i) || s.startsWith("A3T", i));
      case 'g' -> (github && (s.startsWith("github_pat_", i) || (s.startsWith("gh", i) && i + 3 < s.length()
              && s.charAt(i + 3) == '_' && "pousr".indexOf(s.charAt(i + 2)) >= 0)))
          || (apiKey && s.startsWith("gl", i) && (Chars.charAt(s, i + 4, '-') || Chars.charAt(s, i + 5, '-')
              || Chars.charAt(s, i + 6, '-')));
      case 'G' -> apiKey && s.startsWith("GR1348941", i);
      case 'x' -> slack && (s.startsWith("xox", i) || s.startsWith("xapp-", i));
      case 's' -> apiKey && (s.startsWith("sk_", i) || s.startsWith("sk-", i) || s.startsWith("sq0", i));
      case 'r' -> apiKey && s.startsWith("rk_", i);
      case 'n' -> apiKey && s.startsWith("npm_", i);
      case 'p' -> apiKey && s.startsWith("pypi-AgE", i);
      case 'S' -> apiKey && s.startsWith("SG.", i);
      case 'B', 'b' -> bearer && s.regionMatches(true, i, "bearer", 0, 6);
      default -> false;
    };
  }

  /** "basic " ignoring case at {@code i}, after an "authorization" (a necessary condition of {@code TokenRules.basic}). */
  private static boolean basic(String s, int i) {
    return s.regionMatches(true, i, "basic ", 0, 6) && containsGram(s, 0, i, "authorization");
  }

  /** The loosened key region before the operator or quote at {@code p} holds a key-gram. */
  private static boolean keyBefore(char[] s, int p) {
    int k = p - 1;
    int ws = 0;
    while (k >= 0 && Chars.space(s[k]) && ws < MAX_WS) {
      k--;
      ws++;
    }
    int end = k + 1;
    int reach = 0;
    while (k >= 0 && keyChar(s, k) && reach < KEY_REACH) {
      k--;
      reach++;
    }
    return end - (k + 1) >= 2 && keyGram(s, k + 1, end);
  }

  /** The loosened key region after a comparison operator ending at {@code from} holds a key-gram. */
  private static boolean keyAfter(char[] s, int n, int from) {
    int v = from;
    if (v < n && s[v] == '=') {
      v++; // "===" / "!=="
    }
    int ws = 0;
    while (v < n && s[v] == ' ' && ws < MAX_WS) {
      v++;
      ws++;
    }
    int start = v;
    while (v < n && keyChar(s, v) && v - start < KEY_REACH) {
      v++;
    }
    return v - start >= 2 && keyGram(s, start, v);
  }

  /** {@link #keyChar} for an ASCII char; false for any other (the caller treats that text as maybe anyway). */
  private static boolean keyChar(char[] s, int k) {
    char c = s[k];
    return c < 0x80 && KEY_CHAR[c];
  }

  /** {@link #keyGram(String, int, int)} over ASCII chars. */
  private static boolean keyGram(char[] s, int from, int to) {
    for (int k = from; k + 2 < to; k++) {
      int pair = (s[k] & 31) << 5 | (s[k + 1] & 31);
      if ((GRAM_PAIRS[pair >>> 6] & (1L << pair)) == 0) {
        continue;
      }
      char c = (char) (s[k] | 0x20);
      boolean hit = switch (c) {
        case 'p' -> at(s, k, to, "pass") || at(s, k, to, "priv") || at(s, k, to, "pswd") || at(s, k, to, "pwd");
        case 's' -> at(s, k, to, "secr");
        case 'a' -> at(s, k, to, "api") || at(s, k, to, "acce") || at(s, k, to, "acco") || at(s, k, to, "auth");
        case 'c' -> at(s, k, to, "cred") || at(s, k, to, "clie") || at(s, k, to, "cont");
        case 't' -> at(s, k, to, "toke");
        default -> false;
      };
      if (hit) {
        return true;
      }
    }
    return false;
  }

  private static boolean at(char[] s, int k, int to, String gram) {
    int len = gram.length();
    if (to - k < len) {
      return false;
    }
    for (int j = 0; j < len; j++) {
      int c = s[k + j];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != gram.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  /** Identifier chars of {@code AssignmentRules} (ASCII part), quotes and brackets. */
  private static boolean keyChar(char c) {
    return Chars.alnum(c) || c == '_' || c == '-' || c == '.' || c == '"' || c == '\'' || c == '`' || c == '['
        || c == ']';
  }

  /**
   * Some {@link #KEY_GRAMS} entry occurs in {@code s[from, to)}, ASCII case-insensitively; the caller has
   * checked that range is ASCII. Cold path (field names, whose decisions Redactor caches): one copy to chars
   * keeps a single implementation of the word test.
   */
  static boolean keyGram(String s, int from, int to) {
    return keyGram(s.substring(from, to).toCharArray(), 0, to - from);
  }

  /** {@code gram} (lower-case letters) at {@code k}, ending at or before {@code to}, ASCII case-insensitively. */
  private static boolean at(String s, int k, int to, String gram) {
    int len = gram.length();
    if (to - k < len) {
      return false;
    }
    for (int j = 0; j < len; j++) {
      char c = s.charAt(k + j);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + 32);
      }
      if (c != gram.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsGram(String s, int from, int to, String gram) {
    for (int k = from; k + gram.length() <= to; k++) {
      if (at(s, k, to, gram)) {
        return true;
      }
    }
    return false;
  }
}
