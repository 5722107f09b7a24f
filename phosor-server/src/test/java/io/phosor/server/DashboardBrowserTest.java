package io.phosor.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser (Debian's headless Chromium through chromedriver) against the real server:
 * keyboard-only login, an alert arriving live over /ws/events from a syslog line, acknowledging it in place,
 * a dry-run block_ip from the incident page after a confirmation, a viewer who gets no buttons, attacker text
 * shown literally, desktop and phone widths, labels, accessible names and contrast. Screenshots go to
 * {@code target/screenshots/}. Skips (with a visible line) where chromium or chromedriver is missing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHROMIUM = System.getenv().getOrDefault("PHOSOR_TEST_CHROMIUM", "/usr/bin/chromium");
  private static final String DRIVER = System.getenv().getOrDefault("PHOSOR_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
  private static final String IP = "203.0.113.77";
  private static final String XSS = "<img src=x onerror=alert(1)>";
  private static final Path SHOTS = Path.of("target", "screenshots");
  /** A small Sigma rule that Phosor supports: sshd password failures, as a keyword search. */
  private static final String SIGMA = """
      title: SSH password failure (dashboard test)
      id: 5f1c9b7e-2d4a-4c1e-9a8b-0d3f6e7a1b2c
      status: test
      description: A failed SSH password, written as a plain keyword search.
      logsource:
        product: linux
        service: sshd
      detection:
        keywords:
          - 'Failed password'
        condition: keywords
      level: medium
      tags:
        - attack.credential_access
        - attack.t1110
      """;
  /** A Sigma rule Phosor reports as unsupported ("2 of" a set of searches). */
  private static final String SIGMA_UNSUPPORTED = """
      title: Two of (dashboard test)
      logsource:
        product: linux
        service: sshd
      detection:
        sel_a:
          - 'Failed password'
        sel_b:
          - 'Invalid user'
        condition: 2 of sel*
      level: low
      """;

  @TempDir
  static Path data;
  static TestServer t;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(DRIVER))) {
      System.out.println("[phosor-browser] dashboard browser tests SKIPPED: " + CHROMIUM + " or " + DRIVER
          + " missing (apt-get install chromium chromium-driver; .ci/run does it as root)");
      Assumptions.abort("chromium or chromedriver missing");
    }
    t = TestServer.start(data, Map.of("PHOSOR_WS_STATS_SECONDS", "1"));
    t.analyst();
    t.viewer();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1280,800", "--no-first-run", "--disable-extensions", "--lang=en-US");
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (t != null) {
      t.close();
    }
  }

  /** No script error and no Content-Security-Policy violation in the browser console during the test. */
  @org.junit.jupiter.api.AfterEach
  void noScriptErrorsOrPolicyViolations() {
    List<String> all = driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
        .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
    List<String> bad = all.stream()
        .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("SyntaxError"))
        .toList();
    assertThat(bad).as("browser console").isEmpty();
  }

  @BeforeEach
  void freshSession() {
    driver.manage().window().setSize(new Dimension(1280, 800));
    driver.get("about:blank");
    driver.get(t.url("/"));
    js("sessionStorage.clear()");
    driver.navigate().refresh();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("login-view")).isDisplayed());
  }

  @Test
  @Order(1)
  void anAnalystLogsInWithTheKeyboardSeesAnAlertArriveLiveAndAcknowledgesIt() throws Exception {
    shot("login");
    accessible("login");
    // keyboard only: the user name field has the focus; Tab to the password, Enter submits
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("username");
    driver.switchTo().activeElement().sendKeys("analyst");
    driver.switchTo().activeElement().sendKeys(Keys.TAB);
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("password");
    driver.switchTo().activeElement().sendKeys(TestServer.USER_PASSWORD, Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("who")).equals("analyst (analyst)"));
    await().atMost(Duration.ofSeconds(10)).until(() -> "live".equals(driver.findElement(By.id("live")).getAttribute("data-state")));
    // the token is in this tab's sessionStorage, never in localStorage or a cookie
    assertThat(js("return sessionStorage.getItem('phosor.token')")).isNotNull();
    assertThat(js("return localStorage.length")).isEqualTo(0L);
    assertThat(driver.manage().getCookies()).isEmpty();

    js("window.phosorNoReload = true");
    sendSyslog(failures(5, IP));
    By brute = By.cssSelector("#alert-feed li[data-rule='ssh-brute-force']");
    await().atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(brute).isEmpty());
    assertThat(js("return window.phosorNoReload === true")).as("the alert came over the live feed, no reload").isEqualTo(true);
    WebElement li = driver.findElement(brute);
    assertThat(li.getText()).contains("source.ip", IP).containsIgnoringCase("critical");
    assertThat(driver.findElements(By.cssSelector("#alert-feed li")).get(0).getAttribute("data-rule"))
        .as("newest first").isIn("ssh-brute-force", "ssh-failed-login");
    shot("alerts");
    accessible("alerts");
    contrast();

    long id = Long.parseLong(li.getAttribute("data-id"));
    driver.findElement(By.cssSelector("button[aria-label='Acknowledge alert " + id + "']")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.cssSelector("#alert-feed li[data-id='" + id + "']"))
        .getText().contains("acknowledged by analyst"));
    assertThat(driver.findElement(By.cssSelector("button[aria-label='Acknowledge alert " + id + "']")).isEnabled()).isFalse();
    JsonNode alert = JSON.readTree(t.get("/api/alerts/" + id, t.viewer()).body());
    assertThat(alert.get("status").asText()).isEqualTo("acknowledged");
    assertThat(alert.get("acknowledged_by").asText()).isEqualTo("analyst");
  }

  @Test
  @Order(2)
  void anAnalystOpensTheIncidentAndRunsADryRunBlockAfterConfirming() throws Exception {
    loginAs("analyst");
    driver.findElement(By.linkText("Incidents")).click();
    By row = By.xpath("//table[@id='incident-table']//a[contains(., '" + IP + "')]");
    await().atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(row).isEmpty());
    shot("incidents");
    accessible("incidents");
    driver.findElement(row).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("respond-form")).isEmpty());
    long incident = Long.parseLong(driver.getCurrentUrl().replaceAll(".*#/incidents/", ""));
    assertThat(new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("respond-action")))
        .getFirstSelectedOption().getAttribute("value")).isEqualTo("block_ip");
    assertThat(driver.findElement(By.id("respond-target")).getAttribute("value")).isEqualTo(IP);
    assertThat(driver.findElement(By.id("respond-dry-run")).isSelected()).as("dry run is the default").isTrue();
    accessible("incident");

    // cancelling the confirmation runs nothing
    driver.findElement(By.id("respond-run")).click();
    await().until(() -> driver.findElement(By.id("confirm")).isDisplayed());
    assertThat(text(By.id("confirm-text"))).contains("block IP address", IP, "#" + incident);
    driver.findElement(By.id("confirm-cancel")).click();
    assertThat(manualActions(incident)).isEmpty();

    driver.findElement(By.id("respond-run")).click();
    await().until(() -> driver.findElement(By.id("confirm")).isDisplayed());
    shot("confirm");
    driver.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("respond-result")).contains("dry_run"));
    List<JsonNode> manual = manualActions(incident);
    assertThat(manual).hasSize(1);
    assertThat(manual.get(0).get("type").asText()).isEqualTo("block_ip");
    assertThat(manual.get(0).get("status").asText()).isEqualTo("dry_run");
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("timeline")).contains("action block_ip"));
    shot("incident");

    // the status changes from the page, and lands on the timeline
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("work-status"))).selectByValue("acknowledged");
    driver.findElement(By.id("work-note")).sendKeys("looking into it");
    driver.findElement(By.id("work-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("incident-status-value")).equals("acknowledged"));
    assertThat(text(By.id("timeline"))).contains("status_changed", "looking into it");

    // phone width: nothing wider than the screen
    driver.manage().window().setSize(new Dimension(375, 812));
    noHorizontalScroll();
    shot("incident-phone");
    driver.findElement(By.linkText("Alerts")).click();
    await().until(() -> !driver.findElements(By.cssSelector("#alert-feed li")).isEmpty());
    // the incident page left behind may still reload (a live update, a retry while typing): it must not come back
    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() ->
        !driver.findElements(By.id("alert-feed")).isEmpty() && driver.findElements(By.id("work-form")).isEmpty());
    noHorizontalScroll();
    shot("alerts-phone");
  }

  @Test
  @Order(3)
  void aViewerSeesNoButtonsItMayNotUse() throws Exception {
    loginAs("viewer");
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#alert-feed li")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#alert-feed button"))).isEmpty();
    driver.findElement(By.linkText("Incidents")).click();
    By row = By.xpath("//table[@id='incident-table']//a[contains(., '" + IP + "')]");
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(row).isEmpty());
    driver.findElement(row).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("timeline")).isEmpty());
    assertThat(driver.findElements(By.id("respond-form"))).isEmpty();
    assertThat(driver.findElements(By.id("work-form"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("#view button"))).isEmpty();
    shot("incident-viewer");
    driver.findElement(By.linkText("Rules")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#rule-table tbody tr")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#view button"))).isEmpty();
    assertThat(driver.findElements(By.id("new-rule"))).isEmpty();
    assertThat(driver.findElement(By.id("nav-audit")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("nav-users")).isDisplayed()).isFalse();
    driver.findElement(By.linkText("Sources")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("source-table")).contains("syslog"));
    assertThat(driver.findElements(By.id("file-form"))).isEmpty();
    assertThat(driver.findElements(By.cssSelector("#view button"))).isEmpty();
  }

  @Test
  @Order(4)
  void attackerControlledTextIsShownLiterallyAndNeverRuns() throws Exception {
    String rule = "{\"id\": \"xss-probe\", \"name\": \"XSS probe\", \"type\": \"pattern\", \"severity\": \"high\","
        + " \"group_by\": [\"user.name\"], \"config\": {\"field\": \"message\", \"contains\": \"xss-probe\"}}";
    assertThat(t.request("POST", "/api/rules", t.admin(), rule, "application/json").statusCode()).isEqualTo(201);
    loginAs("analyst");
    js("window.phosorXss = 0; window.alert = () => { window.phosorXss++; };");
    String event = JSON.writeValueAsString(Map.of("message", "xss-probe", "user", Map.of("name", XSS)));
    assertThat(t.post("/api/webhook/app", TestServer.ingest(), event).statusCode()).isEqualTo(200);
    By li = By.cssSelector("#alert-feed li[data-rule='xss-probe']");
    await().atMost(Duration.ofSeconds(20)).until(() -> !driver.findElements(li).isEmpty());
    assertThat(driver.findElement(li).getText()).contains(XSS);
    assertThat(driver.findElements(By.cssSelector("#alert-feed img"))).isEmpty();
    assertThat(js("return window.phosorXss")).isEqualTo(0L);
    try {
      driver.switchTo().alert();
      throw new AssertionError("a JavaScript alert opened");
    } catch (NoAlertPresentException expected) {
      // nothing ran
    }
  }

  @Test
  @Order(5)
  void anAdminTogglesARuleSeesTheServersValidationMessageCreatesARuleAndTestsIt() throws Exception {
    driver.findElement(By.id("username")).sendKeys("admin");
    driver.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD, Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("who")).startsWith("admin "));
    driver.findElement(By.linkText("Rules")).click();
    By toggle = By.cssSelector("button[aria-label='Disable rule xss-probe']");
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(toggle).isEmpty());
    accessible("rules");
    shot("rules");
    driver.findElement(toggle).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(
        By.cssSelector("button[aria-label='Enable rule xss-probe']")).isEmpty());
    assertThat(JSON.readTree(t.get("/api/rules/xss-probe", t.admin()).body()).get("enabled").asBoolean()).isFalse();
    driver.findElement(By.cssSelector("button[aria-label='Enable rule xss-probe']")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(toggle).isEmpty());
    assertThat(JSON.readTree(t.get("/api/rules/xss-probe", t.admin()).body()).get("enabled").asBoolean()).isTrue();

    driver.findElement(By.id("new-rule")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("rule-source")).isEmpty());
    WebElement source = driver.findElement(By.id("rule-source"));
    source.clear();
    source.sendKeys("{\"id\": \"dash-bad\", \"name\": \"Bad\", \"type\": \"threshold\", \"severity\": \"low\", "
        + "\"config\": {\"field\": \"raw\", \"contains\": \"x\", \"count\": 0, \"window_seconds\": 60}}");
    driver.findElement(By.id("rule-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("rule-problem")).isEmpty());
    assertThat(text(By.id("rule-problem"))).contains("count");
    assertThat(t.get("/api/rules/dash-bad", t.admin()).statusCode()).isEqualTo(404);
    shot("rule-invalid");

    source.clear();
    source.sendKeys("{\"id\": \"dash-probe\", \"name\": \"Dashboard probe\", \"type\": \"pattern\", "
        + "\"severity\": \"low\", \"config\": {\"field\": \"raw\", \"contains\": \"dash-probe\"}}");
    driver.findElement(By.id("rule-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().endsWith("#/rules/dash-probe"));
    assertThat(t.get("/api/rules/dash-probe", t.admin()).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("rule-source")).getAttribute("value")
        .contains("dash-probe"));
    driver.findElement(By.id("test-lines")).sendKeys("<14>Nov 21 10:00:00 web1 app: dash-probe here\nnothing to see");
    driver.findElement(By.id("test-run")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("test-summary")).isEmpty());
    assertThat(text(By.id("test-summary"))).isEqualTo("1 alert would fire over 2 events.");
    assertThat(text(By.id("test-results"))).contains("dash-probe");
    accessible("rule");
    shot("rule");

    driver.findElement(By.linkText("Sources")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("source-table")).contains("syslog"));
    driver.findElement(By.id("file-path")).sendKeys("/etc/shadow", Keys.ENTER);
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("file-problem")).isEmpty());
    accessible("sources");
    shot("sources");
    driver.findElement(By.linkText("Audit")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("audit-table")).contains("POST /api/rules/{rule_id}/toggle"));
    accessible("audit");
    shot("audit");

    driver.findElement(By.linkText("Users")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#user-table tr[data-user='viewer']")).isEmpty());
    driver.findElement(By.id("new-username")).sendKeys("carol");
    driver.findElement(By.id("new-password")).sendKeys("short");
    driver.findElement(By.id("user-create")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("users-problem")).isEmpty());
    assertThat(text(By.id("users-problem"))).contains("12");
    driver.findElement(By.id("new-password")).clear();
    driver.findElement(By.id("new-password")).sendKeys("carol-password-123");
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("new-role"))).selectByValue("analyst");
    driver.findElement(By.id("user-create")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#user-table tr[data-user='carol']")).isEmpty());
    new org.openqa.selenium.support.ui.Select(driver.findElement(By.cssSelector("select[aria-label='Role of carol']"))).selectByValue("viewer");
    await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(t.get("/api/users/carol", t.admin()).body())
        .get("role").asText().equals("viewer"));
    driver.findElement(By.cssSelector("button[aria-label='Delete account carol']")).click();
    await().until(() -> driver.findElement(By.id("confirm")).isDisplayed());
    driver.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> t.get("/api/users/carol", t.admin()).statusCode() == 404);
    accessible("users");
    shot("users");
  }

  @Test
  @Order(6)
  void searchShowsAHistogramAndExpandableEventsAndTheServersQueryError() throws Exception {
    loginAs("viewer");
    driver.findElement(By.linkText("Search")).click();
    WebElement q = driver.findElement(By.id("search-q"));
    q.sendKeys("\"Failed password\"", Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("search-count")).startsWith("5 matching"));
    assertThat(driver.findElements(By.cssSelector("#histogram rect.bar"))).isNotEmpty();
    assertThat(driver.findElement(By.id("histogram")).getAttribute("aria-label")).startsWith("5 matching events");
    List<WebElement> rows = driver.findElements(By.cssSelector("#search-results > li"));
    assertThat(rows).hasSize(5);
    rows.get(0).findElement(By.tagName("summary")).click();
    assertThat(rows.get(0).findElement(By.tagName("pre")).getText()).contains(IP, "Failed password");
    accessible("search");
    shot("search");
    q.clear();
    q.sendKeys("source.ip:999.1.1.1", Keys.ENTER);
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("search-problem")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#search-results > li"))).isEmpty();

    driver.findElement(By.linkText("Overview")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#top-ips li")).isEmpty());
    assertThat(text(By.id("top-rules"))).contains("SSH brute force");
    assertThat(text(By.id("top-ips"))).contains(IP);
    assertThat(text(By.id("figures"))).contains("Open incidents");
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#events-histogram rect.bar")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#alerts-histogram rect.bar"))).isNotEmpty();
    accessible("overview");
    shot("overview");
    driver.manage().window().setSize(new Dimension(375, 812));
    noHorizontalScroll();
    shot("overview-phone");
  }

  @Test
  @Order(7)
  void theLiveFeedShowsTheDropAndReconnectsByItself() throws Exception {
    loginAs("viewer");
    await().atMost(Duration.ofSeconds(10)).until(() -> "live".equals(driver.findElement(By.id("live")).getAttribute("data-state")));
    js("window.phosorNoReload = true");
    int port = t.server().httpPort();
    t.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("live")).startsWith("reconnecting in "));
    shot("reconnecting");
    // the same data directory (the same signing key and accounts) on the same port: the page's token still works
    t = TestServer.start(data, Map.of("PHOSOR_HTTP_PORT", Integer.toString(port)));
    await().atMost(Duration.ofSeconds(40)).until(() -> "live".equals(driver.findElement(By.id("live")).getAttribute("data-state")));
    sendSyslog(failures(5, "198.51.100.23"));
    await().atMost(Duration.ofSeconds(20)).until(() -> text(By.id("alert-feed")).contains("198.51.100.23"));
    assertThat(js("return window.phosorNoReload === true")).as("reconnected by itself, no reload").isEqualTo(true);
  }

  @Test
  @Order(8)
  void aSessionEndsOnA401AndTheLoginFormComesBack() throws Exception {
    loginAs("analyst");
    // a token the server no longer takes (its account changed) ends the session at the next call
    assertThat(t.request("POST", "/api/users/analyst/password", t.admin(),
        "{\"password\": \"" + TestServer.USER_PASSWORD + "-new\"}", "application/json").statusCode()).isEqualTo(204);
    driver.findElement(By.linkText("Incidents")).click();
    await().atMost(Duration.ofSeconds(20)).until(() -> driver.findElement(By.id("login-view")).isDisplayed());
    assertThat(text(By.id("login-error"))).contains("log in again");
    assertThat(js("return sessionStorage.getItem('phosor.token')")).isNull();

    // a token that has expired is not used after a reload: straight to the login form, and forgotten
    js("sessionStorage.setItem('phosor.token', 'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x')");
    driver.navigate().refresh();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("login-view")).isDisplayed());
    assertThat(js("return sessionStorage.getItem('phosor.token')")).isNull();
  }

  @Test
  @Order(9)
  void everyoneSeesARulesHistoryAndAnAdminDeletesTheRuleAfterConfirming() throws Exception {
    String rule = "{\"id\": \"hist-probe\", \"name\": \"History probe\", \"type\": \"pattern\", \"severity\": \"low\","
        + " \"config\": {\"field\": \"raw\", \"contains\": \"hist-probe\"}}";
    assertThat(t.request("POST", "/api/rules", t.admin(), rule, "application/json").statusCode()).isEqualTo(201);
    assertThat(t.request("PUT", "/api/rules/hist-probe", t.admin(), rule.replace("History probe", "History probe v2"),
        "application/json").statusCode()).isEqualTo(200);
    assertThat(t.request("POST", "/api/rules/hist-probe/toggle", t.admin(), "", "application/json").statusCode())
        .isEqualTo(200);

    // a viewer reads the history, newest first, each version's text behind a disclosure, and gets no button
    loginAs("viewer");
    js("location.hash = '#/rules/hist-probe'");
    By entries = By.cssSelector("#rule-history > li");
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(entries).size() == 3);
    List<WebElement> history = driver.findElements(entries);
    assertThat(history).extracting(e -> e.getAttribute("data-change")).containsExactly("toggled", "updated", "created");
    assertThat(history.get(0).getText()).startsWith("Version 3: toggled").contains("disabled");
    WebElement first = history.get(2);
    first.findElement(By.tagName("summary")).click();
    assertThat(first.findElement(By.tagName("pre")).getText()).contains("\"History probe\"").doesNotContain("v2");
    assertThat(driver.findElements(By.cssSelector("#view button"))).isEmpty();
    accessible("rule-history-viewer");
    driver.findElement(By.id("logout")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("login-view")).isDisplayed());

    // a built-in rule has no history through the API and cannot be deleted (it is disabled instead)
    loginAsAdmin();
    js("location.hash = '#/rules/ssh-brute-force'");
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("rule-history-note")).contains("as shipped"));
    assertThat(driver.findElement(By.id("rule-delete")).isDisplayed()).isFalse();

    js("location.hash = '#/rules/hist-probe'");
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(entries).size() == 3);
    WebElement delete = driver.findElement(By.id("rule-delete"));
    assertThat(delete.isDisplayed()).isTrue();
    accessible("rule-history");
    js("document.getElementById('history-title').scrollIntoView()");
    shot("rule-history");
    // cancelling deletes nothing
    delete.click();
    await().until(() -> driver.findElement(By.id("confirm")).isDisplayed());
    assertThat(text(By.id("confirm-text"))).contains("History probe v2", "hist-probe");
    driver.findElement(By.id("confirm-cancel")).click();
    assertThat(t.get("/api/rules/hist-probe", t.admin()).statusCode()).isEqualTo(200);
    // with the keyboard: Enter on the focused Delete button, then OK
    driver.switchTo().activeElement().sendKeys(Keys.ENTER);
    await().until(() -> driver.findElement(By.id("confirm")).isDisplayed());
    shot("rule-delete-confirm");
    driver.findElement(By.id("confirm-ok")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.getCurrentUrl().endsWith("#/rules"));
    assertThat(t.get("/api/rules/hist-probe", t.admin()).statusCode()).isEqualTo(404);
    JsonNode kept = JSON.readTree(t.get("/api/rules/hist-probe/history", t.admin()).body()).get("history");
    assertThat(kept.get(kept.size() - 1).get("change").asText()).isEqualTo("deleted");
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#rule-table tbody tr")).isEmpty());
    assertThat(driver.findElements(By.cssSelector("#rule-table tr[data-id='hist-probe']"))).isEmpty();
  }

  @Test
  @Order(10)
  void aUserChangesTheirPasswordIsSentToLoginAndLogsInWithTheNewOne() throws Exception {
    assertThat(t.request("POST", "/api/users", t.admin(), "{\"username\": \"dana\", \"password\": \""
        + TestServer.USER_PASSWORD + "\", \"role\": \"analyst\"}", "application/json").statusCode()).isEqualTo(201);
    String fresh = "dana-new-password-2024";
    loginAs("dana");
    driver.findElement(By.linkText("Account")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("password-form")).isEmpty());
    assertThat(text(By.id("account-facts"))).contains("dana", "analyst");
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("old-password");
    accessible("account");
    driver.manage().window().setSize(new Dimension(375, 812));
    noHorizontalScroll();
    shot("account-phone");
    driver.manage().window().setSize(new Dimension(1280, 800));

    // the two new passwords differ: said on the page, nothing sent (the session lives on)
    driver.findElement(By.id("old-password")).sendKeys(TestServer.USER_PASSWORD);
    driver.findElement(By.id("account-new-password")).sendKeys(fresh);
    driver.findElement(By.id("account-repeat-password")).sendKeys(fresh + "x", Keys.ENTER);
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("account-problem")).contains("do not match"));
    assertThat(driver.findElement(By.id("account-repeat-password")).getAttribute("aria-invalid")).isEqualTo("true");

    // a wrong current password: the server's message
    driver.findElement(By.id("account-repeat-password")).clear();
    driver.findElement(By.id("account-repeat-password")).sendKeys(fresh);
    driver.findElement(By.id("old-password")).clear();
    driver.findElement(By.id("old-password")).sendKeys("not-the-password-at-all");
    driver.findElement(By.id("password-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("account-problem")).contains("old password is not right"));
    assertThat(driver.findElement(By.id("login-view")).isDisplayed()).isFalse();
    shot("account");

    // the right one: the password changes, the session ends, the login form says why
    driver.findElement(By.id("old-password")).clear();
    driver.findElement(By.id("old-password")).sendKeys(TestServer.USER_PASSWORD);
    driver.findElement(By.id("password-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("login-view")).isDisplayed());
    assertThat(text(By.id("login-error"))).contains("password was changed");
    assertThat(js("return sessionStorage.getItem('phosor.token')")).isNull();
    // the old password no longer opens the door; the new one does (the user name stays filled in)
    assertThat(driver.findElement(By.id("username")).getAttribute("value")).isEqualTo("dana");
    driver.findElement(By.id("password")).sendKeys(TestServer.USER_PASSWORD, Keys.ENTER);
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("login-error")).contains("password was changed")
        && !text(By.id("login-error")).isEmpty());
    assertThat(driver.findElement(By.id("nav")).isDisplayed()).isFalse();
    driver.findElement(By.id("password")).sendKeys(fresh, Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("who")).equals("dana (analyst)"));
  }

  @Test
  @Order(11)
  void anAdminChecksAndImportsSigmaRulesFromAFileAndEditsOneAsSigma() throws Exception {
    Path yml = data.resolve("sshd-failed.yml");
    Files.writeString(yml, SIGMA + "---\n" + SIGMA_UNSUPPORTED);
    String id = "5f1c9b7e-2d4a-4c1e-9a8b-0d3f6e7a1b2c";
    loginAsAdmin();
    driver.findElement(By.linkText("Rules")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.cssSelector("#rule-table tbody tr")).isEmpty());
    // the panel opens from the keyboard; YAML the server cannot read gets its message
    driver.findElement(By.id("sigma-title")).sendKeys(Keys.ENTER);
    await().until(() -> driver.findElement(By.id("sigma-text")).isDisplayed());
    driver.findElement(By.id("sigma-text")).sendKeys("title: [unclosed");
    driver.findElement(By.id("sigma-check")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> text(By.id("sigma-problem")).startsWith("Check failed: "));
    assertThat(text(By.id("sigma-problem")).length()).isGreaterThan("Check failed: ".length() + 5);

    // the file is read in the browser (FileReader) into the text area, then checked: nothing is stored
    driver.findElement(By.id("sigma-file")).sendKeys(yml.toAbsolutePath().toString());
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("sigma-text")).getAttribute("value")
        .equals(SIGMA + "---\n" + SIGMA_UNSUPPORTED));
    accessible("sigma");
    driver.findElement(By.id("sigma-check")).click();
    By rows = By.cssSelector("#sigma-report-table tbody tr");
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(rows).size() == 2);
    assertThat(text(By.id("sigma-summary"))).isEqualTo("Check only, nothing stored: 2 rules, 1 supported, 1 unsupported.");
    List<WebElement> report = driver.findElements(rows);
    assertThat(report.get(0).getText()).contains("SSH password failure (dashboard test)", "sshd-failed.yml, document 1",
        "supported", "created");
    assertThat(report.get(0).findElements(By.tagName("a"))).as("nothing stored yet, nothing to link").isEmpty();
    assertThat(report.get(1).getAttribute("data-status")).isEqualTo("unsupported");
    assertThat(report.get(1).getText()).contains("Two of (dashboard test)", "2 of", "skipped");
    assertThat(t.get("/api/rules/" + id, t.admin()).statusCode()).isEqualTo(404);

    // the import stores the supported rule, in force, and the list shows it without a reload
    driver.findElement(By.id("sigma-import")).click();
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("sigma-summary")).startsWith("Imported "));
    assertThat(text(By.id("sigma-summary"))).isEqualTo("Imported 1 rule (1 created, 0 updated, 0 unchanged); "
        + "1 unsupported, not imported.");
    await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(
        By.cssSelector("#rule-table tr[data-id='" + id + "']")).isEmpty());
    assertThat(text(By.cssSelector("#rule-table tr[data-id='" + id + "']"))).contains("SSH password failure (dashboard test)");
    JsonNode stored = JSON.readTree(t.get("/api/rules/" + id, t.admin()).body());
    assertThat(stored.get("format").asText()).isEqualTo("sigma");
    assertThat(stored.get("source").asText()).isEqualTo(SIGMA);
    js("document.getElementById('sigma-summary').scrollIntoView()");
    shot("sigma");
    driver.manage().window().setSize(new Dimension(375, 812));
    noHorizontalScroll();
    driver.manage().window().setSize(new Dimension(1280, 800));

    // its page shows the Sigma YAML, tests it, and saves it back as Sigma
    driver.findElement(By.cssSelector("#sigma-report-table a[href='#/rules/" + id + "']")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("rule-source")).getAttribute("value")
        .contains("Failed password"));
    assertThat(text(By.cssSelector("label[for='rule-source']"))).startsWith("Sigma rule");
    assertThat(text(By.id("rule-meta"))).contains("sigma");
    driver.findElement(By.id("test-lines")).sendKeys(failures(1, "198.51.100.99"));
    driver.findElement(By.id("test-run")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> !text(By.id("test-summary")).isEmpty());
    assertThat(text(By.id("test-summary"))).isEqualTo("1 alert would fire over 1 event.");
    WebElement source = driver.findElement(By.id("rule-source"));
    source.clear();
    source.sendKeys(SIGMA.replace("level: medium", "level: high"));
    driver.findElement(By.id("rule-save")).click();
    await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElements(By.cssSelector("#rule-history > li")).size() == 2);
    stored = JSON.readTree(t.get("/api/rules/" + id, t.admin()).body());
    assertThat(stored.get("format").asText()).isEqualTo("sigma");
    assertThat(stored.get("severity").asText()).isEqualTo("high");
    assertThat(stored.get("version").asInt()).isEqualTo(2);
    accessible("sigma-rule");
    shot("sigma-rule");
  }

  private static List<JsonNode> manualActions(long incident) throws Exception {
    JsonNode actions = JSON.readTree(t.get("/api/actions?incident_id=" + incident, t.viewer()).body()).get("actions");
    List<JsonNode> out = new java.util.ArrayList<>();
    actions.forEach(a -> {
      if (a.get("trigger").asText().startsWith("manual:")) {
        out.add(a);
      }
    });
    return out;
  }

  private static void loginAsAdmin() {
    driver.findElement(By.id("username")).clear();
    driver.findElement(By.id("username")).sendKeys("admin");
    driver.findElement(By.id("password")).sendKeys(TestServer.ADMIN_PASSWORD, Keys.ENTER);
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("who")).startsWith("admin "));
  }

  private static void loginAs(String user) {
    driver.findElement(By.id("username")).clear();
    driver.findElement(By.id("username")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(TestServer.USER_PASSWORD);
    driver.findElement(By.id("login-submit")).click();
    await().atMost(Duration.ofSeconds(15)).until(() -> text(By.id("who")).startsWith(user + " "));
  }

  private static Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  private static String text(By by) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  /** Every visible form field has a label (or aria-label); every visible button has an accessible name. */
  @SuppressWarnings("unchecked")
  private static void accessible(String page) {
    List<String> problems = (List<String>) js("""
        const out = [];
        const visible = (e) => e.offsetParent !== null || e.getClientRects().length > 0;
        for (const e of document.querySelectorAll('input, select, textarea')) {
          if (!visible(e) || e.type === 'hidden') continue;
          const label = e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]');
          if (!(label && label.textContent.trim()) && !e.getAttribute('aria-label')) out.push('unlabelled ' + e.outerHTML);
        }
        for (const b of document.querySelectorAll('button, a[href]')) {
          if (!visible(b)) continue;
          if (!(b.getAttribute('aria-label') || b.textContent.trim())) out.push('nameless ' + b.outerHTML);
        }
        return out;""");
    assertThat(problems).as("accessibility of the %s page", page).isEmpty();
  }

  /** Severity badges have a contrast ratio of at least 4.5:1 (WCAG AA) between text and background. */
  @SuppressWarnings("unchecked")
  private static void contrast() {
    List<String> problems = (List<String>) js("""
        const lum = (c) => {
          const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((v) => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const out = [];
        const probe = document.createElement('div');
        document.body.append(probe);
        for (const s of ['informational', 'low', 'medium', 'high', 'critical']) {
          const e = document.createElement('span');
          e.className = 'sev sev-' + s;
          e.textContent = s;
          probe.append(e);
          const st = getComputedStyle(e);
          const a = lum(st.color), b = lum(st.backgroundColor);
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) out.push(s + ': ' + ratio.toFixed(2));
        }
        probe.remove();
        return out;""");
    assertThat(problems).as("severity colours below WCAG AA").isEmpty();
  }

  private static void noHorizontalScroll() {
    Object overflow = js("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(((Number) overflow).longValue()).as("horizontal overflow in pixels").isLessThanOrEqualTo(0);
  }

  /** A PNG of the page, scaled down to at most 640 pixels wide to keep it small. */
  private static void shot(String name) throws Exception {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    BufferedImage full = ImageIO.read(new ByteArrayInputStream(png));
    int w = Math.min(640, full.getWidth());
    int h = full.getHeight() * w / full.getWidth();
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    small.getGraphics().drawImage(full.getScaledInstance(w, h, Image.SCALE_SMOOTH), 0, 0, null);
    ImageIO.write(small, "png", SHOTS.resolve(name + ".png").toFile());
  }

  private static void sendSyslog(String lines) throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.server().syslogTcpPort()); OutputStream out = s.getOutputStream()) {
      out.write(lines.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  private static String failures(int n, String ip) {
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("MMM dd HH:mm:ss", Locale.ROOT));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("<38>").append(stamp).append(" srv1 sshd[4242]: Failed password for root from ").append(ip)
          .append(" port ").append(40000 + i).append(" ssh2\n");
    }
    return sb.toString();
  }
}
