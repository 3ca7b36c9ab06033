package dev.pkcefilter.it.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pkcefilter.it.cluster.app.SessionProbeServlet;
import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What a cluster of two nodes with the server's own session replication must do for pkce-filter, without sticky
 * sessions: a {@code <distributable/>} test WAR on both nodes, the fake authorization server (rotating refresh
 * tokens, counting grants), and a browser behind a {@link LoadBalancer} that sends each request to the other node.
 * The figures (replication time, startup, refresh counts) are printed and written to
 * {@code target/failsafe-reports-cluster/cluster-figures.txt}. The last test kills a node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ClusterContract {

    /** pkce.refresh-skew of the deployment. */
    private static final int SKEW_SECONDS = 5;
    /** Rounds of the refresh race, unless {@code -Dit.cluster.race.rounds} says otherwise. */
    private static final int DEFAULT_RACE_ROUNDS = 3;
    private static final String APP = ServerCluster.CONTEXT + "/app/servlet";
    private static final String PROBE = ServerCluster.CONTEXT + "/public/probe";
    private static final Pattern SERVLET_HASH = Pattern.compile("\"servlet\":\"([0-9a-f]{64})\"");

    private FakeAuthorizationServer fake;
    private ServerCluster cluster;
    private LoadBalancer balancer;
    /** Signed in by the refresh race, used again by the failover test. */
    private BrowserlessClient raced;
    private final Map<String, String> figures = new LinkedHashMap<>();

    /** @return the cluster to test, its files under {@code workDir} */
    abstract ServerCluster newCluster(Path workDir);

    @BeforeAll
    void startCluster() throws Exception {
        fake = new FakeAuthorizationServer();
        Path workDir = Files.createDirectories(Path.of(ServerCluster.property("it.cluster.dir"), "work"));
        cluster = newCluster(workDir);
        Path warDir = Files.createDirectories(workDir.resolve(cluster.server() + "-war"));
        Path war = warDir.resolve("cluster.war"); // Payara Micro takes the context root from the file name
        clusterWar().as(ZipExporter.class).exportTo(war.toFile(), true);
        cluster.start(war, Duration.ofMinutes(6));
        balancer = new LoadBalancer(cluster.bases(), cluster.pauseBetweenRequests());
        figure("startup of two nodes, in parallel, until both serve the application",
                cluster.startup().toMillis() + " ms");
    }

    private WebArchive clusterWar() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("pkce.issuer", fake.issuer());
        params.put("pkce.client-id", "cluster-app");
        params.put("pkce.protected-paths", "/app/*");
        params.put("pkce.refresh-skew", "PT" + SKEW_SECONDS + "S");
        params.put("pkce.http-timeout", "PT5S");
        return TestWars.tokenAppWithWebXml("cluster.war", "  <distributable/>\n"
                + TestWars.params("context-param", params)).addClass(SessionProbeServlet.class);
    }

    @AfterAll
    void stopCluster() throws IOException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (fake != null) {
                fake.close();
            }
        }
        StringBuilder text = new StringBuilder();
        figures.forEach((name, value) -> text.append(cluster.server()).append(": ").append(name).append(": ")
                .append(value).append('\n'));
        System.out.print(text);
        Path file = Path.of(ServerCluster.property("it.cluster.dir"), "cluster-figures.txt");
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    @Order(1)
    void aSessionWrittenOnOneNodeIsReadOnTheOther() throws Exception {
        BrowserlessClient browser = new BrowserlessClient(balancer);
        balancer.rotating(false);
        List<Long> millis = new ArrayList<>();
        for (int sample = 1; sample <= 6; sample++) {
            int writer = sample % 2;
            String value = "v" + sample;
            assertEquals(value, browser.get(balancer.on(writer, PROBE + "?set=" + value), Map.of()).body());
            long written = System.nanoTime();
            String read = "";
            while (!read.equals(value) && System.nanoTime() - written < TimeUnit.SECONDS.toNanos(20)) {
                read = browser.get(balancer.on(1 - writer, PROBE), Map.of()).body();
            }
            assertEquals(value, read, "written on node " + writer + ", read on node " + (1 - writer));
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
        }
        figure("a session attribute set on one node, readable on the other after (ms, 6 samples, both directions)",
                millis.toString());
    }

    /**
     * An experiment more than a test: whether a request that runs while another node writes the session sees that
     * write before it ends (what a refused refresh could use). It asserts only that both requests are served and
     * that the write arrives afterwards; what the request saw is reported.
     */
    @Test
    @Order(2)
    void aRequestRunningWhileTheOtherNodeWritesTheSession() throws Exception {
        BrowserlessClient browser = new BrowserlessClient(balancer);
        balancer.rotating(false);
        browser.get(balancer.on(0, PROBE + "?set=before"), Map.of());
        awaitOn(browser, 1, "before");
        CompletableFuture<String> watching = CompletableFuture.supplyAsync(
                () -> browser.get(balancer.on(1, PROBE + "?watch=3000"), Map.of()).body());
        Thread.sleep(500);
        long start = System.nanoTime();
        assertEquals("during", browser.get(balancer.on(0, PROBE + "?set=during"), Map.of()).body());
        long writeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String seen = watching.get(30, TimeUnit.SECONDS);
        assertTrue(seen.startsWith("before "), seen);
        // the browser's next requests, in turn (Payara loads the other node's write when the browser's session
        // version cookie, set by node A's answer, is newer than its own copy)
        assertEquals("during", browser.get(balancer.on(0, PROBE), Map.of()).body());
        awaitOn(browser, 1, "during");
        figure("a request running on node B while node A writes the session",
                (seen.endsWith(" during") ? "sees the write before it ends" : "does not see the write")
                        + "; node A's write took " + writeMillis + " ms");
    }

    @Test
    @Order(3)
    void aLoginStartedOnOneNodeCompletesOnTheOtherAndHoldsOnBoth() {
        balancer.rotating(true);
        BrowserlessClient browser = new BrowserlessClient(balancer);
        int logins = fake.requests("/authorize").size();

        BrowserlessClient.Result result = browser.navigate(balancer.url(APP));

        assertEquals(200, result.status(), result.hops() + "\n" + result.body());
        assertEquals(logins + 1, fake.requests("/authorize").size());
        BrowserlessClient.Hop started = result.hops().get(0);
        BrowserlessClient.Hop callback = result.hops().stream()
                .filter(h -> h.uri().getPath().endsWith("/oauth/callback")).findFirst().orElseThrow();
        assertNotEquals(balancer.nodeOf(started.uri()), balancer.nodeOf(callback.uri()),
                "the login started on one node and its callback went to the other: " + result.hops());
        assertEquals(302, callback.status(), result.hops().toString());
        String token = hash(result.body());

        List<Integer> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> answer = browser.get(balancer.url(APP), BrowserlessClient.XHR);
            assertEquals(200, answer.statusCode(), "request " + i + " on node " + balancer.nodeOf(answer.uri()));
            assertEquals(token, hash(answer.body()), "the same token on every node");
            nodes.add(balancer.nodeOf(answer.uri()));
        }
        assertTrue(nodes.contains(0) && nodes.contains(1), nodes.toString());
        assertEquals(logins + 1, fake.requests("/authorize").size(), "no new login on the other node");
    }

    /**
     * Both nodes see the same token due for refresh at the same moment; the fake rotates refresh tokens (an old one
     * is refused) and answers slowly, so both refresh at once: one wins, the other gets {@code invalid_grant}. Nobody
     * is signed out, and every later request uses the winner's tokens. On WildFly the race does not always happen:
     * WildFly may let one node's requests of a session wait for the other's, which then sees the new tokens (one
     * grant); on Payara it happened in every run. Making the losing node drop its tokens fails this test on Payara.
     * It runs {@code it.cluster.race.rounds} rounds (default {@value #DEFAULT_RACE_ROUNDS}), each with a new login.
     */
    @Test
    @Order(4)
    void theRefreshRaceBetweenNodesSignsNobodyOut() throws Exception {
        int rounds = Integer.getInteger("it.cluster.race.rounds", DEFAULT_RACE_ROUNDS);
        List<String> outcomes = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            outcomes.add(raceRound(round));
        }
        figure("refresh race (8 concurrent requests, 4 per node, one expiring token), " + rounds + " rounds",
                String.join("; ", outcomes));
    }

    /** One round of the race, with a new browser; @return what happened, for the figures */
    private String raceRound(int round) throws Exception {
        fake.reset();
        fake.expiresIn = 2 * SKEW_SECONDS; // due for refresh after 5 s (the skew, half its lifetime), valid for 10
        balancer.rotating(true);
        raced = new BrowserlessClient(balancer);
        BrowserlessClient.Result login = raced.navigate(balancer.url(APP));
        assertEquals(200, login.status(), login.hops().toString());
        String before = hash(login.body());
        int logins = fake.requests("/authorize").size();
        for (int node = 0; node < 2; node++) {
            raced.get(balancer.on(node, ServerCluster.CONTEXT + "/public/events"), Map.of()); // forget older events
        }
        Thread.sleep(SKEW_SECONDS * 1_000 + 500);
        fake.expiresIn = 300;
        fake.refreshDelayMillis = 1_000; // the other node's requests arrive while the first refresh is under way

        balancer.rotating(false);
        List<HttpResponse<String>> race = concurrently(8, i -> raced.get(balancer.on(i % 2, APP),
                BrowserlessClient.XHR));

        int requests = fake.refreshGrants(); // refresh_token grant requests, refused ones included
        int refused = fake.refusedRefreshes();
        String answers = "round " + round + ": " + race.stream().map(a -> "node " + balancer.nodeOf(a.uri()) + " "
                + a.statusCode() + " " + (a.statusCode() == 200 ? hash(a.body()).substring(0, 8) : a.body()))
                .toList() + "; " + requests + " refresh requests, " + refused + " refused";
        for (HttpResponse<String> answer : race) {
            assertEquals(200, answer.statusCode(), answers);
        }
        assertTrue(requests >= 1 && requests <= 2, "refresh requests: " + requests + " (at most one per node)");
        fake.refreshDelayMillis = 0;
        balancer.rotating(true);
        // in turn on both nodes for 10 s, past the 5 s refusal grace and the old token's expiry: every answer 200, and
        // both nodes end on the same new token (the losing node may answer with the old, still valid, token meanwhile)
        List<String> hashes = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            HttpResponse<String> answer = raced.get(balancer.url(APP), BrowserlessClient.XHR);
            assertEquals(200, answer.statusCode(), "round " + round + ", request " + hashes.size()
                    + " after the race, node " + balancer.nodeOf(answer.uri()) + ": " + answer.body());
            hashes.add(hash(answer.body()));
        }
        String after = hashes.get(hashes.size() - 1);
        assertEquals(List.of(after, after, after, after), hashes.subList(hashes.size() - 4, hashes.size()),
                "round " + round + ": both nodes end on the same tokens");
        assertNotEquals(before, after, "the refreshed token");
        assertEquals(requests, fake.refreshGrants(), "round " + round + ": no refresh after the race");
        assertEquals(logins, fake.requests("/authorize").size(), "nobody was sent to sign in again");
        StringBuilder events = new StringBuilder();
        for (int node = 0; node < 2; node++) {
            String text = raced.get(balancer.on(node, ServerCluster.CONTEXT + "/public/events"), Map.of()).body();
            assertFalse(text.contains("RefreshFailed"), "round " + round + ", node " + node + ": " + text);
            events.append(" node ").append(node).append(' ')
                    .append(text.lines().filter(l -> l.startsWith("TokenRefreshed")).count()).append(" refreshed,");
        }
        long stale = hashes.stream().filter(h -> !h.equals(after)).count();
        return requests + " refresh requests (" + (requests - refused) + " granted, " + refused + " refused),"
                + events + " then " + stale + " of " + hashes.size() + " requests in turn with the old token";
    }

    @Test
    @Order(5)
    void afterKill9OfANodeTheOtherServesTheSignedInUser() throws Exception {
        assertTrue(raced != null, "runs after the refresh race, with its signed-in browser");
        balancer.rotating(true);
        HttpResponse<String> last = raced.get(balancer.url(APP), BrowserlessClient.XHR);
        assertEquals(200, last.statusCode());
        String token = hash(last.body());
        int logins = fake.requests("/authorize").size();
        Thread.sleep(cluster.pauseBetweenRequests().toMillis());

        cluster.kill(0);
        balancer.pin(1);
        long start = System.nanoTime();
        HttpResponse<String> answer = raced.get(balancer.url(APP), BrowserlessClient.XHR);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(1, balancer.nodeOf(answer.uri()));
        assertEquals(token, hash(answer.body()), "the same token, without a new login");
        BrowserlessClient.Result page = raced.navigate(balancer.url(APP));
        assertEquals(200, page.status(), page.hops().toString());
        assertEquals(1, page.hops().size(), "no redirect: " + page.hops());
        assertEquals(logins, fake.requests("/authorize").size(), "no new login");
        figure("first request to the surviving node after kill -9 of the other", millis + " ms");
    }

    /** Reads the probe on a node until it shows {@code value} (bounded). */
    private void awaitOn(BrowserlessClient browser, int node, String value) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String read = "";
        while (!read.equals(value) && System.nanoTime() < deadline) {
            read = browser.get(balancer.on(node, PROBE), Map.of()).body();
        }
        assertEquals(value, read, "node " + node);
    }

    private String hash(String body) {
        Matcher m = SERVLET_HASH.matcher(body);
        assertTrue(m.find(), body);
        return m.group(1);
    }

    private void figure(String name, String value) {
        figures.put(name, value);
    }

    private interface Call<T> {
        T call(int index) throws Exception;
    }

    private static <T> List<T> concurrently(int count, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.call(index);
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
