package dev.pkcefilter.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.pkcefilter.it.support.AgainstFakeServer;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.ExampleWar;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Isolation under load: 50 people sign in to the example application at the same time (the fake approves whoever
 * {@code login_hint} names, as if each had typed their name at its login page; each client its own cookie jar), then
 * 20 rounds of 50 concurrent {@code GET /example/app/userinfo}, which calls the API (the fake's userinfo endpoint)
 * with the session's bearer token: every answer must be that person's own identity, and no answer a 5xx.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class IsolationIT extends AgainstFakeServer {

    IsolationIT() {
        super(ExampleWar.CONTEXT_ROOT);
    }

    private static final int USERS = 50;
    private static final int ROUNDS = 20;

    @Deployment(testable = false)
    static WebArchive example() throws Exception {
        fake = new FakeAuthorizationServer();
        // example.api-url unset: the example calls the userinfo endpoint that discovery found, the fake's
        return ExampleWar.withContextParams(Map.of("pkce.issuer", fake.issuer()));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a bound, not a measurement
    void fiftyConcurrentUsersEachSeeOnlyTheirOwnIdentity() throws Exception {
        List<BrowserlessClient> browsers = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            browsers.add(new BrowserlessClient());
        }
        ExecutorService pool = Executors.newFixedThreadPool(USERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Callable<Integer>> logins = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                int user = i;
                logins.add(() -> {
                    start.await();
                    return signIn(browsers.get(user), "user" + user);
                });
            }
            List<Future<Integer>> pending = logins.stream().map(pool::submit).toList();
            long started = System.nanoTime();
            start.countDown();
            List<Integer> statuses = await(pending);
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "IsolationIT: %d concurrent logins in %.2f s: %.1f logins/s%n",
                    USERS, seconds, USERS / seconds);
            assertEquals(List.of(200), statuses.stream().distinct().toList(), "every login ends on the signed-in page");

            int answers = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<Future<String>> calls = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    BrowserlessClient browser = browsers.get(i);
                    String user = "user" + i;
                    calls.add(pool.submit(() -> {
                        HttpResponse<String> response = browser.get(base + "app/userinfo", BrowserlessClient.XHR);
                        assertTrue(response.statusCode() < 500,
                                user + ": " + response.statusCode() + " " + response.body());
                        assertEquals(200, response.statusCode(), user + ": " + response.body());
                        return response.body();
                    }));
                }
                List<String> bodies = await(calls);
                for (int i = 0; i < USERS; i++) {
                    assertEquals(identity("user" + i), identity(bodies.get(i)), "round " + round + ", user" + i);
                    answers++;
                }
            }
            System.out.println("IsolationIT: " + answers + " userinfo answers, each the caller's own identity");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Signs in as a person who types {@code user} at the authorization server: the authorize URL plus login_hint. */
    private int signIn(BrowserlessClient browser, String user) {
        HttpResponse<String> toAuthorize = browser.get(base + "app/", BrowserlessClient.NAVIGATION);
        assertEquals(302, toAuthorize.statusCode(), toAuthorize.body());
        String authorize = BrowserlessClient.location(toAuthorize);
        assertTrue(authorize.startsWith(fake.issuer() + "/authorize?"), authorize);
        HttpResponse<String> approved = browser.get(
                authorize + "&login_hint=" + URLEncoder.encode(user, StandardCharsets.UTF_8), BrowserlessClient.NAVIGATION);
        return browser.follow(approved, BrowserlessClient.NAVIGATION, new ArrayList<>()).status();
    }

    /** The identity in a userinfo answer, or the one expected for a user name. */
    private static String identity(String bodyOrUser) {
        if (!bodyOrUser.startsWith("{")) {
            return "sub=" + bodyOrUser + " preferred_username=" + bodyOrUser;
        }
        Map<String, String> claims = FakeAuthorizationServer.json(bodyOrUser);
        return "sub=" + claims.get("sub") + " preferred_username=" + claims.get("preferred_username");
    }

    private static <T> List<T> await(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get(3, TimeUnit.MINUTES));
        }
        return results;
    }
}
