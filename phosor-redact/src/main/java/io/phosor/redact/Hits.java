package io.phosor.redact;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects candidate findings of one scan and resolves overlaps: among overlapping candidates the more
 * specific kind wins ({@link #RANK}), then the longer span. Not thread-safe; one per scan.
 */
final class Hits {
  /**
   * Precedence when spans overlap, most specific first: a JWT inside {@code password=...} or behind
   * {@code Bearer} is reported as a JWT; a card number is never also an SSN or a phone number.
   */
  private static final int[] RANK = new int[PiiType.values().length];

  static {
    PiiType[] order = {
      PiiType.PRIVATE_KEY, PiiType.JWT, PiiType.AWS_KEY, PiiType.GITHUB_TOKEN, PiiType.SLACK_TOKEN,
      PiiType.API_KEY, PiiType.BEARER_TOKEN, PiiType.PASSWORD, PiiType.CREDIT_CARD, PiiType.SSN,
      PiiType.EMAIL, PiiType.PHONE, PiiType.INTERNAL_IP
    };
    for (int i = 0; i < order.length; i++) {
      RANK[order[i].ordinal()] = i;
    }
  }

  private static final Comparator<Finding> BY_START = Comparator.comparingInt(Finding::start)
      .thenComparingInt(f -> RANK[f.type().ordinal()])
      .thenComparingInt(f -> -f.end());

  private final boolean[] on;
  private ArrayList<Finding> list;

  Hits(boolean[] on) {
    this.on = on;
  }

  /** True when findings of this kind are wanted (cheap check before costly validation). */
  boolean wants(PiiType type) {
    return on[type.ordinal()];
  }

  void add(PiiType type, int start, int end) {
    if (!on[type.ordinal()] || end <= start) {
      return;
    }
    if (list == null) {
      list = new ArrayList<>(4);
    }
    list.add(new Finding(type, start, end));
  }

  /** The non-overlapping findings in text order. */
  List<Finding> resolve() {
    if (list == null) {
      return List.of();
    }
    if (list.size() == 1) {
      return List.of(list.get(0));
    }
    list.sort(BY_START);
    ArrayList<Finding> out = new ArrayList<>(list.size());
    for (Finding f : list) {
      if (out.isEmpty()) {
        out.add(f);
        continue;
      }
      Finding last = out.get(out.size() - 1);
      if (f.start() >= last.end()) {
        out.add(f);
      } else if (better(f, last)) {
        out.set(out.size() - 1, f);
      }
    }
    return List.copyOf(out);
  }

  private static boolean better(Finding a, Finding b) {
    int ra = RANK[a.type().ordinal()];
    int rb = RANK[b.type().ordinal()];
    return ra != rb ? ra < rb : a.length() > b.length();
  }
}
