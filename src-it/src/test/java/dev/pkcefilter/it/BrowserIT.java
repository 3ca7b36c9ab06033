package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pkcefilter.it.support.AppUrl;
import dev.pkcefilter.it.support.Browser;
import dev.pkcefilter.it.support.Browser.Document;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.KeycloakServer;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The example WAR on Payara Micro and on WildFly, used by a real headless Chromium against a real Keycloak: the
 * person types the password into Keycloak's own page, and the browser follows every redirect, keeps the cookies
 * and the history, and runs Keycloak's scripts. Each test has its own browser (its own cookie jar). The signed-in
 * person also connects the further client {@code partner} from the page (Keycloak's realm
 * {@value KeycloakServer#PARTNER_REALM}) and disconnects it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BrowserIT {

    private static final Pattern PRESENT = Pattern.compile("\"present\"\\s*:\\s*true");

    private final URL base = AppUrl.of(ExampleWar.CONTEXT_ROOT);

    @Deployment(testable = false)
    static WebArchive example() {
        return ExampleWar.withContextParams(Map.of("pkce.issuer", KeycloakServer.forTests().issuer()));
    }

    @Test
    void signInOnKeycloaksPageEndsOnTheDeepLink() {
        String deepLink = app("app/token?x=1&y=%2F");
        try (Browser browser = new Browser()) {
            browser.open(deepLink);
            browser.awaitLoginForm();
            assertTrue(browser.url().startsWith(KeycloakServer.forTests().issuer() + "/"), browser::describe);
            browser.screenshot("browser-keycloak-login-" + server());

            browser.submitLogin(KeycloakServer.USER, KeycloakServer.PASSWORD);
            browser.awaitUrl(deepLink);
            assertEquals(deepLink, browser.url());
            assertPage(browser, PRESENT);

            browser.open(app("app/userinfo"));
            assertPage(browser, Pattern.compile("\"preferred_username\"\\s*:\\s*\"alice\""));

            browser.open(app("app/"));
            assertEquals(app("app/"), browser.url(), browser::describe);
            assertTrue(browser.source().contains("You are signed in"), browser::describe);
            browser.screenshot("browser-signed-in-" + server());
        }
    }

    @Test
    void twoTabsStartASignInAtOnceAndBothEndSignedIn() {
        String first = app("app/token?tab=1");
        String second = app("app/token?tab=2");
        try (Browser browser = new Browser()) {
            WebDriver driver = browser.driver();
            // both tabs are sent to Keycloak before either signs in: two logins pending in one session
            browser.open(first);
            browser.awaitLoginForm();
            String firstTab = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.TAB);
            browser.open(second);
            browser.awaitLoginForm();
            String secondTab = driver.getWindowHandle();
            browser.documents(); // forget what led here

            driver.switchTo().window(firstTab);
            browser.submitLogin(KeycloakServer.USER, KeycloakServer.PASSWORD);
            browser.awaitUrl(first);
            assertPage(browser, PRESENT);

            // The second tab still shows the form it loaded before, but Keycloak's page notices the other tab's
            // sign-in and may send it on by itself at any moment: do what a person would, sign in if asked.
            driver.switchTo().window(secondTab);
            browser.awaitUrlSigningInIfAsked(second, KeycloakServer.USER, KeycloakServer.PASSWORD);
            assertPage(browser, PRESENT);
            System.out.println("two tabs, what the browser requested: " + browser.documents());

            // the first tab's session is the same one, still signed in
            driver.switchTo().window(firstTab);
            assertOpensWithoutNewLogin(browser, app("app/token"));
        }
    }

    @Test
    void backButtonAfterSignInKeepsTheSession() {
        String deepLink = app("app/token?back=1");
        try (Browser browser = new Browser()) {
            signIn(browser, deepLink);

            // Back through the history that led here. The entry before the deep link is Keycloak's authorization
            // URL: Chromium requests it again, Keycloak (signed in by then) answers at once with a new code for
            // the spent state, and the callback refuses it with the clear 400 page; one more step is the start.
            List<Document> seen = new ArrayList<>();
            for (int i = 0; i < 3 && browser.url().startsWith("http"); i++) {
                browser.driver().navigate().back();
                seen.addAll(browser.documents());
                String page = browser.source();
                assertFalse(page.contains("Exception") || page.contains("at dev."), browser::describe);
            }
            System.out.println("back button: " + seen);

            assertOpensWithoutNewLogin(browser, app("app/token"));
        }
    }

    @Test
    void reloadedCallbackIsAClear400AndTheSessionStaysSignedIn() {
        String deepLink = app("app/token?reload=1");
        try (Browser browser = new Browser()) {
            List<Document> hops = signIn(browser, deepLink);
            String callback = hops.stream().map(Document::url).filter(u -> u.startsWith(app("oauth/callback?")))
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no callback among " + hops));

            browser.open(callback); // the same code and state again, as a reload of the callback would send them
            List<Document> again = browser.documents();
            assertEquals(List.of(new Document(callback, 400)), again);
            String page = browser.source();
            assertTrue(page.contains("<h1>Unknown sign-in response</h1>"), browser::describe);
            assertFalse(page.contains("Exception"), page);
            assertFalse(page.contains("at dev."), page);

            assertOpensWithoutNewLogin(browser, app("app/token"));
        }
    }

    @Test
    void connectPartnerFromTheSignedInPageShowsItsTokenAndDisconnectDropsIt() {
        String page = app("app/");
        try (Browser browser = new Browser()) {
            WebDriver driver = browser.driver();
            browser.open(page);
            browser.submitLogin(KeycloakServer.USER, KeycloakServer.PASSWORD);
            browser.awaitUrl(page);
            assertTrue(browser.source().contains("You are signed in"), browser::describe);
            assertTrue(driver.findElements(By.id("partner-facts")).isEmpty(), browser::describe);
            browser.documents(); // forget what led here

            driver.findElement(By.id("connect-partner")).click();
            browser.awaitLoginForm(); // the partner realm knows no session of this browser: alice signs in there too
            assertTrue(browser.url().startsWith(KeycloakServer.forTests().partnerIssuer() + "/"), browser::describe);
            browser.screenshot("browser-partner-login-" + server());
            // Keycloak's login page may reload by itself (its check for a sign-in in another tab): sign in if asked
            browser.awaitUrlSigningInIfAsked(page, KeycloakServer.USER, KeycloakServer.PASSWORD);
            List<Document> connecting = browser.documents();
            System.out.println("connect partner, what the browser requested: " + connecting);
            assertTrue(connecting.stream().anyMatch(d -> d.url().startsWith(app("oauth/callback/partner?"))
                    && d.status() == 302), connecting::toString);

            WebElement facts = awaitElement(browser, "partner-facts");
            assertTrue(facts.getText().contains("Bearer"), browser::describe);
            assertTrue(Pattern.compile("Token SHA-256 [0-9a-f]{16}…").matcher(facts.getText()).find(),
                    browser::describe);
            assertTrue(driver.findElements(By.id("connect-partner")).isEmpty(), browser::describe);
            browser.screenshot("browser-partner-connected-" + server());

            driver.findElement(By.id("disconnect-partner")).click(); // a form POST with the page's Origin
            awaitElement(browser, "connect-partner");
            assertEquals(page, browser.url(), browser::describe);
            assertTrue(driver.findElements(By.id("partner-facts")).isEmpty(), browser::describe);
            assertTrue(browser.source().contains("You are signed in"), "still signed in: " + browser.describe());
        }
    }

    /** Waits until the current tab shows the element with this id. */
    private static WebElement awaitElement(Browser browser, String id) {
        try {
            return new WebDriverWait(browser.driver(), Browser.WAIT)
                    .until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
        } catch (TimeoutException e) {
            throw new AssertionError("no element " + id + " after " + Browser.WAIT + " in " + browser.describe(), e);
        }
    }

    /** Signs in from a deep link at Keycloak's page; returns the documents requested on the way. */
    private static List<Document> signIn(Browser browser, String deepLink) {
        browser.open(deepLink);
        browser.submitLogin(KeycloakServer.USER, KeycloakServer.PASSWORD);
        browser.awaitUrl(deepLink);
        assertPage(browser, PRESENT);
        return browser.documents();
    }

    /** Opens a protected page, which must load at once (no detour to Keycloak) and hold a token. */
    private static void assertOpensWithoutNewLogin(Browser browser, String url) {
        browser.documents(); // forget earlier requests
        browser.open(url);
        assertEquals(List.of(new Document(url, 200)), browser.documents(), "still signed in, no new login");
        assertPage(browser, PRESENT);
    }

    private static void assertPage(Browser browser, Pattern pattern) {
        assertTrue(pattern.matcher(browser.source()).find(), () -> "no " + pattern + " in " + browser.describe());
    }

    private String app(String path) {
        return base.toString() + path;
    }

    private static String server() {
        return System.getProperty("arquillian.launch", "server");
    }
}
