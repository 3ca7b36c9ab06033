package dev.pkcefilter.it.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark's one report, in Markdown, ready to replace the latest report in docs/performance.md. */
final class BenchReport {

    /** One JMH benchmark: average time and bytes allocated per operation. */
    record Jmh(double microsPerOp, double bytesPerOp) {
    }

    private BenchReport() {
    }

    /** The results {@code filter-impl}'s JMH run wrote ({@code -rf csv}), by method name. */
    static Map<String, Jmh> readJmh(Path csv) throws IOException {
        if (!Files.exists(csv)) {
            throw new IllegalStateException(csv + " is missing: run the whole command from the top level"
                    + " (mvn -Pbench -DskipTests verify), which runs filter-impl's JMH benchmarks first");
        }
        Map<String, Double> time = new LinkedHashMap<>();
        Map<String, Double> bytes = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.replace("\"", "").split(",");
            String qualified = cells[0]; // dev...PkceFilterBenchmark.loggedIn or ...loggedIn:gc.alloc.rate.norm
            int colon = qualified.indexOf(':');
            String name = qualified.substring(qualified.lastIndexOf('.', colon < 0 ? qualified.length() : colon) + 1);
            double score = Double.parseDouble(cells[4]);
            if (name.endsWith(":gc.alloc.rate.norm")) {
                bytes.put(name.substring(0, name.indexOf(':')), score);
            } else if (!name.contains(":")) {
                time.put(name, score);
            }
        }
        Map<String, Jmh> results = new LinkedHashMap<>();
        time.forEach((name, micros) -> results.put(name, new Jmh(micros, bytes.getOrDefault(name, Double.NaN))));
        return results;
    }

    static String markdown(List<BenchMain.App> apps, String load, int warmup, int duration, int rounds,
                           SessionFigures.RefreshCount refresh, List<SessionFigures.Size> sizes,
                           Map<String, Jmh> jmh, Duration took) {
        StringBuilder out = new StringBuilder();
        // no date: docs/performance.md holds the latest report only, beside its command
        out.append("`mvn -Pbench -DskipTests verify` on ").append(machine())
                .append("; after JMH, the servers and the load took ").append(took.toMinutes()).append(" min ")
                .append(took.toSecondsPart()).append(" s.\n\n");

        out.append("**GET `/app/hello` with a signed-in session** (one Payara Micro 6.2025.10, the same servlet in four"
                + " WARs, the protected ones signed in at Keycloak 26 through its login form; ").append(load)
                .append(", ")
                .append(warmup).append(" s warm-up, then ").append(rounds).append(" × ").append(duration)
                .append(" s per application, interleaved; median of the rounds; every answer checked to be 200)\n\n");
        out.append("| protection | requests/s | p50 | p99 | throughput vs no filter |\n|---|---:|---:|---:|---:|\n");
        double unprotected = median(apps.get(0), Wrk.Result::requestsPerSecond);
        for (BenchMain.App app : apps) {
            double rps = median(app, Wrk.Result::requestsPerSecond);
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %s | %.1f %% |%n", app.name, rps,
                    latency(median(app, Wrk.Result::p50Micros)), latency(median(app, Wrk.Result::p99Micros)),
                    100 * rps / unprotected));
        }
        out.append("\nEach run: ");
        for (BenchMain.App app : apps) {
            out.append(app.name.replace("`", "")).append(' ');
            app.results.forEach(r -> out.append(String.format(Locale.ROOT, "%.0f ", r.requestsPerSecond())));
            out.append("req/s; ");
        }
        out.setLength(out.length() - 2);
        out.append(".\n\n");

        out.append("**pkce-filter's own cost per request** (JMH 1.37, one thread, servlet stand-ins that cost nothing,"
                + " `-prof gc`)\n\n| path | time per request | allocated per request |\n|---|---:|---:|\n");
        jmhRow(out, jmh, "loggedIn", "signed in, token fresh (the path of every request)");
        jmhRow(out, jmh, "loggedInWithPublicPaths", "the same, with `pkce.public-paths` set");
        jmhRow(out, jmh, "loggedInVerifiedUser", "the same for a user whose ID token was verified (the request wrapper)");
        jmhRow(out, jmh, "startLogin", "a login starts (state, PKCE verifier and challenge, pending login, 302)");
        jmhRow(out, jmh, "callback", "the callback, without the token endpoint's time (Keycloak-sized response, its RS256 ID token checked)");
        jmhRow(out, jmh, "verifyIdToken", "of which the ID token's checks (signature, claims; keys already fetched)");

        SessionFigures.Size with = sizes.get(0);
        SessionFigures.Size without = sizes.get(1);
        out.append(String.format(Locale.ROOT, """

                **Session** (real Keycloak tokens for `openid profile email`: access token %d, refresh token %d, \
                ID token %d characters; Java serialization as in session replication)

                | after login | pkce-filter's session attributes |
                |---|---:|
                | with a refresh token | %d bytes |
                | without a refresh token | %d bytes |

                **Refresh under load**: %d concurrent requests of one session after its token came due (Payara \
                Micro, the fake authorization server counting, its token endpoint answering in 500 ms): \
                **%d** token-endpoint request(s), %d of %d answers 200.
                """, with.accessChars(), with.refreshChars(), with.idChars(), with.allAttributes(),
                without.allAttributes(), refresh.concurrent(), refresh.refreshRequests(), refresh.answered200(),
                refresh.concurrent()));

        double emptyFilter = median(apps.get(1), Wrk.Result::requestsPerSecond);
        double pkce = median(apps.get(2), Wrk.Result::requestsPerSecond);
        double openId = median(apps.get(3), Wrk.Result::requestsPerSecond);
        out.append("\n**Against the targets**\n\n| figure | target | measured | met |\n|---|---|---:|:-:|\n");
        target(out, "throughput, signed in, vs no filter", "≥ 97 %", pct(pkce / unprotected),
                pkce / unprotected >= 0.97);
        out.append("| (for reference) throughput vs a filter that does nothing | | ").append(pct(pkce / emptyFilter))
                .append(" | |\n");
        target(out, "throughput vs Jakarta Security OpenID", "≥ 100 %", pct(pkce / openId), pkce >= openId);
        Jmh loggedIn = jmh.get("loggedIn");
        target(out, "own time, signed-in request", "< 2 µs", micros(loggedIn.microsPerOp()),
                loggedIn.microsPerOp() < 2);
        target(out, "allocated, signed-in request", "a few small objects", bytes(loggedIn.bytesPerOp()),
                loggedIn.bytesPerOp() <= 64);
        Jmh login = jmh.get("startLogin");
        target(out, "starting a login", "< 50 µs", micros(login.microsPerOp()), login.microsPerOp() < 50);
        target(out, "session, Keycloak token set", "< 4 KB", with.allAttributes() + " B", with.allAttributes() < 4096);
        target(out, "refresh requests for 200 concurrent", "1", String.valueOf(refresh.refreshRequests()),
                refresh.refreshRequests() == 1);
        return out.toString();
    }

    private static void jmhRow(StringBuilder out, Map<String, Jmh> jmh, String name, String label) {
        Jmh result = jmh.get(name);
        if (result != null) {
            out.append("| ").append(label).append(" | ").append(micros(result.microsPerOp())).append(" | ")
                    .append(bytes(result.bytesPerOp())).append(" |\n");
        }
    }

    private static void target(StringBuilder out, String figure, String goal, String measured, boolean met) {
        out.append("| ").append(figure).append(" | ").append(goal).append(" | ").append(measured).append(" | ")
                .append(met ? "yes" : "**no**").append(" |\n");
    }

    /** The median of the rounds: one round disturbed by the machine (a GC, another process) does not move it. */
    private static double median(BenchMain.App app, java.util.function.ToDoubleFunction<Wrk.Result> figure) {
        double[] values = app.results.stream().mapToDouble(figure).sorted().toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static String latency(double micros) {
        return micros >= 1000 ? String.format(Locale.ROOT, "%.2f ms", micros / 1000)
                : String.format(Locale.ROOT, "%.0f µs", micros);
    }

    private static String micros(double micros) {
        return micros < 1 ? String.format(Locale.ROOT, "%.0f ns", micros * 1000)
                : String.format(Locale.ROOT, "%.1f µs", micros);
    }

    private static String bytes(double bytes) {
        return bytes < 1 ? "0 B" : String.format(Locale.ROOT, "%.0f B", bytes);
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // not Linux: leave it unknown
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return String.format(Locale.ROOT, "%d cores (%s), %d GiB, %s %s, Java %s", Runtime.getRuntime()
                .availableProcessors(), cpu, Math.round(memory / (1024.0 * 1024 * 1024)), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"));
    }
}
