package io.phosor.redact;

import static io.phosor.redact.Chars.alnum;
import static io.phosor.redact.Chars.b64url;
import static io.phosor.redact.Chars.b64urlEnd;
import static io.phosor.redact.Chars.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Rules for secrets with a recognisable shape: JWTs, AWS access key ids, GitHub, GitLab, Slack, Stripe,
 * OpenAI, npm, PyPI, SendGrid, Square and Mailchimp tokens, bearer tokens, PEM private key blocks and
 * passwords in URL userinfo. Each is entered only at its literal prefix and walks forward a bounded way.
 */
final class TokenRules {
  private TokenRules() {}

  /** Longest token looked at; real API tokens are far shorter, PEM blocks are handled separately. */
  private static final int MAX_TOKEN = 512;
  /** Longest PEM private key block looked at (a 16384-bit RSA key in PEM is about 12.5 KB). */
  private static final int MAX_PEM = 16_384;

  /** True when a token may start at {@code i}: not glued to a preceding letter or digit. */
  static boolean startsToken(String s, int i) {
    return i == 0 || !alnum(s.charAt(i - 1));
  }

  private static boolean endsToken(String s, int e) {
    return e >= s.length() || !b64url(s.charAt(e));
  }

  /** Adds {@code type} for a base64url run after {@code prefix} at {@code i} of length in [min, max]. */
  private static int prefixed(String s, int i, int prefixLen, int min, int max, PiiType type, Hits hits) {
    int e = b64urlEnd(s, i + prefixLen, MAX_TOKEN);
    int len = e - i - prefixLen;
    if (len >= min && len <= max && endsToken(s, e)) {
      hits.add(type, i, e);
      return e;
    }
    return i + 1;
  }

  private static int prefixedAlnum(String s, int i, int prefixLen, int min, PiiType type, Hits hits) {
    int k = i + prefixLen;
    int limit = Math.min(s.length(), k + MAX_TOKEN);
    while (k < limit && alnum(s.charAt(k))) {
      k++;
    }
    if (k - i - prefixLen >= min && endsToken(s, k)) {
      hits.add(type, i, k);
      return k;
    }
    return i + 1;
  }

  // ---------------------------------------------------------------- by first char

