package io.phosor.detect;

import com.google.re2j.Pattern;
import io.phosor.event.Event;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately simple detection engine, the oracle for {@link DifferentialTest}: it keeps EVERY
 * accepted event of every group and, on each event, re-derives from that whole history what should fire,
 * following the semantics of shared-ruleformat.md word by word. No indexes, no incremental counters, no
 * eviction: slow and obviously right is the point.
 *
 * <p>Readings of the brief where it leaves room (each one is a named choice so a disagreement can be
 * traced to it):
 * <ul>
 *   <li>The watermark is the highest event time seen before the event minus the late tolerance; an event
 *       with t &lt; watermark is late: counted, seen by pattern/time_of_day, ignored by every stateful rule
 *       on event time (an ingest-time rule never sees an event as late).
 *   <li>Windows are half-open (newest - W, newest], newest = the group's newest event time
 *       ({@link #windowEndsAtNewest}, the engine's reading); the brief's literal "(t - W, t] around the event
 *       being processed" differs only for out-of-order events ({@link #withLiteralReadings()}).
 *   <li>threshold: fires when the count is &gt;= count (out-of-order events can jump past it); the
 *       group's whole history is cleared after firing. value_count likewise with distinct values.
 *   <li>correlation unordered: each step uses its latest matching event in (t - within, t]; fires when every
 *       step has one; clears the group.
 *   <li>correlation ordered (2+ steps): the anchor is the latest step-1 event IN EVENT TIME that is not after
 *       the completing event (for in-order streams: the latest step 1 since the last completion); steps 2..n-1
 *       must lie in order between the anchor and the completing event (event time, ties in processing order:
 *       the order they would have had had they arrived sorted by time); the last step completes if
 *       t - anchor &lt; within and ALWAYS clears the group ({@link #anchorByArrival}: the engine's reading,
 *       re-anchor at every step-1 event as it arrives).
 *   <li>absence: A arms with deadline max(A times) + within; a B with latest A &lt;= t &lt; deadline disarms (it must
 *       follow A: an out-of-order B older than A does not); the alert fires
 *       once the watermark is &gt;= deadline (during the event that moves it there), and finish() fires
 *       deadlines &lt;= the highest event time.
 *   <li>suppression: an alert of (rule, key) at rule-time t is dropped while |t - last emitted| &lt; suppress
 *       ({@link #symmetricSuppression}, the engine's reading; literal: t - last &lt; suppress); the alert time of
 *       a windowed rule is its window's newest event; the rule's state changes as if it had fired.
 * </ul>
 */
final class ReferenceEngine {
  private final Duration lateTolerance;
  private final List<Rule> rules;
  private final Map<String, Map<List<String>, List<Event>>> history = new HashMap<>();
  private final Map<String, Map<List<String>, Instant>> lastEmitted = new HashMap<>();
  private final Map<String, Map<List<String>, Instant>> deadlines = new HashMap<>();
  private final Map<String, Map<List<String>, Instant>> groupFirstSeen = new HashMap<>();
  private final Map<String, Map<List<String>, Set<String>>> seenValues = new HashMap<>();
  private final Map<String, Map<List<String>, Map<String, String>>> deadlineGroupKeys = new HashMap<>();
  private Instant maxSeen;
  private long late;
  private long suppressed;
  /**
   * The engine's reading of windows (threshold, value_count, unordered correlation): the window ends at the
   * group's NEWEST event time, (newest - W, newest], not at the time of the event being processed.
   */
  boolean windowEndsAtNewest = true;
  /** The engine's reading of "anchored at the LATEST step 1": the last step-1 event to ARRIVE, not the latest in time. */
  boolean anchorByArrival;
  /** The engine's reading of suppression: |t - last| &lt; suppress (an older, out-of-order alert far enough back passes). */
  boolean symmetricSuppression = true;

  /** The brief's most literal reading of windows and suppression (the engine's differs, accepted; see DifferentialTest). */
  ReferenceEngine withLiteralReadings() {
    windowEndsAtNewest = false;
    symmetricSuppression = false;
    return this;
  }

  ReferenceEngine(Duration lateTolerance, List<Rule> rules) {
    this.lateTolerance = lateTolerance;
    this.rules = List.copyOf(rules);
  }

  long lateEvents() {
    return late;
  }

  long suppressed() {
    return suppressed;
  }

  /** Processes one event; returns the alerts it raised (including absence timers it made due). */
  List<Alert> process(Event e) {
    List<Alert> out = new ArrayList<>();
    Instant t = e.timestamp();
    boolean isLate = maxSeen != null && t.isBefore(maxSeen.minus(lateTolerance));
    if (isLate) {
      late++;
    }
    if (maxSeen == null || t.isAfter(maxSeen)) {
      maxSeen = t;
    }
    for (Rule r : rules) {
      if (!r.enabled()) {
        continue;
      }
      Instant rt = r.time() == Rule.TimeBasis.INGEST ? e.ingested() : t;
      boolean stateless = r.spec() instanceof Rule.Pattern || r.spec() instanceof Rule.TimeOfDay;
      if (r.spec() instanceof Rule.Absence a) {
        if (!isLate) {
          absence(r, a, e, rt);
        }
      } else if (matches(r.filter(), e) && (stateless || !isLate || r.time() == Rule.TimeBasis.INGEST)) {
        Alert al = stateful(r, e, rt);
        if (al != null) {
          emit(r, al, rt, out);
        }
      }
    }
    fireDue(maxSeen.minus(lateTolerance), out);
    return out;
  }

  /** End of input: fires every absence deadline the highest event time has reached. */
  List<Alert> finish() {
    List<Alert> out = new ArrayList<>();
    if (maxSeen != null) {
      fireDue(maxSeen, out);
    }
    return out;
  }

  private void emit(Rule r, Alert al, Instant rt, List<Alert> out) {
    if (!r.suppress().isZero()) {
      Map<List<String>, Instant> m = lastEmitted.computeIfAbsent(r.id(), k -> new HashMap<>());
      List<String> key = List.copyOf(al.groupKey().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .map(x -> x.getKey() + "=" + x.getValue()).toList());
      Instant last = m.get(key);
      if (windowEndsAtNewest && al.lastSeen().isAfter(rt)) {
        rt = al.lastSeen(); // the engine's alert time is the window's newest event
      }
      Duration since = last == null ? null : Duration.between(last, rt);
      if (since != null && symmetricSuppression) {
        since = since.abs();
      }
      if (since != null && since.compareTo(r.suppress()) < 0) {
        suppressed++;
        return;
      }
      m.put(key, last == null || rt.isAfter(last) ? rt : last);
    }
    out.add(al);
  }

  private Alert stateful(Rule r, Event e, Instant t) {
    List<String> key = key(r, e);
    switch (r.spec()) {
      case Rule.Aggregate a -> throw new UnsupportedOperationException("Sigma correlations: see AggregateRuleTest");
      case Rule.Pattern p -> {
        return alert(r, e, List.of(e));
      }
      case Rule.TimeOfDay d -> {
        ZonedDateTime z = t.atZone(d.zone());
        LocalTime lt = z.toLocalTime();
        boolean in = d.start().isBefore(d.end())
            ? !lt.isBefore(d.start()) && lt.isBefore(d.end())
            : !lt.isBefore(d.start()) || lt.isBefore(d.end()); // wraps midnight when end <= start
        return in && d.days().contains(z.getDayOfWeek()) ? alert(r, e, List.of(e)) : null;
      }
      case Rule.Threshold th -> {
        List<Event> h = group(r, key);
        h.add(e);
        List<Event> w = window(h, end(r, h, t), th.window(), r);
        if (w.size() >= th.count()) {
          h.clear();
          return alert(r, e, w);
        }
        return null;
      }
      case Rule.ValueCount vc -> {
        if (e.get(vc.field()) == null) {
          return null;
        }
        List<Event> h = group(r, key);
        h.add(e);
        List<Event> w = window(h, end(r, h, t), vc.window(), r);
        Set<String> distinct = new HashSet<>();
        w.forEach(x -> distinct.add(x.getString(vc.field())));
        if (distinct.size() >= vc.distinct()) {
          h.clear();
          return alert(r, e, w);
        }
        return null;
      }
      case Rule.Correlation c -> {
        return c.ordered() ? ordered(r, c, e, t, key) : unordered(r, c, e, t, key);
      }
      case Rule.NewValue nv -> {
        Object v = e.get(nv.field());
        if (v == null) {
          return null;
        }
        Instant first = groupFirstSeen.computeIfAbsent(r.id(), k -> new HashMap<>()).computeIfAbsent(key, k -> t);
        Set<String> seen = seenValues.computeIfAbsent(r.id(), k -> new HashMap<>()).computeIfAbsent(key, k -> new HashSet<>());
        boolean learning = Duration.between(first, t).compareTo(nv.learning()) < 0;
        boolean fresh = seen.add(v.toString());
        return !learning && fresh ? alert(r, e, List.of(e)) : null;
      }
      case Rule.Absence a -> throw new AssertionError("handled elsewhere");
    }
  }

  private Alert unordered(Rule r, Rule.Correlation c, Event e, Instant t, List<String> key) {
    boolean any = false;
    for (Condition s : c.steps()) {
      any |= matches(s, e);
    }
    if (!any) {
      return null;
    }
    List<Event> h = group(r, key);
    h.add(e);
    t = end(r, h, t);
    List<Event> used = new ArrayList<>();
    for (Condition s : c.steps()) {
      Event best = null;
      for (Event x : h) {
        Instant ts = time(r, x);
        if (matches(s, x) && inWindow(ts, t, c.within()) && (best == null || !ts.isBefore(time(r, best)))) {
          best = x;
        }
      }
      if (best == null) {
        return null;
      }
      used.add(best);
    }
    h.clear();
    return alert(r, e, used);
  }

  private Alert ordered(Rule r, Rule.Correlation c, Event e, Instant t, List<String> key) {
    if (anchorByArrival) {
      return orderedByArrival(r, c, e, t, key);
    }
    // every step event since the last completion; the last step looks back for the chain
    List<Event> h = group(r, key);
    int n = c.steps().size();
    if (!matches(c.steps().get(n - 1), e)) {
      h.add(e);
      return null;
    }
    Event anchor = latest(r, h, c.steps().get(0), null, t, h.size());
    List<Event> used = new ArrayList<>();
    boolean complete = anchor != null && Duration.between(time(r, anchor), t).compareTo(c.within()) < 0;
    Instant upTo = t;
    int upToIndex = h.size(); // the completing event comes after everything in h
    for (int k = n - 2; k >= 1 && complete; k--) {
      Event s = latest(r, h, c.steps().get(k), anchor, upTo, upToIndex);
      if (s == null) {
        complete = false;
      } else {
        used.add(0, s);
        upTo = time(r, s);
        upToIndex = indexOf(h, s);
      }
    }
    h.clear();
    if (!complete) {
      return null;
    }
    used.add(0, anchor);
    used.add(e);
    return alert(r, e, used);
  }

  private static int indexOf(List<Event> h, Event e) {
    for (int i = 0; i < h.size(); i++) {
      if (h.get(i) == e) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The latest event of {@code h} matching {@code step} strictly between {@code from} (null: no lower bound)
   * and the event at (upTo, upToIndex), in event-time order with ties in processing order (h is in
   * processing order): the order the events would have had if they had arrived sorted by time.
   */
  private Event latest(Rule r, List<Event> h, Condition step, Event from, Instant upTo, int upToIndex) {
    Event best = null;
    Instant fromTs = from == null ? null : time(r, from);
    int fromIndex = from == null ? -1 : indexOf(h, from);
    for (int i = 0; i < h.size(); i++) {
      Event x = h.get(i);
      Instant ts = time(r, x);
      boolean beforeUp = ts.isBefore(upTo) || (ts.equals(upTo) && i < upToIndex);
      boolean afterFrom = from == null || ts.isAfter(fromTs) || (ts.equals(fromTs) && i > fromIndex);
      if (matches(step, x) && beforeUp && afterFrom && (best == null || !ts.isBefore(time(r, best)))) {
        best = x;
      }
    }
    return best;
  }

  /** The engine's reading: the chain re-anchors at every step-1 event as it ARRIVES. */
  private Alert orderedByArrival(Rule r, Rule.Correlation c, Event e, Instant t, List<String> key) {
    List<Event> chain = group(r, key); // chain.get(k) = event of step k+1
    int n = c.steps().size();
    if (matches(c.steps().get(0), e)) {
      chain.clear();
      chain.add(e);
      return null;
    }
    for (int k = 1; k < n; k++) {
      if (!matches(c.steps().get(k), e)) {
        continue;
      }
      if (k == n - 1) {
        boolean complete = chain.size() == n - 1 && !t.isBefore(time(r, chain.get(n - 2)))
            && Duration.between(time(r, chain.get(0)), t).compareTo(c.within()) < 0;
        List<Event> used = new ArrayList<>(chain);
        used.add(e);
        chain.clear();
        return complete ? alert(r, e, used) : null;
      }
      if (chain.size() == k && !t.isBefore(time(r, chain.get(k - 1)))) {
        chain.add(e);
      }
      return null;
    }
    return null;
  }

  private void absence(Rule r, Rule.Absence a, Event e, Instant t) {
    List<String> key = key(r, e);
    Map<List<String>, Instant> d = deadlines.computeIfAbsent(r.id(), k -> new LinkedHashMap<>());
    if (matches(r.filter(), e)) {
      Instant dl = t.plus(a.within());
      Instant old = d.get(key);
      if (old == null || dl.isAfter(old)) {
        d.put(key, dl);
        deadlineGroupKeys.computeIfAbsent(r.id(), k -> new HashMap<>()).put(key, groupKey(r, e));
      }
    } else if (matches(a.expected(), e)) {
      Instant old = d.get(key);
      // B must FOLLOW the (latest) A: at or after it, before the deadline
      if (old != null && t.isBefore(old) && !t.isBefore(old.minus(a.within()))) {
        d.remove(key);
      }
    }
  }

  private void fireDue(Instant watermark, List<Alert> out) {
    for (Rule r : rules) {
      if (!r.enabled() || !(r.spec() instanceof Rule.Absence)) {
        continue;
      }
      Map<List<String>, Instant> d = deadlines.getOrDefault(r.id(), Map.of());
      List<Map.Entry<List<String>, Instant>> due = new ArrayList<>();
      for (var en : d.entrySet()) {
        if (!en.getValue().isAfter(watermark)) {
          due.add(en);
        }
      }
      due.sort(Map.Entry.comparingByValue(Comparator.naturalOrder()));
      for (var en : due) {
        d.remove(en.getKey());
        Map<String, String> gk = deadlineGroupKeys.get(r.id()).get(en.getKey());
        Alert al = new Alert(r.id(), r.name(), r.severity(), r.tags(), gk, en.getValue(), en.getValue(), 1, List.of(),
            "absence");
        emit(r, al, en.getValue(), out);
      }
    }
  }

  /** Where the window ends: at the event's time t, or (engine reading) at the group's newest time. */
  private Instant end(Rule r, List<Event> h, Instant t) {
    if (!windowEndsAtNewest) {
      return t;
    }
    Instant max = t;
    for (Event x : h) {
      max = time(r, x).isAfter(max) ? time(r, x) : max;
    }
    return max;
  }

  private List<Event> window(List<Event> h, Instant t, Duration w, Rule r) {
    List<Event> out = new ArrayList<>();
    for (Event x : h) {
      if (inWindow(time(r, x), t, w)) {
        out.add(x);
      }
    }
    return out;
  }

  private boolean inWindow(Instant ts, Instant t, Duration w) {
    boolean notTooOld = Duration.between(ts, t).compareTo(w) < 0;
    return notTooOld && !ts.isAfter(t);
  }

  private static Instant time(Rule r, Event e) {
    return r.time() == Rule.TimeBasis.INGEST ? e.ingested() : e.timestamp();
  }

  private List<Event> group(Rule r, List<String> key) {
    return history.computeIfAbsent(r.id(), k -> new HashMap<>()).computeIfAbsent(key, k -> new ArrayList<>());
  }

  private static List<String> key(Rule r, Event e) {
    List<String> k = new ArrayList<>();
    for (String f : r.groupBy()) {
      k.add(String.valueOf(e.getString(f)));
    }
    return k;
  }

  private static Map<String, String> groupKey(Rule r, Event e) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f : r.groupBy()) {
      String v = e.getString(f);
      m.put(f, v == null ? "" : v);
    }
    return m;
  }

  private Alert alert(Rule r, Event fired, List<Event> contributing) {
    Instant first = null;
    Instant last = null;
    List<Long> ids = new ArrayList<>();
    for (Event x : contributing) {
      Instant ts = time(r, x);
      first = first == null || ts.isBefore(first) ? ts : first;
      last = last == null || ts.isAfter(last) ? ts : last;
      ids.add(x.seq());
    }
    return new Alert(r.id(), r.name(), r.severity(), r.tags(), groupKey(r, fired), first, last, contributing.size(),
        ids.size() > Alert.MAX_EVENT_IDS ? ids.subList(ids.size() - Alert.MAX_EVENT_IDS, ids.size()) : ids, "reference");
  }

  // ---- conditions, evaluated directly on the tree ----

  static boolean matches(Condition c, Event e) {
    return switch (c) {
      case Condition.All a -> a.all().stream().allMatch(x -> matches(x, e));
      case Condition.Any a -> a.any().stream().anyMatch(x -> matches(x, e));
      case Condition.Not n -> !matches(n.not(), e);
      case Condition.Field f -> field(f, e);
    };
  }

  private static final Map<String, Pattern> REGEX = new HashMap<>();

  private static boolean field(Condition.Field f, Event e) {
    Object raw = e.get(f.field());
    if (f.op() == Condition.Op.EXISTS) {
      boolean want = f.values().isEmpty() || Boolean.parseBoolean(f.values().get(0));
      return (raw != null) == want;
    }
    if (raw == null) {
      return false;
    }
    String v = raw.toString();
    String lv = f.caseSensitive() ? v : v.toLowerCase(Locale.ROOT);
    for (String operand : f.values()) {
      String o = f.caseSensitive() ? operand : operand.toLowerCase(Locale.ROOT);
      boolean hit = switch (f.op()) {
        case EQUALS, IN -> lv.equals(o);
        case CONTAINS -> lv.contains(o);
        case STARTS_WITH -> lv.startsWith(o);
        case ENDS_WITH -> lv.endsWith(o);
        case REGEX -> REGEX.computeIfAbsent((f.caseSensitive() ? "s:" : "i:") + operand,
            k -> Pattern.compile(operand, f.caseSensitive() ? 0 : Pattern.CASE_INSENSITIVE)).matcher(v).find();
        case CIDR -> cidr(v, operand);
        case GT, GTE, LT, LTE -> numeric(v, operand, f.op());
        case EXISTS -> throw new AssertionError();
      };
      if (hit) {
        return true;
      }
    }
    return false;
  }

  private static boolean numeric(String v, String operand, Condition.Op op) {
    double a;
    double b;
    try {
      a = Double.parseDouble(v.trim());
      b = Double.parseDouble(operand.trim());
    } catch (NumberFormatException ex) {
      return false;
    }
    return switch (op) {
      case GT -> a > b;
      case GTE -> a >= b;
      case LT -> a < b;
      case LTE -> a <= b;
      default -> false;
    };
  }

  private static boolean cidr(String ip, String cidr) {
    try {
      if (!ip.matches("[0-9a-fA-F:.]+") || !cidr.matches("[0-9a-fA-F:.]+(/\\d+)?")) {
        return false;
      }
      String[] parts = cidr.split("/");
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      byte[] addr = InetAddress.getByName(ip).getAddress();
      if (net.length != addr.length) {
        return false;
      }
      int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : net.length * 8;
      int shift = net.length * 8 - bits;
      return new BigInteger(1, net).shiftRight(shift).equals(new BigInteger(1, addr).shiftRight(shift));
    } catch (UnknownHostException | RuntimeException ex) {
      return false;
    }
  }
}
