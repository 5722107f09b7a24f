package io.phosor.parse;

import io.phosor.event.Event;
import io.phosor.event.Fields;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;

/**
 * Recognizes Windows event log records as shippers send them as JSON and maps the common Security events onto
 * {@code parsed.event_type} and ECS fields, so that the rules written for sshd and PAM work on Windows logons too.
 *
 * <ul>
 *   <li><b>Winlogbeat</b> (ECS JSON): {@code winlog.event_id}, {@code winlog.event_data.*} /
 *       {@code winlog.user_data.*}, {@code winlog.channel}, {@code winlog.provider_name},
 *       {@code winlog.computer_name}, {@code event.code};
 *   <li><b>NXLog</b> ({@code im_msvistalog} + {@code to_json()} or {@code xm_gelf}): {@code EventID},
 *       {@code SourceName}, {@code Channel}, {@code Hostname}, {@code EventTime}, {@code Message} and the event's
 *       data as top-level names ({@code TargetUserName}, {@code IpAddress}, ...).
 * </ul>
 *
 * Event ids and their data fields follow Microsoft's "Advanced security audit policy" event reference
 * (learn.microsoft.com, "Audit Logon" 4624/4625, "Audit Special Logon" 4672, "Audit User Account Management"
 * 4720/4726/4740, "Audit Security Group Management" 4728/4732/4756, "Audit Process Creation" 4688, and
 * Eventlog 1102). The mapping is listed in docs/windows.md.
 */
final class WindowsEvents {
  private WindowsEvents() {}

  static final String USER_CREATED = "user_created";
  static final String USER_DELETED = "user_deleted";
  static final String ACCOUNT_LOCKED = "account_locked";
  static final String PROCESS_START = "process_start";
  static final String GROUP_MEMBER_ADDED = "group_member_added";
  static final String LOG_CLEARED = "log_cleared";

  private static final String WINLOG_ID = "winlog.event_id";
  private static final String NXLOG_ID = "EventID";

  /** True when the flattened fields look like a Windows event record from Winlogbeat or NXLog. */
  static boolean isWindows(Map<String, Object> f) {
    return f.containsKey(WINLOG_ID)
        || (f.containsKey(NXLOG_ID) && (f.containsKey("SourceName") || f.containsKey("Channel")
            || f.containsKey("ProviderGuid")));
  }

  /** Maps the record in place: ECS fields from the record's own metadata, then the security event's meaning. */
  static void apply(Event e, ZoneId zone, long nowEpochSecond) {
    Map<String, Object> f = e.mutableFields();
    boolean beat = f.containsKey(WINLOG_ID);
    int id = number(beat ? f.get(WINLOG_ID) : f.get(NXLOG_ID));
    String provider = text(f.get(beat ? "winlog.provider_name" : "SourceName"));
    String channel = text(f.get(beat ? "winlog.channel" : "Channel"));
    String computer = text(f.get(beat ? "winlog.computer_name" : "Hostname"));
    if (id >= 0) {
      f.putIfAbsent("event.code", Integer.toString(id));
    }
    if (provider != null) {
      f.putIfAbsent("event.provider", provider);
    }
    if (computer != null) {
      f.putIfAbsent(Fields.HOST_NAME, computer);
    }
    if (!beat) {
      nxlogMetadata(e, f, zone, nowEpochSecond);
    }
    if (id < 0 || f.containsKey(Fields.EVENT_TYPE) || !security(provider, channel)) {
      return;
    }
    Data d = new Data(f, beat);
    switch (id) {
      case 4624 -> logon(e, d, true);
      case 4625 -> logon(e, d, false);
      case 4672 -> {
        String subject = d.account("SubjectUserName");
        putUser(e, subject, d.get("SubjectDomainName"));
        type(e, human(subject) ? AuthExtractor.PRIVILEGED_ACCESS : null, "special-logon", "iam", "success");
      }
      case 4720 -> account(e, d, USER_CREATED, "added-user-account");
      case 4726 -> account(e, d, USER_DELETED, "deleted-user-account");
      case 4740 -> {
        // the subject is the domain controller's machine account: the locked account is the user of interest
        String target = d.account("TargetUserName");
        putUser(e, target, null);
        Put.field(e, Fields.USER_TARGET_NAME, target);
        String caller = d.get("TargetDomainName"); // "Caller Computer Name" for this event
        if (caller != null) {
          Put.field(e, "source.domain", caller);
        }
        type(e, ACCOUNT_LOCKED, "locked-out-user-account", "iam", "success");
      }
      case 4728, 4732, 4756 -> {
        putUser(e, d.account("SubjectUserName"), d.get("SubjectDomainName"));
        String member = d.get("MemberName");
        String memberName = commonName(member);
        if (memberName != null) {
          Put.field(e, Fields.USER_TARGET_NAME, memberName);
        }
        String memberSid = d.get("MemberSid");
        if (memberSid != null) {
          Put.field(e, "user.target.id", memberSid);
        }
        String group = d.get("TargetUserName");
        if (group != null) {
          Put.field(e, "group.name", group);
        }
        String groupDomain = d.get("TargetDomainName");
        if (groupDomain != null) {
          Put.field(e, "group.domain", groupDomain);
        }
        type(e, GROUP_MEMBER_ADDED, "added-member-to-group", "iam", "success");
      }
      case 4688 -> {
        putUser(e, d.account("SubjectUserName"), d.get("SubjectDomainName"));
        String exe = d.get("NewProcessName");
        if (exe != null) {
          Put.field(e, "process.executable", exe);
          int slash = Math.max(exe.lastIndexOf('\\'), exe.lastIndexOf('/'));
          Put.field(e, Fields.PROCESS_NAME, exe.substring(slash + 1));
        }
        String cmd = d.get("CommandLine");
        if (cmd != null) {
          Put.field(e, "process.command_line", cmd);
        }
        String parent = d.get("ParentProcessName");
        if (parent != null) {
          Put.field(e, "process.parent.executable", parent);
        }
        long pid = hexOrDecimal(d.get("NewProcessId"));
        if (pid >= 0) {
          Put.field(e, Fields.PROCESS_PID, (int) Math.min(pid, Integer.MAX_VALUE));
        }
        type(e, PROCESS_START, "created-process", "process", "success");
      }
      case 1102 -> {
        putUser(e, d.account("SubjectUserName"), d.get("SubjectDomainName"));
        type(e, LOG_CLEARED, "audit-log-cleared", "iam", "success");
      }
      default -> { }
    }
  }