  /** 'e': JWT (RFC 7519): base64url JSON header "eyJ..." . payload [. signature]. */
  static int jwt(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.JWT) || !startsWith(s, i, "eyJ") || !(i == 0 || !b64url(s.charAt(i - 1)))) {
      return i + 1;
    }
    int h = b64urlEnd(s, i, 4096);
    if (h - i < 10 || h >= s.length() || s.charAt(h) != '.') {
      return i + 1;
    }
    int p = b64urlEnd(s, h + 1, 16_384);
    if (p - h - 1 < 4 || !jsonObject(s, i, h) || !jsonObject(s, h + 1, p)) {
      return i + 1;
    }
    int end = p;
    if (p < s.length() && s.charAt(p) == '.') {
      int sig = b64urlEnd(s, p + 1, 4096);
      end = sig;
    }
    hits.add(PiiType.JWT, i, end);
    return end;
  }

  private static boolean jsonObject(String s, int from, int to) {
    if ((to - from) % 4 == 1) {
      return false;
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(s.substring(from, to));
    } catch (IllegalArgumentException e) {
      return false;
    }
    String json = new String(bytes, StandardCharsets.UTF_8).strip();
    return json.length() >= 2 && json.charAt(0) == '{' && json.charAt(json.length() - 1) == '}'
        && json.indexOf('\uFFFD') < 0;
  }

  /** 'A': AWS access key ids (AKIA long-term, ASIA temporary, ABIA, ACCA, A3T*): 20 upper-case alnum. */
  static int aws(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.AWS_KEY) || !startsToken(s, i) || i + 20 > s.length()) {
      return i + 1;
    }
    boolean prefix = startsWith(s, i, "AKIA") || startsWith(s, i, "ASIA") || startsWith(s, i, "ABIA")
        || startsWith(s, i, "ACCA") || startsWith(s, i, "A3T");
    if (!prefix) {
      return i + 1;
    }
    for (int k = i; k < i + 20; k++) {
      char c = s.charAt(k);
      if (!((c >= 'A' && c <= 'Z') || Chars.digit(c))) {
        return i + 1;
      }
    }
    if (i + 20 < s.length() && alnum(s.charAt(i + 20))) {
      return i + 1;
    }
    hits.add(PiiType.AWS_KEY, i, i + 20);
    return i + 20;
  }

  /** 'g': GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) and GitLab tokens (gl*-). */
  static int g(String s, int i, Hits hits) {
    if (!startsToken(s, i) || i + 4 >= s.length()) {
      return i + 1;
    }
    char c1 = s.charAt(i + 1);
    if (c1 == 'h') {
      if (!hits.wants(PiiType.GITHUB_TOKEN)) {
        return i + 1;
      }
      if (s.charAt(i + 3) == '_' && "pousr".indexOf(s.charAt(i + 2)) >= 0) {
        return prefixedAlnum(s, i, 4, 36, PiiType.GITHUB_TOKEN, hits);
      }
      if (startsWith(s, i, "github_pat_")) {
        return prefixed(s, i, 11, 22, 255, PiiType.GITHUB_TOKEN, hits);
      }
      return i + 1;
    }
    if (c1 != 'l' || !hits.wants(PiiType.API_KEY)) {
      return i + 1;
    }
    // GitLab token prefixes (docs.gitlab.com/ee/security/tokens/), lengths as GitLab issues them
    if (startsWith(s, i, "glpat-")) {
      return prefixed(s, i, 6, 20, 255, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "gldt-") || startsWith(s, i, "glrt-") || startsWith(s, i, "glft-")) {
      return prefixed(s, i, 5, 20, 255, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "glsoat-")) {
      return prefixed(s, i, 7, 20, 50, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "glcbt-")) {
      return prefixed(s, i, 6, 20, 50, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "glimt-")) {
      return prefixed(s, i, 6, 25, 25, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "glptt-")) {
      return prefixed(s, i, 6, 40, 40, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "gloas-")) {
      return prefixed(s, i, 6, 64, 64, PiiType.API_KEY, hits);
    }
    return i + 1;
  }

  /** 'G': GitLab runner registration tokens (GR1348941...). */
  static int gitlabRunner(String s, int i, Hits hits) {
    if (hits.wants(PiiType.API_KEY) && startsToken(s, i) && startsWith(s, i, "GR1348941")) {
      return prefixed(s, i, 9, 20, 50, PiiType.API_KEY, hits);
    }
    return i + 1;
  }

  /** 'x': Slack tokens (xoxb-, xoxp-, xoxa-, xoxo-, xoxr-, xoxs-, xoxe-, xapp-). */
  static int slack(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.SLACK_TOKEN) || !startsToken(s, i) || i + 5 >= s.length()) {
      return i + 1;
    }
    boolean xox = startsWith(s, i, "xox") && "abposre".indexOf(s.charAt(i + 3)) >= 0 && s.charAt(i + 4) == '-';
    if (!xox && !startsWith(s, i, "xapp-")) {
      return i + 1;
    }
    return prefixed(s, i, 5, 10, MAX_TOKEN, PiiType.SLACK_TOKEN, hits);
  }

  /** 'h': Slack incoming webhook URLs (hooks.slack.com/services/T.../B.../...). */
  static int slackWebhook(String s, int i, Hits hits) {
    String prefix = "hooks.slack.com/services/";
    if (!hits.wants(PiiType.SLACK_TOKEN) || !startsWith(s, i, prefix)) {
      return i + 1;
    }
    int k = i + prefix.length();
    int limit = Math.min(s.length(), k + 256);
    int slashes = 0;
    while (k < limit && (b64url(s.charAt(k)) || s.charAt(k) == '/')) {
      slashes += s.charAt(k) == '/' ? 1 : 0;
      k++;
    }
    if (slashes < 2 || k - i - prefix.length() < 20) {
      return i + 1;
    }
    int start = i;
    if (i >= 8 && startsWith(s, i - 8, "https://")) {
      start = i - 8;
    } else if (i >= 7 && startsWith(s, i - 7, "http://")) {
      start = i - 7;
    }
    hits.add(PiiType.SLACK_TOKEN, start, k);
    return k;
  }

  /** 's' and 'r': Stripe secret/restricted keys, OpenAI keys, Square OAuth secrets and tokens. */
  static int s(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.API_KEY) || !startsToken(s, i) || i + 3 >= s.length()) {
      return i + 1;
    }
    if (startsWith(s, i, "sk_live_") || startsWith(s, i, "rk_live_") || startsWith(s, i, "sk_test_")
        || startsWith(s, i, "rk_test_")) {
      return prefixedAlnum(s, i, 8, 16, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "sk-")) {
      int e = b64urlEnd(s, i + 3, MAX_TOKEN);
      if (!endsToken(s, e)) {
        return i + 1;
      }
      boolean legacy = e - i >= 40 && s.indexOf("T3BlbkFJ", i) >= 0 && s.indexOf("T3BlbkFJ", i) < e;
      boolean project = (startsWith(s, i, "sk-proj-") || startsWith(s, i, "sk-svcacct-")
          || startsWith(s, i, "sk-admin-")) && e - i >= 80;
      if (legacy || project) {
        hits.add(PiiType.API_KEY, i, e);
        return e;
      }
      return i + 1;
    }
    if (startsWith(s, i, "sq0csp-")) {
      return prefixed(s, i, 7, 43, 43, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "sq0atp-")) {
      return prefixed(s, i, 7, 22, 22, PiiType.API_KEY, hits);
    }
    return i + 1;
  }

  /** 'n': npm access tokens (npm_ and 36 alnum). */
  static int npm(String s, int i, Hits hits) {
    if (hits.wants(PiiType.API_KEY) && startsToken(s, i) && startsWith(s, i, "npm_")) {
      int e = b64urlEnd(s, i + 4, 64);
      if (e - i - 4 == 36 && endsToken(s, e)) {
        hits.add(PiiType.API_KEY, i, e);
        return e;
      }
    }
    return i + 1;
  }

  /** 'p': PyPI upload tokens (macaroons issued by pypi.org or test.pypi.org). */
  static int pypi(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.API_KEY) || !startsToken(s, i) || !startsWith(s, i, "pypi-AgE")) {
      return i + 1;
    }
    if (startsWith(s, i, "pypi-AgEIcHlwaS5vcmc")) {
      return prefixed(s, i, 20, 70, 4096, PiiType.API_KEY, hits);
    }
    if (startsWith(s, i, "pypi-AgENdGVzdC5weXBpLm9yZw")) {
      return prefixed(s, i, 27, 70, 4096, PiiType.API_KEY, hits);
    }
    return i + 1;
  }

  /** 'S': SendGrid API keys (SG. 22 . 43). */
  static int sendgrid(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.API_KEY) || !startsToken(s, i) || !startsWith(s, i, "SG.")) {
      return i + 1;
    }
    int a = b64urlEnd(s, i + 3, 64);
    if (a - i - 3 != 22 || a >= s.length() || s.charAt(a) != '.') {
      return i + 1;
    }
    int b = b64urlEnd(s, a + 1, 64);
    if (b - a - 1 != 43 || !endsToken(s, b)) {
      return i + 1;
    }
    hits.add(PiiType.API_KEY, i, b);
    return b;
  }

  /** 'B'/'b': {@code Bearer <token>} (RFC 6750 section 2.1); the scheme word is kept. */
  static int bearer(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.BEARER_TOKEN) || !Chars.startsWithIgnoreCase(s, i, "bearer")
        || (i > 0 && Chars.alpha(s.charAt(i - 1)))) {
      return i + 1;
    }
    int k = i + 6;
    int spaces = 0;
    while (k < s.length() && s.charAt(k) == ' ' && spaces < 8) {
      k++;
      spaces++;
    }
    if (spaces == 0) {
      return i + 1;
    }
    int t = k;
    int limit = Math.min(s.length(), t + 4096);
    boolean hasDigit = false;
    while (k < limit && (b64url(s.charAt(k)) || "._~+/=".indexOf(s.charAt(k)) >= 0)) {
      hasDigit |= Chars.digit(s.charAt(k));
      k++;
    }
    int len = k - t;
    if (len >= 8 && (hasDigit || len >= 24)) {
      hits.add(PiiType.BEARER_TOKEN, t, k);
      return t; // scan the token too: a JWT behind Bearer is reported as a JWT (Hits.RANK)
    }
    return i + 1;
  }

  /** 'B'/'b': {@code Authorization: Basic <base64 user:password>} (RFC 7617) is a password. */
  static int basic(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.PASSWORD) || !Chars.startsWithIgnoreCase(s, i, "basic ")
        || !Chars.containsIgnoreCase(s, i - 24, i, "authorization")) {
      return i + 1;
    }
    int t = i + 6;
    int k = t;
    int limit = Math.min(s.length(), t + 4096);
    while (k < limit && (alnum(s.charAt(k)) || s.charAt(k) == '+' || s.charAt(k) == '/' || s.charAt(k) == '=')) {
      k++;
    }
    if (k - t >= 8) {
      hits.add(PiiType.PASSWORD, t, k);
      return k;
    }
    return i + 1;
  }

  /** '-': PEM private key blocks (RFC 7468), to the END line or, when truncated, to the end of the text. */
  static int privateKey(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.PRIVATE_KEY) || !startsWith(s, i, "-----BEGIN ")) {
      return i + 1;
    }
    int headerEnd = s.indexOf("-----", i + 11);
    if (headerEnd < 0 || headerEnd - i > 64 || s.lastIndexOf("PRIVATE KEY", headerEnd) < i) {
      return i + 1;
    }
    int limit = Math.min(s.length(), i + MAX_PEM);
    int end = s.indexOf("-----END ", headerEnd + 5);
    if (end < 0 || end >= limit) {
      end = limit;
    } else {
      int close = s.indexOf("-----", end + 9);
      end = close < 0 || close >= limit ? limit : close + 5;
    }
    hits.add(PiiType.PRIVATE_KEY, i, end);
    return end;
  }

  /** '-': Mailchimp API keys (32 hex, "-us", data-centre number), entered at the dash. */
  static int mailchimp(String s, int i, Hits hits) {
    if (!hits.wants(PiiType.API_KEY) || i < 32 || !startsWith(s, i, "-us") || !Chars.digitAt(s, i + 3)) {
      return i + 1;
    }
    int start = i - 32;
    for (int k = start; k < i; k++) {
      char c = s.charAt(k);
      if (!(Chars.digit(c) || (c >= 'a' && c <= 'f'))) {
        return i + 1;
      }
    }
    if (!startsToken(s, start)) {
      return i + 1;
    }
    int e = Chars.digitsEnd(s, i + 3);
    if (e - i - 3 > 2 || !endsToken(s, e)) {
      return i + 1;
    }
    hits.add(PiiType.API_KEY, start, e);
    return e;
  }

  /** ':' followed by "//": the password in URL userinfo (RFC 3986 section 3.2.1), user name kept. */
  static int urlUserinfo(String s, int colon, Hits hits) {
    if (!hits.wants(PiiType.PASSWORD)) {
      return colon + 1;
    }
    int k = colon + 3;
    int limit = Math.min(s.length(), k + 256);
    int pwColon = -1;
    while (k < limit) {
      char c = s.charAt(k);
      if (c == '@') {
        break;
      }
      if (c == ':' && pwColon < 0) {
        pwColon = k;
      } else if (!(alnum(c) || "-._~%!$&'()*+,;=".indexOf(c) >= 0) || c == '\'') {
        return colon + 1;
      }
      k++;
    }
    if (k >= limit || pwColon < 0 || k - pwColon < 2 || pwColon == colon + 3) {
      return colon + 1;
    }
    hits.add(PiiType.PASSWORD, pwColon + 1, k);
    return k;
  }
}
