package dev.pkcefilter.it.bench;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.pkcefilter.it.support.BrowserlessClient;
import dev.pkcefilter.it.support.FakeAuthorizationServer;
import dev.pkcefilter.it.support.KeycloakServer;
import dev.pkcefilter.it.support.LocalProcesses;
import dev.pkcefilter.it.support.ProcessTree;

/**
 * The benchmark, in one run on one machine: Keycloak and one Payara Micro with the same trivial endpoint four
 * times (no filter, a filter that does nothing, pkce-filter, Jakarta Security's OpenID mechanism), the protected ones
 * signed in at Keycloak through its
 * login form, loaded by {@code wrk} with the session cookie; then the refresh count under 200 concurrent requests
 * (against the fake server) and the session size (real Keycloak tokens); then the JMH figures that
 * {@code filter-impl} measured just before. Writes {@code target/bench-report.md} and prints it.
 *
 * <p>Run from the top level with {@code mvn -Pbench -DskipTests verify}. Settings (system properties, see the
 * {@code bench} profile of src-it/pom.xml): {@code bench.warmup} and {@code bench.duration} (seconds per run),
 * {@code bench.rounds}, {@code bench.threads}, {@code bench.connections}; ports {@code bench.http.port} (58080, the
 * port the realm's benchmark clients allow), {@code bench.keycloak.port} (58180),
 * {@code bench.keycloak.management.port} (59000), {@code bench.fake.port} (58101); {@code bench.jfr=true} records
 * the server with JFR ({@code target/bench/payara.jfr}).
 */
public final class BenchMain {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Wrk.find(); // before anything starts: no wrk, no benchmark
        int httpPort = Integer.getInteger("bench.http.port", 58080);
        int warmup = Integer.getInteger("bench.warmup", 10);
        int duration = Integer.getInteger("bench.duration", 10);
        int rounds = Integer.getInteger("bench.rounds", 5);
        Path target = Path.of(System.getProperty("it.log.dir", "target")).toAbsolutePath();
        Path work = Files.createDirectories(target.resolve("bench"));
        Wrk wrk = new Wrk(work, Integer.getInteger("bench.threads", 2), Integer.getInteger("bench.connections", 16));
        LocalProcesses.requireFreePort(httpPort);

