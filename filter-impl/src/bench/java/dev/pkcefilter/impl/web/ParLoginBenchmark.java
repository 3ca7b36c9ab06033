package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestMode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of a login start with a pushed authorization request (RFC 9126) against one without: a page navigation
 * without a session through {@link PkceFilter} to its 302, for a confidential client ({@code client_secret_basic})
 * with {@code openid profile email}, the server's metadata already discovered.
 * <ul>
 *   <li>{@code never}: {@code pkce.par=never}, the parameters in the redirect (the baseline);</li>
 *   <li>{@code instant}: pushed to a PAR endpoint that answers 201 at once in the calling thread
 *       ({@link InstantTokenEndpoint}): pkce-filter's own work for the push (the form body, the Basic header, the
 *       request, reading the answer) without any network;</li>
 *   <li>{@code loopback}: pushed to a PAR endpoint on 127.0.0.1 (the JDK's HTTP server, answering 201 with a fresh
 *       {@code request_uri}) through the JDK's {@code HttpClient}, as in production: the one round trip a push adds,
 *       on loopback (a real server adds its network latency and its own work on top).</li>
 * </ul>
 * Run with {@code mvn -Pbench -DskipTests verify -Dbench.class=ParLoginBenchmark} (see notes/h-par.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class ParLoginBenchmark {

    private static final String SCOPE = "openid profile email";

    @Param({"never", "instant", "loopback"})
    public String push;

    private HttpServer server;
    private PkceContext context;
    private PkceFilter filter;
    private final FilterChain chain = (request, response) -> { };
    private final BenchHttp.Request newVisitor = new BenchHttp.Request();
    private final BenchHttp.Response newVisitorResponse = new BenchHttp.Response();

    @Setup(Level.Trial)
    public void setUp() throws IOException, ServletException {
        RecordingCdi.installWithoutObservers();
        if (push.equals("loopback")) {
            // without TCP_NODELAY the JDK's server writes headers and body in two segments, and Nagle's algorithm
            // with the client's delayed ACK stalls each answer about 40 ms: a property of this stand-in, not of PAR
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setExecutor(Executors.newFixedThreadPool(2));
            URI issuer = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/realms/shop");
            server.createContext("/realms/shop/.well-known/openid-configuration",
                    exchange -> send(exchange, 200, discovery(issuer)));
            server.createContext("/realms/shop/par", exchange -> {
                exchange.getRequestBody().readAllBytes();
                send(exchange, 201, parAnswer());
            });
            server.start();
            context = context(issuer, PushedAuthorizationRequestMode.AUTO, null);
        } else {
            URI issuer = URI.create("http://localhost:8180/realms/shop");
            InstantTokenEndpoint http = InstantTokenEndpoint.answering(uri -> uri.getPath().endsWith("/par")
                    ? new InstantTokenEndpoint.Reply(201, parAnswer())
                    : new InstantTokenEndpoint.Reply(200, discovery(issuer)));
            context = context(issuer, push.equals("never") ? PushedAuthorizationRequestMode.NEVER
                    : PushedAuthorizationRequestMode.AUTO, http);
        }
        context.endpoints().get(); // discovered once, as at deployment
        filter = FakeHttp.initializedFilter(context);
        newVisitor.createsSession = true;
        newVisitor.headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        newVisitor.queryString = "page=2";
        String location = startLogin();
        if (newVisitorResponse.status != 302 || location.contains("request_uri=") == push.equals("never")) {
            throw new IllegalStateException(push + ": " + newVisitorResponse.status + " " + location);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
        context.close();
    }

    @Benchmark
    public String startLogin() throws IOException, ServletException {
        newVisitor.session = null;
        filter.doFilter(newVisitor, newVisitorResponse, chain);
        return newVisitorResponse.location();
    }

    private static PkceContext context(URI issuer, PushedAuthorizationRequestMode par,
                                       java.net.http.HttpClient http) {
        ClientConfiguration config = ClientConfiguration.builder().issuer(issuer).clientId("shop")
                .clientSecret(java.util.Optional.of(new ClientSecret("a-client-secret-of-32-characters")))
                .scope(SCOPE).par(par).build();
        return http == null ? new PkceContext(config, Clock.systemUTC(), false)
                : new PkceContext(config, Clock.systemUTC(), http, false);
    }

    /** Keycloak's metadata, trimmed to what pkce-filter reads, with a PAR endpoint it requires. */
    private static String discovery(URI issuer) {
        return """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/protocol/openid-connect/auth",
                 "token_endpoint":"%1$s/protocol/openid-connect/token","jwks_uri":"%1$s/protocol/openid-connect/certs",
                 "code_challenge_methods_supported":["plain","S256"],
                 "pushed_authorization_request_endpoint":"%1$s/par","require_pushed_authorization_requests":true}
                """.formatted(issuer);
    }

    /** A 201 answer as Keycloak gives it: a URN with a UUID, 60 s. */
    private static String parAnswer() {
        return "{\"request_uri\":\"urn:ietf:params:oauth:request_uri:" + UUID.randomUUID() + "\",\"expires_in\":60}";
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