  /** 4624 / 4625: the account that logged on (or tried to), from where, and how. */
  private static void logon(Event e, Data d, boolean success) {
    String user = d.account("TargetUserName");
    putUser(e, user, d.get("TargetDomainName"));
    String ip = ip(d.get("IpAddress"));
    if (ip != null) {
      Put.field(e, Fields.SOURCE_IP, ip);
    }
    long port = hexOrDecimal(d.get("IpPort"));
    if (port > 0 && port <= 65_535) {
      Put.field(e, Fields.SOURCE_PORT, (int) port);
    }
    String workstation = d.get("WorkstationName");
    if (workstation != null) {
      Put.field(e, "source.domain", workstation);
    }
    long logonType = hexOrDecimal(d.get("LogonType"));
    if (logonType >= 0) {
      Put.field(e, "winlog.logon.type", logonTypeName((int) logonType));
    }
    if (success) {
      // Service logons and the machine's own accounts log on all day long: counting them as user logins
      // would drown the login rules (rapid logins, unusual hours) in noise. They keep event.action/outcome.
      boolean person = human(user) && logonType != 5 && logonType != 0;
      type(e, person ? AuthExtractor.AUTH_SUCCESS : null, "logged-in", "authentication", "success");
    } else {
      String status = d.get("SubStatus");
      if (status == null || "0x0".equalsIgnoreCase(status)) {
        status = d.get("Status");
      }
      if (status != null) {
        Put.field(e, "winlog.logon.failure.status", status.toLowerCase(Locale.ROOT));
        String reason = failureReason(status);
        if (reason != null) {
          Put.field(e, "event.reason", reason);
        }
      }
      type(e, AuthExtractor.AUTH_FAIL, "logon-failed", "authentication", "failure");
    }
  }

  private static void account(Event e, Data d, String type, String action) {
    putUser(e, d.account("SubjectUserName"), d.get("SubjectDomainName"));
    String target = d.account("TargetUserName");
    if (target != null) {
      Put.field(e, Fields.USER_TARGET_NAME, target);
    }
    String domain = d.get("TargetDomainName");
    if (domain != null) {
      Put.field(e, "user.target.domain", domain);
    }
    type(e, type, action, "iam", "success");
  }

  private static void nxlogMetadata(Event e, Map<String, Object> f, ZoneId zone, long now) {
    Object msg = f.get("Message");
    if (msg instanceof String m && !f.containsKey(Fields.MESSAGE)) {
      Put.field(e, Fields.MESSAGE, m);
    }
    Object channel = f.get("Channel");
    if (channel instanceof String c) {
      f.putIfAbsent("winlog.channel", c);
    }
    Object sev = f.get("Severity");
    io.phosor.event.Severity level = sev instanceof String w ? io.phosor.event.Severity.parse(w) : null;
    if (level != null) {
      f.putIfAbsent(Fields.SEVERITY, SyslogNames.label(level));
    }
    Object time = f.get("EventTime");
    if (time != null && !f.containsKey(ObjectNormalizer.RESERVED_PREFIX + Fields.TIMESTAMP)) {
      // NXLog writes EventTime in the sender's local time without an offset: the source's zone applies
      Instant t = Timestamps.parseAny(time, zone, now);
      if (t != null) {
        e.timestamp(t);
      }
    }
  }

