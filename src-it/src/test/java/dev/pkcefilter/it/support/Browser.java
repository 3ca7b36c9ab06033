package dev.pkcefilter.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementNotInteractableException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven by Selenium through the system's chromedriver, with a fresh profile (its own
 * cookie jar, shared by its tabs) that is deleted on {@link #close}.
 *
 * <p>It uses {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian's {@code chromium} and
 * {@code chromium-driver}; other paths through the system properties {@code it.chromium} and
 * {@code it.chromedriver}) and never downloads anything: without them it fails with a message saying what to
 * install. Selenium Manager is kept offline by {@code SE_OFFLINE=true} (set by failsafe in pom.xml).
 */
public final class Browser implements AutoCloseable {

    /** The browser binary. */
    public static final Path CHROMIUM = Path.of(System.getProperty("it.chromium", "/usr/bin/chromium"));
    /** The matching chromedriver. */
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("it.chromedriver", "/usr/bin/chromedriver"));

    /** How long a page may take to arrive where a test expects it. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private static final Json JSON = new Json();
    /**
     * Selenium warns at every start that it has no DevTools (CDP) classes for this Chromium: they are not needed
     * (no selenium-devtools artifact on purpose). Held here so the level sticks.
     */
    private static final Logger CDP_WARNINGS = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        CDP_WARNINGS.setLevel(Level.SEVERE);
    }

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    /** Starts chromedriver and a headless Chromium with a fresh profile. */
    public Browser() {
        for (Path executable : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(executable)) {
                throw new IllegalStateException(executable + " is missing: the browser tests need Chromium and its"
                        + " driver. On Debian or Ubuntu: apt-get install -y chromium chromium-driver (.ci/run does"
                        + " this); elsewhere set -Dit.chromium=... and -Dit.chromedriver=...");
            }
        }
        try {
            profile = Files.createTempDirectory("chromium-profile-"); // java.io.tmpdir is target/ under failsafe
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
        // the performance log holds every request the browser made, redirects included (see documents)
        options.setCapability("goog:loggingPrefs", Map.of(LogType.PERFORMANCE, "ALL"));
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            deleteProfile();
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(WAIT);
    }

    /** The driver, for what this class does not cover (tabs, history). */
    public WebDriver driver() {
        return driver;
    }

    /** Navigates to the URL (as typed in the address bar) and waits for the page to load. */
    public void open(String url) {
        driver.get(url);
    }

    /** The current tab's URL. */
    public String url() {
        return driver.getCurrentUrl();
    }

    /** The current tab's document as HTML. */
    public String source() {
        return driver.getPageSource();
    }

    /** The current tab's title, URL and document, to explain a failed assertion. */
    public String describe() {
        return driver.getTitle() + " at " + driver.getCurrentUrl() + ":\n" + driver.getPageSource();
    }

    /** True if the current tab shows Keycloak's login form. */
    public boolean showsLoginForm() {
        return !driver.findElements(By.name("username")).isEmpty() && !driver.findElements(By.name("password")).isEmpty();
    }

    /** Waits until the current tab shows Keycloak's login form. */
    public void awaitLoginForm() {
        try {
            new WebDriverWait(driver, WAIT).until(d -> showsLoginForm());
        } catch (TimeoutException e) {
            throw new AssertionError("no Keycloak login form after " + WAIT + " in " + describe(), e);
        }
    }

    /** Fills Keycloak's login form in the current tab and submits it (does not wait for what follows). */
    public void submitLogin(String user, String password) {
        awaitLoginForm();
        driver.findElement(By.name("username")).sendKeys(user);
        driver.findElement(By.name("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
    }

    /**
     * Waits until the current tab's URL is exactly this one, signing in whenever the tab shows a login form it has
     * not been sent yet. Keycloak's login page watches for a sign-in in another tab of the same browser and then
     * reloads by itself, which can happen at any moment, even between typing and the click: a form that disappears
     * under our hands is a new page to look at, not a failure. At most one submission per page loaded.
     */
    public void awaitUrlSigningInIfAsked(String url, String user, String password) {
        WebElement[] submitted = {null};
        try {
            new WebDriverWait(driver, WAIT).until(d -> {
                if (url.equals(d.getCurrentUrl())) {
                    return true;
                }
                try {
                    List<WebElement> buttons = d.findElements(By.id("kc-login"));
                    if (showsLoginForm() && !buttons.isEmpty() && !buttons.get(0).equals(submitted[0])) {
                        fill(By.name("username"), user);
                        fill(By.name("password"), password);
                        buttons.get(0).click();
                        submitted[0] = buttons.get(0);
                    }
                } catch (StaleElementReferenceException | NoSuchElementException | ElementNotInteractableException reloadedMeanwhile) {
                    // the page went on by itself; look again at what it shows now
                }
                return false;
            });
        } catch (TimeoutException e) {
            throw new AssertionError("not at " + url + " after " + WAIT + " but in " + describe(), e);
        }
    }

    private void fill(By field, String value) {
        WebElement input = driver.findElement(field);
        input.clear();
        input.sendKeys(value);
    }

    /** Waits until the current tab's URL is exactly this one. */
    public void awaitUrl(String url) {
        try {
            new WebDriverWait(driver, WAIT).until(ExpectedConditions.urlToBe(url));
        } catch (TimeoutException e) {
            throw new AssertionError("not at " + url + " after " + WAIT + " but in " + describe(), e);
        }
    }

    /** A document the browser requested (a page load or one hop of its redirects) and the status it got. */
    public record Document(String url, int status) {
        /** Status and URL, the value of a {@code code} parameter left out. */
        @Override
        public String toString() {
            return status + " " + url.replaceAll("([?&]code=)[^&]*", "$1…");
        }
    }

    /**
     * The documents (page loads, each redirect hop included) every tab requested since the previous call, oldest
     * first, with the HTTP status each got (0 if none arrived), read from Chromium's performance log.
     */
    public List<Document> documents() {
        List<String> urls = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        Map<String, Integer> lastHopOfRequest = new HashMap<>(); // a redirect keeps its request id
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            Map<String, Object> message = asMap(asMap(JSON.toType(entry.getMessage(), Map.class)).get("message"));
            Map<String, Object> params = asMap(message.get("params"));
            if (!"Document".equals(params.get("type"))) {
                continue;
            }
            String requestId = String.valueOf(params.get("requestId"));
            Integer last = lastHopOfRequest.get(requestId);
            if ("Network.requestWillBeSent".equals(message.get("method"))) {
                if (last != null && params.get("redirectResponse") != null) {
                    statuses.set(last, status(asMap(params.get("redirectResponse"))));
                }
                lastHopOfRequest.put(requestId, urls.size());
                urls.add(String.valueOf(asMap(params.get("request")).get("url")));
                statuses.add(0);
            } else if ("Network.responseReceived".equals(message.get("method")) && last != null) {
                statuses.set(last, status(asMap(params.get("response"))));
            }
        }
        List<Document> documents = new ArrayList<>(urls.size());
        for (int i = 0; i < urls.size(); i++) {
            documents.add(new Document(urls.get(i), statuses.get(i)));
        }
        return documents;
    }

    /**
     * Saves a PNG of the current tab as {@code <name>.png} in the directory named by the system property
     * {@code it.screenshot.dir} (default {@code target}).
     */
    public Path screenshot(String name) {
        Path file = Path.of(System.getProperty("it.screenshot.dir", "target")).toAbsolutePath().resolve(name + ".png");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Ends Chromium and chromedriver and deletes the profile. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteProfile();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    private static int status(Map<String, Object> response) {
        return response.get("status") instanceof Number status ? status.intValue() : 0;
    }

    private void deleteProfile() {
        try (Stream<Path> paths = Files.walk(profile)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + profile + ": " + e);
        }
    }
}
