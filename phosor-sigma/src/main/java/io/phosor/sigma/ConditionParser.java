package io.phosor.sigma;

import io.phosor.detect.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Sigma condition expression over search identifiers: {@code and}, {@code or}, {@code not},
 * parentheses, {@code 1 of sel*}, {@code all of sel*}, {@code 1 of them}, {@code all of them}. Precedence:
 * not, then and, then or. {@code them} means every search whose name does not start with an underscore.
 */
final class ConditionParser {
  private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|[^\\s()]+)");
  private final List<String> tokens = new ArrayList<>();
  private final Map<String, Condition> searches;
  private final String text;
  private int pos;

  ConditionParser(String text, Map<String, Condition> searches) {
    this.text = text;
    this.searches = searches;
    Matcher m = TOKEN.matcher(text);
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      tokens.add(m.group(1));
      at = m.end();
    }
    if (!text.substring(at).isBlank()) {
      throw new Unsupported("condition \"" + text + "\": cannot read it");
    }
  }

  Condition parse() {
    if (tokens.isEmpty()) {
      throw new Unsupported("the condition is empty");
    }
    Condition c = or();
    if (pos < tokens.size()) {
      throw new Unsupported("condition \"" + text + "\": unexpected \"" + tokens.get(pos) + "\"");
    }
    return c;
  }

  private Condition or() {
    List<Condition> any = new ArrayList<>(List.of(and()));
    while (peek("or")) {
      pos++;
      any.add(and());
    }
    return any.size() == 1 ? any.get(0) : new Condition.Any(any);
  }

  private Condition and() {
    List<Condition> all = new ArrayList<>(List.of(not()));
    while (peek("and")) {
      pos++;
      all.add(not());
    }
    return all.size() == 1 ? all.get(0) : new Condition.All(all);
  }

  private Condition not() {
    if (peek("not")) {
      pos++;
      return new Condition.Not(not());
    }
    return primary();
  }

  private Condition primary() {
    String t = next();
    if (t.equals("(")) {
      Condition c = or();
      if (!next().equals(")")) {
        throw new Unsupported("condition \"" + text + "\": missing )");
      }
      return c;
    }
    if (pos < tokens.size() && tokens.get(pos).equalsIgnoreCase("of")) {
      pos++;
      String target = next();
      List<Condition> matched = new ArrayList<>();
      boolean them = target.equalsIgnoreCase("them");
      Pattern p = them ? null : glob(target);
      for (Map.Entry<String, Condition> e : searches.entrySet()) {
        if (them ? !e.getKey().startsWith("_") : p.matcher(e.getKey()).matches()) {
          matched.add(e.getValue());
        }
      }
      if (matched.isEmpty()) {
        throw new Unsupported("condition \"" + text + "\": no search matches \"" + target + "\"");
      }
      if (t.equals("1")) {
        return matched.size() == 1 ? matched.get(0) : new Condition.Any(matched);
      }
      if (t.equalsIgnoreCase("all")) {
        return matched.size() == 1 ? matched.get(0) : new Condition.All(matched);
      }
      throw new Unsupported("condition \"" + text + "\": \"" + t + " of\" (only \"1 of\" and \"all of\")");
    }
    if (t.equals(")") || isKeyword(t)) {
      throw new Unsupported("condition \"" + text + "\": unexpected \"" + t + "\"");
    }
    Condition c = searches.get(t);
    if (c == null) {
      throw new Unsupported("condition \"" + text + "\": no search named \"" + t + "\"");
    }
    return c;
  }

  private static boolean isKeyword(String t) {
    return t.equalsIgnoreCase("and") || t.equalsIgnoreCase("or") || t.equalsIgnoreCase("not")
        || t.equalsIgnoreCase("of");
  }

  private static Pattern glob(String g) {
    StringBuilder b = new StringBuilder();
    for (char c : g.toCharArray()) {
      if (c == '*') {
        b.append(".*");
      } else if (c == '?') {
        b.append('.');
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString());
  }

  private boolean peek(String word) {
    return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(word);
  }

  private String next() {
    if (pos >= tokens.size()) {
      throw new Unsupported("condition \"" + text + "\" ends too early");
    }
    return tokens.get(pos++);
  }
}
