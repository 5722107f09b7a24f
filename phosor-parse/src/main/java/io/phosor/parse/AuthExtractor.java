package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;

/**
 * Recognizes well-known authentication messages of OpenSSH sshd, sudo, su and pam_unix and writes
 * {@code parsed.event_type} plus ECS fields (user, source, outcome, category, action). Plain
 * {@code startsWith}/{@code indexOf} scanning: the message kinds are fixed strings of those programs.
 * The event types and fields are listed in docs/parsing.md.
 */
final class AuthExtractor {
  private AuthExtractor() {}

  static final String AUTH_FAIL = "auth_fail";
  static final String AUTH_SUCCESS = "auth_success";
  static final String INVALID_USER = "invalid_user";
  static final String PRIVILEGED_ACCESS = "privileged_access";
  static final String PRIVILEGE_DENIED = "privilege_denied";
  static final String SESSION_OPEN = "session_open";
  static final String SESSION_CLOSE = "session_close";
  static final String DISCONNECT = "disconnect";

  /**
   * Extracts from {@code msg} (the syslog MSG/CONTENT) of program {@code app} (the TAG, may be null).
   * Returns true when the message was recognized.
   */
  static boolean extract(Event e, String app, String msg) {
    if (msg == null || msg.length() < 8) {
      return false;
    }
    String m = msg;
    int lead = 0;
    while (lead < m.length() && m.charAt(lead) == ' ') {
      lead++;
    }
    if (m.startsWith("[ID ", lead)) { // Solaris: "[ID 800047 auth.notice] Failed none for ..."
      int close = m.indexOf("] ", lead);
      if (close > 0) {
        lead = close + 2;
      }
    }
    if (lead > 0) {
      m = m.substring(lead);
    }
    if (m.startsWith("message repeated ")) { // rsyslog: "message repeated 5 times: [ Failed password ...]"
      int t = m.indexOf(" times: [", 17);
      int count = t > 17 ? parseInt(m, 17, t) : -1;
      if (count > 0) {
        int from = t + 9;
        while (from < m.length() && m.charAt(from) == ' ') {
          from++;
        }
        int to = m.endsWith("]") ? m.length() - 1 : m.length();
        while (to > from && m.charAt(to - 1) == ' ') {
          to--;
        }
        Put.field(e, "parsed.repeat_count", count);
        m = m.substring(from, to);
      }
    }
    String prog = app;
    boolean pamTag = false;
    if (app != null) {
      int paren = app.indexOf('(');
      if (paren > 0) { // "sshd(pam_unix)", "su(pam_unix)"
        pamTag = app.startsWith("pam_", paren + 1);
        prog = app.substring(0, paren);
      }
      int slash = prog.lastIndexOf('/');
      if (slash >= 0) {
        prog = prog.substring(slash + 1);
      }
    }
    if (m.startsWith("pam_unix(") || m.startsWith("pam_sss(") || m.startsWith("pam_ldap(")) {
      int open = m.indexOf('(');
      int colon = m.indexOf(':', open);
      int close = m.indexOf("): ", open);
      if (colon > open && close > colon) {
        return pam(e, m.substring(open + 1, colon), m.substring(close + 3));
      }
      return false;
    }
    if (pamTag) {
      return pam(e, prog, m);
    }
    if (m.startsWith("PAM ") && m.indexOf("more authentication failure") > 0) {
      return pam(e, prog == null ? "sshd" : prog, m.substring(4));
    }
    if (prog == null || prog.equals("sshd") || prog.startsWith("sshd-")) {
      if (sshd(e, m)) {
        return true;
      }
    }
    if ("sudo".equals(prog) || sudoFields(m)) {
      if (sudo(e, m)) {
        return true;
      }
    }
    if (prog == null || prog.equals("su") || prog.equals("su-l")) {
      return su(e, m, "su".equals(prog) || "su-l".equals(prog));
    }
    return false;
  }

