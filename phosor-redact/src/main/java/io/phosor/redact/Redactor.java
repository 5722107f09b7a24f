package io.phosor.redact;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds and redacts PII and secrets in events before anything is journaled, stored or sent on.
 * A pure library: no logging, no I/O; immutable after construction and safe to share between threads.
 * See docs/redaction.md for the kinds, their replacement tokens and what is on by default.
 */
public final class Redactor {
  /** Nesting depth of lists and maps that is redacted; deeper values are replaced as a whole. */
  static final int MAX_DEPTH = 16;
  /** Replacement of a value nested deeper than {@link #MAX_DEPTH}: it cannot be checked, so it is not kept. */
  static final String TOO_DEEP = "[REDACTED-TOO-DEEP]";
  /**
   * Shortest field value looked up in a cleared original text instead of being prefiltered itself: below
   * this, the prefilter pass over the value costs less than the lookup.
   */
  static final int MIN_SUBSTRING_SKIP = 24;
  /**
   * Field names whose secret-key decision is cached: parsers produce a few dozen names, JSON input may bring
   * any number, so the cache stops growing here (the decision is then recomputed, which is only slower).
   */
  static final int MAX_CACHED_KEYS = 4096;
  /** Longest field value remembered as cleared: names and enum-like values, not messages. */
  static final int MAX_REMEMBERED = 32;
  /** Slots of the cleared-value memory (a power of two): 1024 references, at most 32 chars each behind them. */
  static final int REMEMBERED_SLOTS = 1024;

  private final Set<PiiType> enabled;
  private final RedactorOptions options;
  private final Scanner scanner;
  private final boolean passwords;
  /** Short field values the prefilter cleared, by hash slot (see {@link #clearedShort}). */
  private final String[] remembered = new String[REMEMBERED_SLOTS];
  /**
   * {@link #isSecretKey} per field name seen (a pure function of the name, so sharing it is safe); replaced
   * whole under the lock when a name is added, read without it.
   */
  private volatile KeyTable keyTable = new KeyTable(64, 0);

  /** Redacts the given kinds only, with {@link RedactorOptions#DEFAULTS}. */
  public Redactor(Set<PiiType> enabled) {
    this(enabled, RedactorOptions.DEFAULTS);
  }

  /** Redacts the given kinds only, tuned by {@code options}. */
  public Redactor(Set<PiiType> enabled, RedactorOptions options) {
    Objects.requireNonNull(enabled, "enabled");
    this.options = Objects.requireNonNull(options, "options");
    this.enabled = enabled.isEmpty() ? EnumSet.noneOf(PiiType.class) : EnumSet.copyOf(enabled);
    this.scanner = new Scanner(this.enabled, options);
    this.passwords = this.enabled.contains(PiiType.PASSWORD);
  }

  /** The kinds on by default: everything but email, phone and internal IPs (which are on request). */
  public static Set<PiiType> defaults() {
    return EnumSet.complementOf(EnumSet.of(PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP));
  }

  /** The kinds this redactor looks for. */
  public Set<PiiType> enabled() {
    return EnumSet.copyOf(enabled);
  }

  /** The options this redactor was built with. */
  public RedactorOptions options() {
    return options;
  }

  /**
   * Every detection of an enabled kind in {@code text}, in text order and non-overlapping, as kind and
   * span only (safe to log: it holds no part of the secret).
   */
  public List<Finding> find(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return scanner.scan(text);
  }

  /**
   * Returns {@code text} with every finding replaced by its kind's token ({@link PiiType#replacement()})
   * and adds the number of findings per kind to {@code counts}; returns the same instance when nothing
   * was found.
   */
  public String redact(String text, Map<PiiType, Integer> counts) {
    List<Finding> found = find(text);
    return found.isEmpty() ? text : apply(text, found, counts);
  }

  /** Whether the prefilter lets {@code text} through to the full scan (for the differential test). */
  boolean prefilterMaybe(String text) {
    return scanner.maybe(text);
  }

  /** {@link #find} without the prefilter: the reference full scan (for the differential test). */
  List<Finding> findWithoutPrefilter(String text) {
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    return scanner.scanFull(text);
  }

