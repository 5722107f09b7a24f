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

  private final Set<PiiType> enabled;
  private final RedactorOptions options;
  private final Scanner scanner;
  private final boolean passwords;

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
    if (found.isEmpty()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int at = 0;
    for (Finding f : found) {
      out.append(text, at, f.start()).append(f.type().replacement());
      at = f.end();
      counts.merge(f.type(), 1, Integer::sum);
    }
    return out.append(text, at, text.length()).toString();
  }

  /**
   * Redacts the event in place: the original text and every string in its fields (recursively inside
   * lists and maps; a string under a secret-sounding key such as {@code password} is replaced whole).
   * Sets {@code parsed.pii_redacted} to true when anything was redacted and leaves it unset otherwise.
   * Returns per kind how many secrets the event held (empty when none): the larger of the count in
   * the original text and the count in the fields, so a secret repeated in a parsed field counts once.
   */
  public Map<PiiType, Integer> redact(Event event) {
    Map<PiiType, Integer> counts = new EnumMap<>(PiiType.class);
    String original = event.original();
    String redacted = redact(original, counts);
    if (redacted != original) {
      event.original(redacted);
    }
    // The parsed fields mostly repeat parts of the original text (message, user, ...): one secret
    // must count once per event, so per kind the event's count is the larger of the two tallies.
    Map<PiiType, Integer> inFields = new EnumMap<>(PiiType.class);
    Map<String, Object> fields = event.mutableFields();
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      Object v = e.getValue();
      Object r = value(e.getKey(), v, inFields, 0);
      if (r != v) {
        e.setValue(r);
      }
    }
    inFields.forEach((type, n) -> counts.merge(type, n, Math::max));
    if (!counts.isEmpty()) {
      event.put(Fields.PII_REDACTED, Boolean.TRUE);
    }
    return counts;
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
      String s = v.toString();
      if (s.length() < 13 || !enabled.contains(PiiType.CREDIT_CARD)) {
        return v;
      }
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

  private static boolean secretKey(String key) {
    int dot = key.lastIndexOf('.');
    String last = dot >= 0 ? key.substring(dot + 1) : key;
    return AssignmentRules.keyKind(last, 0, last.length()) == 1
        && !last.equals(Fields.PII_REDACTED);
  }

  private static boolean isToken(String s) {
    return s.startsWith("[") && s.endsWith("REDACTED]");
  }
}