  /**
   * {@code m.indexOf(" ; COMMAND=") > 0 || m.indexOf(" ; USER=") > 0}, in one pass over {@code m} instead of
   * two (a first occurrence at 0 makes that test false, hence the two flags).
   */
  private static boolean sudoFields(String m) {
    boolean commandAt0 = m.startsWith(" ; COMMAND=");
    boolean userAt0 = m.startsWith(" ; USER=");
    for (int k = m.indexOf(" ; ", 1); k > 0; k = m.indexOf(" ; ", k + 1)) {
      if ((!commandAt0 && m.startsWith("COMMAND=", k + 3)) || (!userAt0 && m.startsWith("USER=", k + 3))) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------- sshd

  private static boolean sshd(Event e, String m) {
    if (m.startsWith("Failed ") || m.startsWith("Accepted ")) {
      boolean ok = m.charAt(0) == 'A';
      int ms = ok ? 9 : 7;
      int forAt = m.indexOf(" for ", ms);
      if (forAt < 0) {
        return false;
      }
      String method = method(m, ms, forAt);
      int u = forAt + 5;
      boolean invalid = false;
      if (m.startsWith("invalid user ", u) || m.startsWith("illegal user ", u)) {
        invalid = true;
        u += 13;
      }
      int from = last(m, " from ");
      if (from < u) {
        return false;
      }
      Put.field(e, Fields.USER_NAME, m.substring(u, from));
      address(e, m, from + 6);
      if (invalid) {
        Put.field(e, "user.invalid", Boolean.TRUE);
      }
      type(e, ok ? AUTH_SUCCESS : AUTH_FAIL, action(ok, method),
          "authentication", ok ? "success" : "failure");
      return true;
    }
    if (m.startsWith("Invalid user ") || m.startsWith("Illegal user ")) {
      int from = last(m, " from ");
      Put.field(e, Fields.USER_NAME, from > 13 ? m.substring(13, from) : (from == 12 ? "" : m.substring(13)));
      if (from >= 12) {
        address(e, m, from + 6);
      }
      type(e, INVALID_USER, "ssh_invalid_user", "authentication", "failure");
      return true;
    }
    if (m.startsWith("Postponed ")) {
      int iu = m.indexOf(" for invalid user ");
      int from = last(m, " from ");
      if (iu > 0 && from > iu) {
        Put.field(e, Fields.USER_NAME, m.substring(iu + 18, from));
        address(e, m, from + 6);
        type(e, INVALID_USER, "ssh_invalid_user", "authentication", "failure");
        return true;
      }
      return false;
    }
    if (m.startsWith("error: PAM: ")) {
      String r = m.substring(12);
      boolean fail = r.startsWith("Authentication failure for ") || r.startsWith("authentication error for ");
      boolean unknown = r.startsWith("User not known to the underlying authentication module for ")
          || r.startsWith("unknown user for ");
      if (!fail && !unknown) {
        return false;
      }
      int forAt = r.indexOf(" for ");
      userFrom(e, r, forAt + 5);
      if (fail) {
        type(e, AUTH_FAIL, "ssh_pam_auth_failure", "authentication", "failure");
      } else {
        type(e, INVALID_USER, "ssh_invalid_user", "authentication", "failure");
      }
      return true;
    }
    if (m.startsWith("error: maximum authentication attempts exceeded for ")) {
      userFrom(e, m, 52);
      type(e, AUTH_FAIL, "ssh_max_auth_attempts", "authentication", "failure");
      return true;
    }
    if (m.startsWith("User ") && m.indexOf(" not allowed because ") > 0) {
      int from = m.indexOf(" from ");
      if (from > 5) {
        Put.field(e, Fields.USER_NAME, m.substring(5, from));
        address(e, m, from + 6);
      }
      type(e, AUTH_FAIL, "ssh_user_not_allowed", "authentication", "failure");
      return true;
    }
    if (m.startsWith("Connection closed by ") || m.startsWith("Connection reset by ")
        || m.startsWith("Disconnected from ")) {
      int p = m.charAt(0) == 'D' ? 18 : m.charAt(11) == 'c' ? 21 : 20;
      boolean authenticating = m.startsWith("authenticating user ", p);
      boolean invalidUser = m.startsWith("invalid user ", p);
      if (authenticating || invalidUser || m.startsWith("user ", p)) {
        p += authenticating ? 20 : invalidUser ? 13 : 5;
        int port = last(m, " port ");
        int ipStart = port > p ? m.lastIndexOf(' ', port - 1) : -1;
        if (ipStart >= p) {
          Put.field(e, Fields.USER_NAME, m.substring(p, ipStart));
          address(e, m, ipStart + 1);
        }
      } else {
        address(e, m, p);
      }
      if (authenticating && m.indexOf("[preauth]") > 0 && m.charAt(0) == 'C') {
        // what OpenSSH >= 7.x logs when a client gives up during authentication (e.g. key scanning)
        type(e, AUTH_FAIL, "ssh_connection_closed_preauth", "authentication", "failure");
      } else {
        type(e, DISCONNECT, m.charAt(0) == 'D' ? "ssh_disconnected" : "ssh_connection_closed", "session", null);
      }
      return true;
    }
    if (m.startsWith("Received disconnect from ") || m.startsWith("error: Received disconnect from ")) {
      address(e, m, m.indexOf(" from ") + 6);
      type(e, DISCONNECT, "ssh_disconnected", "session", null);
      return true;
    }
    if (m.startsWith("input_userauth_request: invalid user ")) {
      int end = m.indexOf(' ', 37);
      Put.field(e, Fields.USER_NAME, m.substring(37, end < 0 ? m.length() : end));
      Put.field(e, Fields.ACTION, "ssh_userauth_request_invalid_user");
      return true;
    }
    if (m.startsWith("Disconnecting: Too many authentication failures for ")) {
      int end = m.indexOf(' ', 52);
      Put.field(e, Fields.USER_NAME, m.substring(52, end < 0 ? m.length() : end));
      Put.field(e, Fields.ACTION, "ssh_too_many_auth_failures");
      return true;
    }
    if (m.startsWith("Did not receive identification string from ")) {
      address(e, m, 43);
      Put.field(e, Fields.ACTION, "ssh_no_identification");
      return true;
    }
    if (m.startsWith("Bad protocol version identification ")) {
      int from = last(m, " from ");
      if (from > 0) {
        address(e, m, from + 6);
      }
      Put.field(e, Fields.ACTION, "ssh_bad_protocol_version");
      return true;
    }
    if (m.startsWith("reverse mapping checking getaddrinfo for ")) {
      int open = m.indexOf('[', 41);
      int close = open < 0 ? -1 : m.indexOf(']', open);
      if (close > open) {
        ip(e, m.substring(open + 1, close));
      }
      Put.field(e, Fields.ACTION, "ssh_reverse_mapping_failed");
      return true;
    }
    if (m.startsWith("fatal: Unable to negotiate with ")) {
      address(e, m, 32);
      Put.field(e, Fields.ACTION, "ssh_negotiation_failed");
      return true;
    }
    return false;
  }

  /** Reads "[invalid user |illegal user ]X from HOST[ port N]" starting at p. */
  private static void userFrom(Event e, String m, int p) {
    if (m.startsWith("invalid user ", p) || m.startsWith("illegal user ", p)) {
      p += 13;
    }
    int from = last(m, " from ");
    if (from >= p) {
      Put.field(e, Fields.USER_NAME, m.substring(p, from));
      address(e, m, from + 6);
    } else {
      int end = m.indexOf(' ', p);
      Put.field(e, Fields.USER_NAME, m.substring(p, end < 0 ? m.length() : end));
    }
  }

  /** Reads "HOST[:...][ port N]" at p into source.ip (or source.domain) and source.port. */
  private static void address(Event e, String m, int p) {
    int n = m.length();
    if (p < 0 || p >= n) {
      return;
    }
    int end = p;
    while (end < n && m.charAt(end) != ' ') {
      end++;
    }
    String host = m.substring(p, end);
    if (host.endsWith(":")) {
      host = host.substring(0, host.length() - 1);
    }
    ip(e, host);
    if (m.startsWith(" port ", end)) {
      int ps = end + 6;
      int pe = ps;
      while (pe < n && Character.isDigit(m.charAt(pe))) {
        pe++;
      }
      if (pe > ps && pe - ps <= 5) {
        Put.field(e, Fields.SOURCE_PORT, parseInt(m, ps, pe));
      }
    }
  }

  private static void ip(Event e, String host) {
    if (host.isEmpty()) {
      return;
    }
    Put.field(e, Ips.isIp(host) ? Fields.SOURCE_IP : "source.domain", host);
  }

  // ----------------------------------------------------------------------------------------------- PAM

  private static boolean pam(Event e, String service, String r) {
    boolean privileged = service != null && (service.equals("su") || service.equals("su-l")
        || service.equals("sudo") || service.equals("sudo-i"));
    int repeat = -1;
    String rest = r;
    if (!r.isEmpty() && Character.isDigit(r.charAt(0))) { // "2 more authentication failures; ..."
      int sp = r.indexOf(' ');
      if (sp > 0 && r.startsWith(" more authentication failure", sp)) {
        repeat = parseInt(r, 0, sp);
        int semi = r.indexOf(';', sp); // absent when the line was cut short
        rest = "authentication failure" + (semi < 0 ? "" : r.substring(semi));
      }
    }
    if (rest.startsWith("authentication failure")) {
      String user = pamValue(rest, "user=");
      String ruser = pamValue(rest, "ruser=");
      String rhost = pamValue(rest, "rhost=");
      if (privileged && ruser != null) {
        Put.field(e, Fields.USER_NAME, ruser);
        if (user != null) {
          Put.field(e, Fields.USER_TARGET_NAME, user);
        }
      } else if (user != null) {
        Put.field(e, Fields.USER_NAME, user);
      }
      if (rhost != null) {
        ip(e, rhost);
      }
      if (repeat > 0) {
        Put.field(e, "parsed.repeat_count", repeat);
      }
      Put.field(e, "service.name", service);
      type(e, AUTH_FAIL, repeat > 0 ? "pam_auth_failures_repeated" : "pam_auth_failure", "authentication",
          "failure");
      return true;
    }
    if (rest.startsWith("check pass; user unknown")) {
      Put.field(e, "service.name", service);
      type(e, INVALID_USER, "pam_user_unknown", "authentication", "failure");
      return true;
    }
    if (rest.startsWith("session opened for user ")) {
      int by = rest.indexOf(" by ", 24);
      String target = rest.substring(24, by < 0 ? rest.length() : by).trim();
      String actor = null;
      if (by > 0) {
        int paren = rest.indexOf('(', by + 4);
        actor = rest.substring(by + 4, paren < 0 ? rest.length() : paren).trim();
        if (actor.isEmpty()) {
          actor = null;
        }
      }
      Put.field(e, "service.name", service);
      if (privileged) {
        if (actor != null) {
          Put.field(e, Fields.USER_NAME, actor);
        }
        Put.field(e, Fields.USER_TARGET_NAME, target);
        type(e, PRIVILEGED_ACCESS, service.startsWith("sudo") ? "sudo_session_opened" : "su_session_opened",
            "authentication", "success");
      } else {
        Put.field(e, Fields.USER_NAME, target);
        type(e, SESSION_OPEN, "session_opened", "session", "success");
      }
      return true;
    }
    if (rest.startsWith("session closed for user ")) {
      Put.field(e, privileged ? Fields.USER_TARGET_NAME : Fields.USER_NAME, rest.substring(24).trim());
      Put.field(e, "service.name", service);
      type(e, SESSION_CLOSE, "session_closed", "session", "success");
      return true;
    }
    return false;
  }

  /** The value of "key=" in a PAM message ("logname= uid=0 ... rhost=1.2.3.4  user=root"), null if empty. */
  private static String pamValue(String r, String key) {
    int i = -1;
    int from = 0;
    while (true) {
      i = r.indexOf(key, from);
      if (i < 0) {
        return null;
      }
      if (i == 0 || r.charAt(i - 1) == ' ' || r.charAt(i - 1) == ';') {
        break;
      }
      from = i + 1;
    }
    int s = i + key.length();
    int end = s;
    while (end < r.length() && r.charAt(end) != ' ') {
      end++;
    }
    return end > s ? r.substring(s, end) : null;
  }

  // ---------------------------------------------------------------------------------------------- sudo

  private static boolean sudo(Event e, String m) {
    int colon = m.indexOf(" : ");
    if (colon <= 0) {
      return false;
    }
    String user = m.substring(0, colon).trim();
    if (user.isEmpty() || user.indexOf(' ') >= 0) {
      return false;
    }
    String rest = m.substring(colon + 3);
    String first = rest;
    int semi = rest.indexOf(" ; ");
    if (semi >= 0) {
      first = rest.substring(0, semi);
    }
    String command = after(rest, "COMMAND=", null);
    String target = after(rest, "USER=", " ; ");
    String pwd = after(rest, "PWD=", " ; ");
    if (!first.contains("=") && command == null && target == null) {
      return false;
    }
    Put.field(e, Fields.USER_NAME, user);
    if (target != null) {
      Put.field(e, Fields.USER_TARGET_NAME, target);
    }
    if (command != null) {
      Put.field(e, "process.command_line", command);
    }
    if (pwd != null) {
      Put.field(e, "process.working_directory", pwd);
    }
    if (first.endsWith("incorrect password attempt") || first.endsWith("incorrect password attempts")) {
      int sp = first.indexOf(' ');
      int n = sp > 0 ? parseInt(first, 0, sp) : -1;
      if (n > 0) {
        Put.field(e, "parsed.repeat_count", n);
      }
      type(e, AUTH_FAIL, "sudo_incorrect_password", "authentication", "failure");
    } else if (first.startsWith("user NOT") || first.startsWith("command not allowed")
        || first.startsWith("a password is required")) {
      type(e, PRIVILEGE_DENIED, "sudo_denied", "process", "failure");
    } else if (first.startsWith("TTY=") || first.startsWith("PWD=") || first.startsWith("HOST=")
        || first.startsWith("USER=") || first.startsWith("COMMAND=")) {
      type(e, PRIVILEGED_ACCESS, "sudo_command", "process", "success");
    } else {
      Put.field(e, Fields.ACTION, "sudo");
    }
    return true;
  }

  /** The value after {@code key} up to {@code end} (or the end of text when null); null when absent. */
  private static String after(String s, String key, String end) {
    int i = s.indexOf(key);
    while (i > 0 && s.charAt(i - 1) != ' ') {
      i = s.indexOf(key, i + 1);
    }
    if (i < 0) {
      return null;
    }
    int from = i + key.length();
    int to = end == null ? s.length() : s.indexOf(end, from);
    return s.substring(from, to < 0 ? s.length() : to).trim();
  }

  // ------------------------------------------------------------------------------------------------ su

  private static boolean su(Event e, String m, boolean isSu) {
    if (m.startsWith("Successful su for ") || m.startsWith("FAILED su for ")) {
      boolean ok = m.charAt(0) == 'S';
      int p = ok ? 18 : 14;
      int by = m.indexOf(" by ", p);
      if (by < 0) {
        return false;
      }
      Put.field(e, Fields.USER_TARGET_NAME, m.substring(p, by));
      Put.field(e, Fields.USER_NAME, firstWord(m, by + 4));
      suType(e, ok);
      return true;
    }
    if (m.startsWith("BAD SU ")) {
      int to = m.indexOf(" to ", 7);
      if (to < 0) {
        return false;
      }
      Put.field(e, Fields.USER_NAME, m.substring(7, to));
      Put.field(e, Fields.USER_TARGET_NAME, firstWord(m, to + 4));
      suType(e, false);
      return true;
    }
    if (m.startsWith("failed: ") && m.indexOf(" changing from ") > 0) {
      int from = m.indexOf(" changing from ") + 15;
      int to = m.indexOf(" to ", from);
      if (to < 0) {
        return false;
      }
      Put.field(e, Fields.USER_NAME, m.substring(from, to));
      Put.field(e, Fields.USER_TARGET_NAME, firstWord(m, to + 4));
      suType(e, false);
      return true;
    }
    if (m.startsWith("'su ") && m.indexOf("' failed for ") > 0) { // RFC 3164/5424 example
      int q = m.indexOf('\'', 4);
      int f = m.indexOf("' failed for ");
      Put.field(e, Fields.USER_TARGET_NAME, m.substring(4, q));
      Put.field(e, Fields.USER_NAME, firstWord(m, f + 13));
      suType(e, false);
      return true;
    }
    if (!isSu) {
      return false;
    }
    if ((m.startsWith("+ ") || m.startsWith("- ")) && m.indexOf(':') > 0) { // "+ pts/0 alice:root"
      int sp = m.indexOf(' ', 2);
      int colon = m.lastIndexOf(':');
      if (sp > 0 && colon > sp) {
        Put.field(e, Fields.USER_NAME, m.substring(sp + 1, colon));
        Put.field(e, Fields.USER_TARGET_NAME, firstWord(m, colon + 1));
        suType(e, m.charAt(0) == '+');
        return true;
      }
    }
    if (m.startsWith("(to ")) { // util-linux: "(to root) alice on pts/0"
      int close = m.indexOf(") ", 4);
      if (close > 4) {
        Put.field(e, Fields.USER_TARGET_NAME, m.substring(4, close));
        Put.field(e, Fields.USER_NAME, firstWord(m, close + 2));
        suType(e, true);
        return true;
      }
    }
    int to = m.indexOf(" to ");
    if (to > 0 && m.indexOf(" on ", to) > 0 && m.lastIndexOf(' ', to - 1) < 0) { // "dcid to root on /dev/ttyp1"
      Put.field(e, Fields.USER_NAME, m.substring(0, to));
      Put.field(e, Fields.USER_TARGET_NAME, firstWord(m, to + 4));
      suType(e, true);
      return true;
    }
    return false;
  }

  private static void suType(Event e, boolean ok) {
    if (ok) {
      type(e, PRIVILEGED_ACCESS, "su", "authentication", "success");
    } else {
      type(e, AUTH_FAIL, "su_failed", "authentication", "failure");
    }
  }

  // ------------------------------------------------------------------------------------------- helpers

  private static void type(Event e, String type, String action, String category, String outcome) {
    Put.field(e, Fields.EVENT_TYPE, type);
    Put.field(e, Fields.ACTION, action);
    Put.field(e, Fields.CATEGORY, category);
    if (outcome != null) {
      Put.field(e, Fields.OUTCOME, outcome);
    }
  }

  /** Last occurrence of {@code needle}: forward indexOf (a vectorized intrinsic) beats String.lastIndexOf. */
  private static int last(String m, String needle) {
    int found = -1;
    int i = m.indexOf(needle);
    while (i >= 0) {
      found = i;
      i = m.indexOf(needle, i + 1);
    }
    return found;
  }

  private static String firstWord(String m, int p) {
    int end = m.indexOf(' ', p);
    return m.substring(p, end < 0 ? m.length() : end);
  }

  /** The authentication method between {@code from} and {@code to}, without allocating for the common ones. */
  private static String method(String m, int from, int to) {
    int len = to - from;
    if (len == 8 && m.startsWith("password", from)) {
      return "password";
    }
    if (len == 9 && m.startsWith("publickey", from)) {
      return "publickey";
    }
    return m.substring(from, to);
  }

  /** ssh_failed_password, ssh_accepted_publickey, ... (constants for the common methods: no allocation). */
  private static String action(boolean ok, String method) {
    return switch (method) {
      case "password" -> ok ? "ssh_accepted_password" : "ssh_failed_password";
      case "publickey" -> ok ? "ssh_accepted_publickey" : "ssh_failed_publickey";
      case "keyboard-interactive/pam" -> ok ? "ssh_accepted_keyboard_interactive" : "ssh_failed_keyboard_interactive";
      case "none" -> ok ? "ssh_accepted_none" : "ssh_failed_none";
      default -> (ok ? "ssh_accepted_" : "ssh_failed_") + snake(method);
    };
  }

  /** "keyboard-interactive/pam" -> "keyboard_interactive". */
  private static String snake(String method) {
    int slash = method.indexOf('/');
    String s = slash > 0 ? method.substring(0, slash) : method;
    return s.replace('-', '_');
  }

  static int parseInt(String s, int from, int to) {
    if (to <= from || to - from > 9) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + c - '0';
    }
    return v;
  }
}