  /**
   * Redacts the event in place: the original text and every string in its fields (recursively inside
   * lists and maps; a string under a secret-sounding key such as {@code password} is replaced whole).
   * Sets {@code parsed.pii_redacted} to true when anything was redacted and leaves it unset otherwise.
   * Returns per kind how many secrets the event held (empty when none): the larger of the count in
   * the original text and the count in the fields, so a secret repeated in a parsed field counts once.
   */
  public Map<PiiType, Integer> redact(Event event) {
    String original = event.original();
    boolean clean = original == null || original.isEmpty() || !scanner.maybe(original);
    List<Finding> found = clean ? List.of() : scanner.scanFull(original);
    if (found.isEmpty() && !fieldsNeedRedaction(event, clean ? original : null, keyTable)) {
      return Map.of(); // the common case: nothing to change, nothing allocated
    }
    Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
    if (!found.isEmpty()) {
      event.original(apply(original, found, counts));
    }
    // The parsed fields mostly repeat parts of the original text (message, user, ...): one secret
    // must count once per event, so per kind the event's count is the larger of the two tallies.
    Map<PiiType, Integer> inFields = new EnumMap<>(PiiType.class);
    for (int i = 0, n = event.fieldCount(); i < n; i++) {
      Object v = event.fieldValue(i);
      Object r = value(event.fieldName(i), v, inFields, 0);
      if (r != v) {
        event.fieldValue(i, r);
      }
    }
    inFields.forEach((type, n) -> counts.merge(type, n, Math::max));
    if (!counts.isEmpty()) {
      event.put(Fields.PII_REDACTED, Boolean.TRUE);
    }
    return counts;
  }