        long started = System.nanoTime();
        KeycloakServer keycloak = KeycloakServer.start(Integer.getInteger("bench.keycloak.port", 58180),
                Integer.getInteger("bench.keycloak.management.port", 59000));
        FakeAuthorizationServer fake = new FakeAuthorizationServer(Integer.getInteger("bench.fake.port", 58101));
        String base = "http://localhost:" + httpPort + "/";
        Process payara = startPayara(work, httpPort, keycloak, fake);
        try {
            for (String app : List.of(BenchWars.NONE, BenchWars.EMPTY_FILTER, BenchWars.PKCE, BenchWars.OPENID,
                    BenchWars.REFRESH)) {
                // deployed: 200 unprotected, a redirect or 401 protected (an application still deploying is 404)
                LocalProcesses.awaitStatus(payara, base + app + "/app/hello", status -> status != 404 && status < 500,
                        STARTUP_TIMEOUT, work.resolve("payara-micro.log"));
            }
            Map<String, App> apps = new LinkedHashMap<>();
            apps.put(BenchWars.NONE, new App("no filter (unprotected)", base + BenchWars.NONE + "/app/hello"));
            apps.put(BenchWars.EMPTY_FILTER, new App("a filter that does nothing (unprotected)",
                    base + BenchWars.EMPTY_FILTER + "/app/hello"));
            apps.put(BenchWars.PKCE, new App("pkce-filter", base + BenchWars.PKCE + "/app/hello"));
            apps.put(BenchWars.OPENID, new App("Jakarta Security `@OpenIdAuthenticationMechanismDefinition`",
                    base + BenchWars.OPENID + "/app/hello"));

            for (App app : apps.values()) {
                app.cookie = app.signsIn ? signIn(app.url) : null;
                requireHello(app);
                System.out.printf("%n== warm-up %s, %d s%n", app.name, warmup);
                wrk.run(app.url, app.cookie, warmup);
            }
            for (int round = 1; round <= rounds; round++) {
                for (App app : apps.values()) {
                    java.time.Instant from = java.time.Instant.now();
                    Wrk.Result result = wrk.run(app.url, app.cookie, duration);
                    System.out.printf(
                            "round %d %-60s %10.0f req/s  p50 %8.0f µs  p99 %8.0f µs  non-200 %d  (%s to %s)%n",
                            round, app.name, result.requestsPerSecond(), result.p50Micros(), result.p99Micros(),
                            result.non200(), from, java.time.Instant.now());
                    if (result.non200() > 0) {
                        throw new IllegalStateException(app.name + ": " + result.non200()
                                + " answers were not 200 (the session was lost?); the figures would be meaningless");
                    }
                    app.results.add(result);
                }
            }
            for (App app : apps.values()) {
                requireHello(app); // still signed in after the load
            }

            SessionFigures.RefreshCount refresh = SessionFigures.refreshUnderLoad(fake,
                    base + BenchWars.REFRESH + "/app/servlet", 200);
            List<SessionFigures.Size> sizes = SessionFigures.keycloakSessionSizes(keycloak, BenchWars.PKCE,
                    base + "session-size-probe");

            String report = BenchReport.markdown(new ArrayList<>(apps.values()), wrk.describe(), warmup, duration,
                    rounds, refresh, sizes, BenchReport.readJmh(Path.of(System.getProperty("bench.jmh.result"))),
                    Duration.ofNanos(System.nanoTime() - started));
            Path file = target.resolve("bench-report.md");
            Files.writeString(file, report);
            System.out.println("\n" + report + "\n(written to " + file + ")");
        } finally {
            ProcessTree.stop(payara, Duration.ofSeconds(30));
            fake.close();
            keycloak.stop();
        }
    }

    /** One benchmark application and its figures. */
    static final class App {
        final String name;
        final String url;
        String cookie;
        final boolean signsIn;
        final List<Wrk.Result> results = new ArrayList<>();

        App(String name, String url) {
            this.name = name;
            this.url = url;
            this.signsIn = !name.endsWith("(unprotected)");
        }
    }

    /** Signs in through Keycloak's login form; returns the application's cookies as one {@code Cookie} header. */
    private static String signIn(String url) {
        BrowserlessClient browser = new BrowserlessClient();
        BrowserlessClient.Result result = browser.loginAtKeycloak(url, KeycloakServer.USER, KeycloakServer.PASSWORD);
        if (result.status() != 200) {
            throw new IllegalStateException("sign-in at " + url + " ended with " + result.status() + ": "
                    + result.hops());
        }
        return cookieHeader(browser.cookies(), URI.create(url));
    }

    private static String cookieHeader(CookieManager cookies, URI uri) {
        // the jar holds loopback cookies under https (BrowserlessClient's LoopbackIsSecure)
        URI secure = URI.create("https:" + uri.getRawSchemeSpecificPart());
        return cookies.getCookieStore().get(secure).stream()
                .filter(c -> c.getPath() == null || uri.getPath().startsWith(c.getPath()))
                .map(HttpCookie::toString).collect(Collectors.joining("; "));
    }

    /** The endpoint answers 200 and its text with the app's cookie, and something else without (when protected). */
    private static void requireHello(App app) throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>(BrowserlessClient.NAVIGATION);
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(app.url));
        headers.forEach(request::header);
        HttpResponse<String> anonymous = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (app.cookie != null) {
            if (anonymous.statusCode() == 200) {
                throw new IllegalStateException(app.name + " answers 200 without a session: it is not protected");
            }
            request.header("Cookie", app.cookie);
        }
        HttpResponse<String> signedIn = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (signedIn.statusCode() != 200 || !signedIn.body().equals("hello\n")) {
            throw new IllegalStateException(app.name + " answered " + signedIn.statusCode() + " with its session");
        }
    }

    private static Process startPayara(Path work, int port, KeycloakServer keycloak, FakeAuthorizationServer fake)
            throws IOException {
        Path log = work.resolve("payara-micro.log");
        List<String> command = new ArrayList<>(CpuPinning.server());
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms512m", "-Xmx512m",
                "-Djava.io.tmpdir=" + work,
                "-Dbench.keycloak.issuer=" + keycloak.issuer(),
                // -Dbench.jfr=true: a flight recording of the server (target/bench/payara.jfr), to profile it
                Boolean.getBoolean("bench.jfr") ? "-XX:StartFlightRecording=filename=" + work.resolve("payara.jfr")
                        + ",settings=profile" : "-Dbench.jfr=false",
                "-jar", LocalProcesses.existing("payara.microJar").toString(),
                "--port", String.valueOf(port),
                "--nohazelcast",
                "--disablephonehome",
                "--prebootcommandfile", LocalProcesses.existing("payara.preboot").toString()));
        for (Path war : List.of(BenchWars.none(work), BenchWars.emptyFilter(work),
                BenchWars.pkce(work, keycloak.issuer()), BenchWars.openId(work),
                BenchWars.refresh(work, fake.issuer()))) {
            command.addAll(List.of("--deploy", war.toString()));
        }
        System.out.println("Starting Payara Micro on 127.0.0.1:" + port + " with the benchmark applications (log: "
                + log + ")");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessTree.stop(process, Duration.ofSeconds(30))));
        return process;
    }
}
