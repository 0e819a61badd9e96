package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real headless Chromium against the WAR on Payara Micro, with two devices
 * synced by the command line: a non-admin token is refused at sign-in; the Overview shows the live
 * release, change capture and the releases, the Tables page the synced tables, the Releases page a
 * release's rollout as a chart; the Replicas page lists both devices with their release; a new
 * release's rollout goes from 0 of 2 to 2 of 2 as they sync; a device's page shows its syncs
 * and the values its replica holds in quarantine; a token created on the Tokens page syncs, edited there it
 * syncs its new grants (a bad filter is refused with the server's reason), and one revoked there is
 * refused at its next sync. Each page is saved as a screenshot under {@code
 * target/console/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {
    private static final String ADMIN_TOKEN = "e2e-console-admin";
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private OutpostStack stack;
    private ApiCalls api;
    private ChromeDriver browser;
    private Path screenshots;
    private String vanA;
    private String vanB;

    @BeforeAll
    void start() throws Exception {
        Path runDir = Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
        Browser.ensureInstalled(runDir);
        screenshots = runDir.resolve("console");
        stack = OutpostStack.start("console", "e2e-console-unused", "outpost.admin-tokens=" + ADMIN_TOKEN + "\n", c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 3, 10);
        });
        api = new ApiCalls(stack.server().baseUri());
        vanA = create("van-a");
        vanB = create("van-b");
        assertEquals(0, sync("van-a", vanA).exit());
        assertEquals(0, sync("van-b", vanB).exit());
        browser = Browser.start(stack.work());
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theConsoleIsServedWithAPolicyThatAllowsOnlyItsOwnScripts() {
        HttpResponse<String> page = api.get("admin/", null);
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && policy.contains("default-src 'none'"), policy);
        assertFalse(page.body().contains("<script>"), "no inline script");
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing from elsewhere");
    }

    @Test
    @Order(2)
    void aTokenThatIsNotAnAdminTokenIsRefusedAtSignIn() throws Exception {
        browser.get(stack.server().baseUri() + "admin/");
        signIn(vanA);
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "not an admin token"));
        Browser.screenshot(browser, screenshots.resolve("sign-in-refused.png"));
        assertFalse(browser.findElement(By.id("replicas")).isDisplayed());
    }

    @Test
    @Order(3)
    void theReplicasPageShowsBothDevicesAndARolloutAsTheySync() throws Exception {
        signIn(ADMIN_TOKEN);
        // the first page: the live release, change capture and the releases with the replicas on each
        await(d -> text("live").contains("1.0")
                && text("capture").contains("capturing")
                && text("capture").matches("(?s).*Capturing instance\\s+\\d+@.*")
                && onRelease("1.0").equals("2 of 2"));
        // the fleet over time: the servers sample it within seconds of starting, then once a minute
        await(d -> browser.findElements(By.cssSelector("#fleet-chart canvas")).size() == 1
                && browser.findElements(By.cssSelector("#lag-chart canvas")).size() == 1);
        Browser.screenshot(browser, screenshots.resolve("overview.png"));

        browser.findElement(By.id("nav-replicas")).click();
        await(d -> replicaRows().size() == 2 && rolloutText().contains("Release 1.0: 2 of 2 replicas"));
        assertTrue(browser.findElement(By.id("replica-table")).getText().contains("van-a"));
        Browser.screenshot(browser, screenshots.resolve("replicas.png"));

        try (Connection c = stack.connect();
                java.sql.Statement s = c.createStatement()) {
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            // a date Derby cannot hold: kept as text in the replicas' quarantine, shown on a replica's page
            s.executeUpdate("insert into users (company_id, email, active, birth_date, created_at)"
                    + " values (1, 'far-future@example.org', true, '99999-01-01', now())");
        }
        browser.findElement(By.id("nav-overview")).click();
        await(d -> text("live").contains("2.0") && onRelease("2.0").equals("0 of 2"));
        Browser.screenshot(browser, screenshots.resolve("overview-0-of-2.png"));
        browser.findElement(By.id("nav-replicas")).click();
        assertEquals(0, sync("van-a", vanA).exit());
        await(d -> rolloutText().contains("Release 2.0: 1 of 2 replicas"));
        Browser.screenshot(browser, screenshots.resolve("rollout-1-of-2.png"));
        assertEquals(0, sync("van-b", vanB).exit());
        await(d -> rolloutText().contains("Release 2.0: 2 of 2 replicas"));
        Browser.screenshot(browser, screenshots.resolve("rollout-2-of-2.png"));

        browser.findElement(By.id("nav-tables")).click();
        await(d -> text("table-table").contains("users"));
        List<WebElement> users = browser.findElements(By.cssSelector("#table-table tbody tr[data-table='users'] td"));
        assertEquals("yes", users.get(4).getText(), "users is followed by the feed");
        assertEquals("2.0", users.get(5).getText(), "release 2.0 added users.phone");
        List<WebElement> companies =
                browser.findElements(By.cssSelector("#table-table tbody tr[data-table='companies'] td"));
        assertEquals("before the first release seen", companies.get(5).getText());
        Browser.screenshot(browser, screenshots.resolve("tables.png"));

        browser.findElement(By.id("nav-releases")).click();
        await(d -> text("rollout-summary").contains("2 of 2 replicas on 2.0")
                && !browser.findElements(By.cssSelector("#rollout-chart canvas"))
                        .isEmpty());
        Browser.screenshot(browser, screenshots.resolve("release-rollout.png"));

        browser.findElement(By.id("nav-overview")).click();
        await(d -> text("live").contains("2.0") && onRelease("2.0").equals("2 of 2"));
        List<WebElement> release =
                browser.findElements(By.cssSelector("#release-table tbody tr[data-release='2.0'] td"));
        assertEquals("user_preferences, users", release.get(3).getText(), "the synced tables release 2.0 changed");
        Browser.screenshot(browser, screenshots.resolve("overview-2.0.png"));
        browser.findElement(By.id("nav-replicas")).click();
        await(d -> replicaRows().size() == 2);

        // the list is drawn again every few seconds: find the row and click it in one go
        await(d -> {
            replicaRows().stream()
                    .filter(r -> r.getText().contains("van-a"))
                    .findFirst()
                    .orElseThrow()
                    .click();
            return true;
        });
        await(d -> browser.findElement(By.id("sync-table")).getText().contains("REBUILT"));
        assertTrue(text("replica-facts").contains("1 in users.birth_date"), text("replica-facts"));
        String history = browser.findElement(By.id("sync-table")).getText();
        assertTrue(history.indexOf("REBUILT") < history.indexOf("CREATED"), "newest first: " + history);
        Browser.screenshot(browser, screenshots.resolve("replica.png"));
    }

    @Test
    @Order(4)
    void aTokenCreatedOnTheTokensPageSyncsAndOneRevokedThereIsRefused() throws Exception {
        browser.findElement(By.id("nav-tokens")).click();
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("token-table"), "van-b"));
        browser.findElement(By.id("token-name")).sendKeys("van-c");
        browser.findElement(By.id("token-grants")).sendKeys("companies\nusers:id,company_id,email where active = true");
        browser.findElement(By.id("token-create")).click();
        WebElement secret = await(ExpectedConditions.visibilityOfElementLocated(By.id("token-secret-value")));
        String vanC = secret.getText().trim();
        assertTrue(vanC.startsWith("op_"), vanC);
        Browser.screenshot(browser, screenshots.resolve("token-created.png"));
        Cli.Run synced = sync("van-c", vanC);
        assertEquals(0, synced.exit(), synced.toString());
        assertTrue(synced.out().contains("2 tables downloaded"), synced.toString());

        // edit van-c: a filter over a column that does not exist is refused with the server's reason
        browser.findElement(By.cssSelector("button[data-edit='van-c']")).click();
        WebElement grants = browser.findElement(By.id("token-grants"));
        grants.clear();
        grants.sendKeys("companies\nusers where nope = 1");
        browser.findElement(By.id("token-create")).click();
        await(ExpectedConditions.textToBePresentInElementLocated(By.id("tokens-error"), "nope"));
        Browser.screenshot(browser, screenshots.resolve("token-edit-refused.png"));
        grants.clear();
        grants.sendKeys("companies");
        browser.findElement(By.id("token-create")).click();
        await(d -> rowOf("van-c").getText().contains("companies")
                && !rowOf("van-c").getText().contains("users"));
        Cli.Run narrowed = sync("van-c", vanC);
        assertEquals(0, narrowed.exit(), narrowed.toString());
        assertTrue(
                narrowed.out().contains("0 tables downloaded, 1 kept"), "users dropped, companies kept: " + narrowed);

        WebElement revoke = browser.findElement(By.cssSelector("button[data-token='van-b']"));
        revoke.click();
        await(ExpectedConditions.textToBePresentInElement(revoke, "Confirm"));
        revoke.click();
        await(d -> rowOf("van-b").getText().contains("revoked"));
        Browser.screenshot(browser, screenshots.resolve("token-revoked.png"));
        Conditions.await("van-b is refused", WAIT, () -> {
            try {
                return sync("van-b", vanB).exit() == 4;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void signIn(String token) {
        WebElement field = await(ExpectedConditions.visibilityOfElementLocated(By.id("login-token")));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("login-submit")).click();
    }

    private List<WebElement> replicaRows() {
        return browser.findElements(By.cssSelector("#replica-table tbody tr"));
    }

    /** The Overview's "replicas on it" of a release, or "" while it is not listed. */
    private String onRelease(String tag) {
        List<WebElement> cells =
                browser.findElements(By.cssSelector("#release-table tbody tr[data-release='" + tag + "'] td"));
        return cells.isEmpty() ? "" : cells.get(cells.size() - 1).getText();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private String rolloutText() {
        return browser.findElement(By.id("rollout")).getText();
    }

    private WebElement rowOf(String tokenName) {
        return browser.findElement(By.cssSelector("#token-table tbody tr[data-token='" + tokenName + "']"));
    }

    private <T> T await(java.util.function.Function<? super org.openqa.selenium.WebDriver, T> condition) {
        // the pages redraw their tables every few seconds: an element found before a redraw is stale
        return new WebDriverWait(browser, WAIT)
                .ignoring(StaleElementReferenceException.class)
                .ignoring(java.util.NoSuchElementException.class)
                .until(condition);
    }

    private String create(String name) {
        HttpResponse<String> r = api.postJson(
                SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/" + AdminPaths.TOKENS,
                ADMIN_TOKEN,
                "{\"name\": \"" + name + "\", \"role\": \"replica\","
                        + " \"grants\": [{\"table\": \"companies\"}, {\"table\": \"users\"}]}");
        assertEquals(201, r.statusCode(), r.body());
        return JSON.fromJson(r.body(), CreatedToken.class).secret();
    }

    private Cli.Run sync(String device, String token) throws Exception {
        return Cli.run(
                stack.runDir(),
                "sync",
                "--server",
                stack.server().baseUri().toString(),
                "--token",
                token,
                "--replica",
                stack.work().resolve(device).toString());
    }
}