  /**
   * Whether {@link #value} would change any of the fields: the same decisions, without counting or copying,
   * so that an event without secrets costs no allocation. Must stay in step with {@link #value}. The fields
   * are walked by position (no iterator), and {@code keys} is read once per event.
   */
  private boolean fieldsNeedRedaction(Event event, String cleanText, KeyTable keys) {
    for (int i = 0, n = event.fieldCount(); i < n; i++) {
      if (needsRedaction(event.fieldName(i), event.fieldValue(i), cleanText, keys, 0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code cleanText}, when not null, is a text the prefilter cleared ({@link Prefilter#maybe} false): a
   * string that occurs in it, not right after a letter, is cleared too (see {@link Prefilter#maybe} on
   * substrings), which saves the scan of a message or user agent that repeats part of the original text.
   */
  private boolean needsRedaction(String key, Object v, String cleanText, KeyTable keys, int depth) {
    if (v instanceof String s) {
      if (passwords && key != null && !s.isEmpty() && secretKey(key, keys) && !isToken(s)) {
        return true;
      }
      if (cleanText != null && s.length() >= MIN_SUBSTRING_SKIP && clearedWithin(cleanText, s)) {
        return false;
      }
      if (s.length() <= MAX_REMEMBERED) {
        return !clearedShort(s, cleanText) && !find(s).isEmpty();
      }
      return !find(s).isEmpty();
    }
    if (v instanceof Long || v instanceof BigInteger || v instanceof Integer) {
      return !shortNumber(v) && value(key, v, new EnumMap<>(PiiType.class), depth) != v;
    }
    if (v instanceof List<?> list) {
      if (depth >= MAX_DEPTH) {
        return true;
      }
      for (Object item : list) {
        if (needsRedaction(key, item, cleanText, keys, depth + 1)) {
          return true;
        }
      }
      return false;
    }
    if (v instanceof Map<?, ?> map) {
      if (depth >= MAX_DEPTH) {
        return true;
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (needsRedaction(e.getKey() instanceof String k ? k : null, e.getValue(), cleanText, keys, depth + 1)) {
          return true;
        }
      }
      return false;
    }
    return false;
  }

  /**
   * Whether the prefilter clears the short value {@code s}, remembering cleared values: field values such as
   * host and program names, methods, facility and severity names repeat from event to event. The memory is
   * a fixed table of strings the prefilter cleared (a pure function of the string for this redactor), one
   * per slot by hash, written without a lock: a reader sees null, an older or a newer cleared string, and
   * only an equal one counts. The order of the tests is by cost: the same instance (a constant) first, then
   * {@link #clearedWithin} when the value occurs in {@code cleanText} (when not null, a text the prefilter
   * cleared: the event's original text, which parsed values are mostly cut from, and whose chars are in
   * cache), then an equal remembered string, then the prefilter (and the value is remembered). Values
   * cleared within the text are not remembered: most of them are per-event (addresses, pids, paths) and each
   * store into the shared table costs a GC write barrier. Nothing is allocated.
   */
  private boolean clearedShort(String s, String cleanText) {
    int h = s.hashCode();
    int slot = (h ^ (h >>> 16)) & (REMEMBERED_SLOTS - 1);
    String known = remembered[slot];
    if (known == s) {
      return true; // the parsers' constants (facility and severity names, event types, ...)
    }
    if (s.isEmpty()) {
      return false;
    }
    // a value cut from the original text: its chars and the text's are in cache, a remembered equal string's
    // chars most likely are not
    if (cleanText != null && clearedWithin(cleanText, s)) {
      return true;
    }
    if (known != null && known.equals(s)) {
      return true;
    }
    if (scanner.maybe(s)) {
      return false;
    }
    remembered[slot] = s;
    return true;
  }

  /**
   * {@code s} occurs in {@code cleared} at an index that is 0 or follows a char that is not an ASCII letter.
   * Two places are compared before the search: the very end of {@code cleared} (where a syslog MSG is cut
   * from) and the end but one (a quoted last field, such as an access log's user agent).
   */
  static boolean clearedWithin(String cleared, String s) {
    int n = cleared.length();
    int len = s.length();
    if (len >= MIN_SUBSTRING_SKIP) {
      if (len <= n && cleared.startsWith(s, n - len) && notAfterLetter(cleared, n - len)) {
        return true;
      }
      if (len < n && cleared.startsWith(s, n - 1 - len) && notAfterLetter(cleared, n - 1 - len)) {
        return true;
      }
    }
    int k = cleared.indexOf(s);
    return k >= 0 && notAfterLetter(cleared, k);
  }

  /** {@code k} is 0 or the char before it is not an ASCII letter. */
  private static boolean notAfterLetter(String text, int k) {
    if (k == 0) {
      return true;
    }
    char before = text.charAt(k - 1);
    return !((before >= 'a' && before <= 'z') || (before >= 'A' && before <= 'Z'));
  }

  /** {@code text} with each of {@code found} replaced by its kind's token, counted into {@code counts}. */
  private static String apply(String text, List<Finding> found, Map<PiiType, Integer> counts) {
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Finding f : found) {
      out.append(text, at, f.start()).append(f.type().replacement());
      at = f.end();
      counts.merge(f.type(), 1, Integer::sum);
    }
    return out.append(text, at, text.length()).toString();
  }

  /** The redacted value, or the same instance when nothing in it changed. Collections are copied on change. */
  private Object value(String key, Object v, Map<PiiType, Integer> counts, int depth) {
    if (v instanceof String s) {
      if (passwords && key != null && secretKey(key) && !s.isEmpty() && !isToken(s)) {
        counts.merge(PiiType.PASSWORD, 1, Integer::sum);
        return PiiType.PASSWORD.replacement();
      }
      return redact(s, counts);
    }
    if (v instanceof Long || v instanceof BigInteger || v instanceof Integer) {
      // a card number parsed from JSON as a number. Only the card rule applies: a nine-digit number field
      // is a byte count, an id or a pid far more often than an SSN (and JSON drops an SSN's leading
      // zero), so SSN rules never turn a number into a string
      if (shortNumber(v) || !enabled.contains(PiiType.CREDIT_CARD)) {
        return v;
      }
      String s = v.toString();
      for (Finding f : find(s)) {
        if (f.type() == PiiType.CREDIT_CARD) {
          String r = redact(s, counts);
          return r == s ? v : r;
        }
      }
      return v;
    }
    if (v instanceof List<?> list) {
      if (depth >= MAX_DEPTH) {
        return TOO_DEEP;
      }
      List<Object> copy = null;
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        Object r = value(key, item, counts, depth + 1);
        if (r != item && copy == null) {
          copy = new ArrayList<>(list);
        }
        if (copy != null) {
          copy.set(i, r);
        }
      }
      return copy == null ? v : copy;
    }
    if (v instanceof Map<?, ?> map) {
      if (depth >= MAX_DEPTH) {
        return TOO_DEEP;
      }
      Map<Object, Object> copy = null;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object item = e.getValue();
        Object r = value(e.getKey() instanceof String k ? k : null, item, counts, depth + 1);
        if (r != item) {
          if (copy == null) {
            copy = new LinkedHashMap<>(map);
          }
          copy.put(e.getKey(), r);
        }
      }
      return copy == null ? v : copy;
    }
    return v;
  }

  /**
   * The last dotted part of {@code key} names a secret, cached per key (field names come from a small set)
   * in an immutable open-addressing table that a miss replaces by a larger copy: a hit is a probe or two
   * that compares the names by reference first (field names are mostly the same interned constants), with
   * no lock and no collisions to evict each other.
   */
  private boolean secretKey(String key) {
    return secretKey(key, keyTable);
  }

  /** {@link #secretKey(String)} with the table read once by the caller (a stale table only costs a miss). */
  private boolean secretKey(String key, KeyTable table) {
    int found = table.lookup(key);
    if (found >= 0) {
      return found == 1;
    }
    boolean secret = isSecretKey(key);
    synchronized (this) {
      KeyTable t = keyTable;
      if (t.size < MAX_CACHED_KEYS && t.lookup(key) < 0) {
        keyTable = t.with(key, secret);
      }
    }
    return secret;
  }

  /** An immutable set of field names with their {@link #isSecretKey} decision; final fields publish it safely. */
  private static final class KeyTable {
    final String[] names;
    final boolean[] secret;
    final int size;

    KeyTable(int capacity, int size) {
      names = new String[capacity];
      secret = new boolean[capacity];
      this.size = size;
    }

    /** 1 when {@code key} is a secret key, 0 when it is not, -1 when it is not in the table. */
    int lookup(String key) {
      int h = key.hashCode();
      String[] ns = names;
      int mask = ns.length - 1;
      for (int i = (h * 0x9E3779B9) >>> 16 & mask; ; i = (i + 1) & mask) {
        String n = ns[i];
        if (n == null) {
          return -1;
        }
        if (n == key || (n.hashCode() == h && n.equals(key))) {
          return secret[i] ? 1 : 0;
        }
      }
    }

    /** A copy with {@code key} added (load factor at most 1/2). */
    KeyTable with(String key, boolean isSecret) {
      int cap = names.length;
      while ((size + 1) * 2 > cap) {
        cap *= 2;
      }
      KeyTable t = new KeyTable(cap, size + 1);
      for (int i = 0; i < names.length; i++) {
        if (names[i] != null) {
          t.insert(names[i], secret[i]);
        }
      }
      t.insert(key, isSecret);
      return t;
    }

    private void insert(String key, boolean isSecret) {
      int mask = names.length - 1;
      int i = (key.hashCode() * 0x9E3779B9) >>> 16 & mask;
      while (names[i] != null) {
        i = (i + 1) & mask;
      }
      names[i] = key;
      secret[i] = isSecret;
    }
  }

  /** The last dotted part of {@code key} names a secret (as {@link AssignmentRules#keyKind} decides). */
  private static boolean isSecretKey(String key) {
    int from = key.lastIndexOf('.') + 1;
    int to = key.length();
    if (to - from < 2) {
      return false;
    }
    // every key keyKind accepts holds a key-gram; the gram test is ASCII-only (see Prefilter), so a
    // non-ASCII key always gets the full test
    boolean ascii = true;
    for (int k = from; k < to && ascii; k++) {
      ascii = key.charAt(k) < 0x80;
    }
    if (ascii && !Prefilter.keyGram(key, from, to)) {
      return false;
    }
    return AssignmentRules.keyKind(key, from, to) == 1
        && !(to - from == Fields.PII_REDACTED.length() && key.startsWith(Fields.PII_REDACTED, from));
  }

  /**
   * Whether the decimal text of an Integer, Long or BigInteger is shorter than 13 chars (the shortest card),
   * decided without building it: an Integer always is; a Long when in (-10^11, 10^12).
   */
  private static boolean shortNumber(Object v) {
    if (v instanceof Integer) {
      return true;
    }
    if (v instanceof Long l) {
      return l < 1_000_000_000_000L && l > -100_000_000_000L;
    }
    return v.toString().length() < 13;
  }

  private static boolean isToken(String s) {
    return s.startsWith("[") && s.endsWith("REDACTED]");
  }
}
