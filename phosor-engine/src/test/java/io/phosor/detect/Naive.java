package io.phosor.detect;

import io.phosor.event.Event;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** A direct, slow interpretation of conditions (no caches, no index, no prefilter), to check the compiled engine. */
final class Naive {
  private Naive() {}

  static boolean test(Condition c, Event e) {
    return switch (c) {
      case Condition.All a -> a.all().stream().allMatch(x -> test(x, e));
      case Condition.Any a -> a.any().stream().anyMatch(x -> test(x, e));
      case Condition.Not n -> !test(n.not(), e);
      case Condition.Field f -> field(f, e);
    };
  }

  private static boolean field(Condition.Field f, Event e) {
    Object v = e.get(f.field());
    if (f.op() == Condition.Op.EXISTS) {
      return (v != null) == Boolean.parseBoolean(f.values().get(0));
    }
    if (v == null) {
      return false;
    }
    List<?> values = v instanceof Collection<?> col ? List.copyOf(col) : List.of(v);
    return values.stream().anyMatch(x -> one(f, x));
  }

  private static boolean one(Condition.Field f, Object value) {
    String s = value.toString();
    String op0 = f.values().get(0);
    boolean cs = f.caseSensitive();
    String a = cs ? s : s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    String b = cs ? op0 : op0.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    return switch (f.op()) {
      case EQUALS -> cs ? s.equals(op0) : s.equalsIgnoreCase(op0);
      case IN -> f.values().stream().anyMatch(x -> cs ? s.equals(x) : s.equalsIgnoreCase(x));
      case CONTAINS -> a.contains(b);
      case STARTS_WITH -> a.startsWith(b);
      case ENDS_WITH -> a.endsWith(b);
      case REGEX -> java.util.regex.Pattern.compile(op0, cs ? 0
          : java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE).matcher(s).find();
      case CIDR -> inCidr(s, op0);
      case GT, GTE, LT, LTE -> {
        double d;
        try {
          d = Double.parseDouble(s.trim());
        } catch (NumberFormatException x) {
          yield false;
        }
        double o = Double.parseDouble(op0);
        yield switch (f.op()) {
          case GT -> d > o;
          case GTE -> d >= o;
          case LT -> d < o;
          default -> d <= o;
        };
      }
      default -> throw new IllegalStateException();
    };
  }

  private static boolean inCidr(String s, String cidr) {
    if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      return false;
    }
    try {
      byte[] ip = InetAddress.getByName(s).getAddress();
      String[] p = cidr.split("/");
      byte[] net = InetAddress.getByName(p[0]).getAddress();
      int bits = Integer.parseInt(p[1]);
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >> (i % 8);
        if ((ip[i / 8] & mask) != (net[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    } catch (java.io.IOException x) {
      return false;
    }
  }
}