  /** Where the Security event ids mean what the table says: the Security channel, its auditing and log providers. */
  private static boolean security(String provider, String channel) {
    if (provider != null) {
      return provider.equals("Microsoft-Windows-Security-Auditing") || provider.equals("Microsoft-Windows-Eventlog")
          || provider.equals("Security");
    }
    return channel == null || channel.equalsIgnoreCase("Security");
  }

  private static void type(Event e, String type, String action, String category, String outcome) {
    if (type != null) {
      Put.field(e, Fields.EVENT_TYPE, type);
    }
    Put.field(e, Fields.ACTION, action);
    Put.field(e, Fields.CATEGORY, category);
    Put.field(e, Fields.OUTCOME, outcome);
  }

  private static void putUser(Event e, String user, String domain) {
    if (user != null) {
      Put.field(e, Fields.USER_NAME, user);
    }
    if (domain != null && user != null) {
      Put.field(e, "user.domain", domain);
    }
  }

  /**
   * A person's account rather than the machine's: not a computer account ({@code NAME$}), not SYSTEM, LOCAL
   * SERVICE, NETWORK SERVICE, ANONYMOUS LOGON or the per-session window-manager and font-driver accounts.
   */
  static boolean human(String user) {
    if (user == null || user.endsWith("$")) {
      return false;
    }
    String u = user.toUpperCase(Locale.ROOT);
    return !(u.equals("SYSTEM") || u.equals("LOCAL SERVICE") || u.equals("NETWORK SERVICE")
        || u.equals("ANONYMOUS LOGON") || u.startsWith("DWM-") || u.startsWith("UMFD-"));
  }

  /** An address from IpAddress: "-" and empty mean none; "::ffff:a.b.c.d" is the IPv4 address. */
  private static String ip(String v) {
    if (v == null || v.equals("-") || v.isEmpty()) {
      return null;
    }
    if (v.regionMatches(true, 0, "::ffff:", 0, 7) && v.indexOf('.') > 0) {
      return v.substring(7);
    }
    return v;
  }

  /** The CN of a distinguished name ("CN=bob,OU=Staff,DC=corp"), or the value itself; null for "-". */
  private static String commonName(String dn) {
    if (dn == null || dn.equals("-")) {
      return null;
    }
    if (dn.regionMatches(true, 0, "CN=", 0, 3)) {
      int end = 3;
      while (end < dn.length() && dn.charAt(end) != ',') {
        end += dn.charAt(end) == '\\' ? 2 : 1;
      }
      return dn.substring(3, Math.min(end, dn.length())).replace("\\", "");
    }
    return dn;
  }

  private static String logonTypeName(int t) {
    return switch (t) {
      case 2 -> "Interactive";
      case 3 -> "Network";
      case 4 -> "Batch";
      case 5 -> "Service";
      case 7 -> "Unlock";
      case 8 -> "NetworkCleartext";
      case 9 -> "NewCredentials";
      case 10 -> "RemoteInteractive";
      case 11 -> "CachedInteractive";
      default -> Integer.toString(t);
    };
  }

  /** The NTSTATUS codes of 4625 (Microsoft's 4625 reference), as words. */
  private static String failureReason(String status) {
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "0xc0000064" -> "unknown user name";
      case "0xc000006a" -> "bad password";
      case "0xc000006d" -> "bad user name or password";
      case "0xc000006f" -> "outside authorized hours";
      case "0xc0000070" -> "unauthorized workstation";
      case "0xc0000071", "0xc0000224" -> "password expired or must change";
      case "0xc0000072" -> "account disabled";
      case "0xc0000193" -> "account expired";
      case "0xc0000234" -> "account locked out";
      case "0xc000015b" -> "logon type not granted";
      default -> null;
    };
  }

  private static int number(Object v) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v instanceof String s) {
      return AuthExtractor.parseInt(s.trim(), 0, s.trim().length());
    }
    return -1;
  }

  /** "0x1f4" or "500" -> 500; -1 when neither. */
  private static long hexOrDecimal(String v) {
    if (v == null || v.isEmpty()) {
      return -1;
    }
    try {
      if (v.startsWith("0x") || v.startsWith("0X")) {
        return Long.parseLong(v.substring(2), 16);
      }
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String text(Object v) {
    return v == null ? null : v.toString();
  }

  /** The event's data fields: winlog.event_data / winlog.user_data (Winlogbeat) or top-level names (NXLog). */
  private record Data(Map<String, Object> f, boolean beat) {
    String get(String name) {
      Object v;
      if (beat) {
        v = f.get("winlog.event_data." + name);
        if (v == null) {
          v = f.get("winlog.user_data." + name);
        }
      } else {
        v = f.get(name);
      }
      if (v == null) {
        return null;
      }
      String s = v.toString().trim();
      return s.isEmpty() || s.equals("-") ? null : s;
    }

    /** An account name; NXLog and Winlogbeat both write "-" for none. */
    String account(String name) {
      return get(name);
    }
  }
}
