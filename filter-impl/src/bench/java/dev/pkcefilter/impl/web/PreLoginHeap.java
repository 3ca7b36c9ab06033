package dev.pkcefilter.impl.web;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.impl.config.ConfigSources;
import dev.pkcefilter.impl.config.ConfigurationLoader;
import jakarta.servlet.FilterChain;

/**
 * A heap measurement, not a test (issue 12 item 7): the heap that {@value #NAVIGATIONS} cookieless page navigations
 * with 8 KB query strings (a request target of {@value #TARGET_CHARS} characters) leave behind in the sessions they create, as a container keeps
 * them, measured twice:
 * <ol>
 *   <li>right after the navigations: what the sessions hold (pending login and return path);</li>
 *   <li>{@code pkce.login-timeout} plus one minute later, nobody having come back: the container has expired every
 *       session whose max inactive interval has passed, the others are still held (a stand-in for the container's
 *       session manager, which expires sessions by {@code getMaxInactiveInterval()}).</li>
 * </ol>
 * The sessions are {@link BenchHttp.Session} stand-ins (a {@code HashMap} each), so the figure is pkce-filter's
 * part plus a small map, not a container's own per-session overhead. Heap is read with {@code MemoryMXBean} after
 * full collections, relative to the heap before the first navigation. Run it (from the top level):
 * <pre>
 * mvn -B -ntp -q -Pbench -pl filter-impl -am -DskipTests test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -Xmx3g -XX:+UseSerialGC -cp filter-impl/target/test-classes:filter-impl/target/classes:$(cat filter-impl/target/bench.cp) \
 *     dev.pkcefilter.impl.web.PreLoginHeap
 * </pre>
 */
public final class PreLoginHeap {

    static final int NAVIGATIONS = 100_000;
    /** The request target {@code /shop/app/orders?...}: 8,192 characters, the longest return path kept before. */
    static final int TARGET_CHARS = 8 * 1024;
    static final int QUERY_CHARS = TARGET_CHARS - "/shop/app/orders?".length();
    private static final int LOGIN_TIMEOUT_SECONDS = 600;

    private PreLoginHeap() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = new HashMap<>();
        params.put("pkce.client-id", "shop");
        params.put("pkce.authorization-endpoint", "https://login.example.com/authorize");
        params.put("pkce.token-endpoint", "https://login.example.com/token");
        params.put("pkce.protected-paths", "/app/*");
        params.put("pkce.login-timeout", "PT" + LOGIN_TIMEOUT_SECONDS + "S");
        PkceContext context = new PkceContext(ConfigurationLoader.load(new ConfigSources(name -> Optional.empty(),
                name -> null, params::get, Map.of())), java.time.Clock.systemUTC(), false);
        PkceFilter filter = FakeHttp.initializedFilter(context);
        FilterChain chain = (request, response) -> {
            throw new IllegalStateException("a navigation without a session must not pass");
        };
        char[] padding = new char[QUERY_CHARS - "q=000000".length()];
        java.util.Arrays.fill(padding, 'x');
        String paddingText = new String(padding);

        List<BenchHttp.Session> sessions = new ArrayList<>(NAVIGATIONS); // what the container holds
        long baseline = usedAfterGc();
        for (int i = 0; i < NAVIGATIONS; i++) {
            BenchHttp.Request request = new BenchHttp.Request();
            request.createsSession = true;
            request.headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
            // a new string per request, as a container parses each request line anew
            request.queryString = String.format(Locale.ROOT, "q=%06d", i % 1_000_000) + paddingText;
            BenchHttp.Response response = new BenchHttp.Response();
            filter.doFilter(request, response, chain);
            if (response.status != 302 || request.session == null) {
                throw new IllegalStateException("navigation " + i + " answered " + response.status);
            }
            sessions.add(request.session);
        }
        long afterNavigations = usedAfterGc() - baseline;
        java.lang.ref.Reference.reachabilityFence(sessions);
        int longestInterval = sessions.stream().mapToInt(BenchHttp.Session::getMaxInactiveInterval).max().orElse(0);
        int laterSeconds = LOGIN_TIMEOUT_SECONDS + 60;
        sessions.removeIf(session -> session.getMaxInactiveInterval() > 0
                && session.getMaxInactiveInterval() < laterSeconds); // expired by the container
        int left = sessions.size();
        long later = usedAfterGc() - baseline;
        java.lang.ref.Reference.reachabilityFence(sessions); // held until measured, as the container holds them
        System.out.printf(Locale.ROOT, "%,d cookieless navigations with %,d-character query strings (request"
                + " targets of %,d):%n", NAVIGATIONS, QUERY_CHARS, TARGET_CHARS);
        System.out.printf(Locale.ROOT, "  retained right after: %,.1f MB (%,d bytes per session); their max inactive"
                + " interval: %d s%n", afterNavigations / 1e6, afterNavigations / NAVIGATIONS, longestInterval);
        System.out.printf(Locale.ROOT, "  retained %d s later (login timeout %d s + 60 s): %,.1f MB, %,d sessions"
                + " still held%n", laterSeconds, LOGIN_TIMEOUT_SECONDS, later / 1e6, left);
        context.close();
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100); // lets reference processing finish between collections; not a timing of anything
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
