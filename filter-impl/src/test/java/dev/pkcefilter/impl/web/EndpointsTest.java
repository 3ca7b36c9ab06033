package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.Discovery;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Discovery that failed at deployment, tried again at first use: one request at a time, with a back-off. */
class EndpointsTest {

    private final Jsonb jsonb = JsonbBuilder.create();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile boolean up;
    private volatile CountDownLatch arrived = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(0);
    private HttpServer server;
    private String issuer;
    private Instant now = Instant.parse("2030-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    };

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        issuer = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/openid-configuration", exchange -> {
            requests.incrementAndGet();
            arrived.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = (up ? "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer
                    + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\"}" : "down")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(up ? 200 : 503, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
        jsonb.close();
    }

    private Endpoints endpoints() {
        ClientConfiguration config = ClientConfiguration.builder().issuer(URI.create(issuer)).clientId("app").build();
        return new Endpoints(config.server(), new Discovery(new BoundedHttp(HttpClient.newHttpClient(),
                Duration.ofSeconds(5)), jsonb, false), clock);
    }

    @Test
    void requestsThatComeWhileDiscoveryRunsFailAtOnceInsteadOfWaitingInTurn() throws Exception {
        Endpoints endpoints = endpoints();
        release = new CountDownLatch(1); // the server holds its answer
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            Future<?> first = pool.submit(endpoints::get);
            arrived.await();
            List<Future<?>> others = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                others.add(pool.submit(endpoints::get));
            }
            for (Future<?> other : others) {
                Exception e = assertThrows(Exception.class, other::get);
                Discovery.DiscoveryException failure = (Discovery.DiscoveryException) e.getCause();
                assertTrue(failure.isTransient());
                assertTrue(failure.getMessage().contains("another request is discovering"), failure.getMessage());
            }
            up = true;
            release.countDown();
            first.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, requests.get(), "one discovery request");
        assertEquals(URI.create(issuer + "/token"), endpoints.get().tokenEndpoint());
    }

    @Test
    void afterAFailureDiscoveryWaitsABackOffThatDoubles() {
        Endpoints endpoints = endpoints();
        assertThrows(Discovery.DiscoveryException.class, endpoints::get);
        assertEquals(1, requests.get());

        Discovery.DiscoveryException waiting = assertThrows(Discovery.DiscoveryException.class, endpoints::get);
        assertTrue(waiting.getMessage().contains("tried again in 5 s"), waiting.getMessage());
        assertEquals(1, requests.get(), "not asked during the back-off");

        now = now.plus(Endpoints.FIRST_BACK_OFF);
        assertThrows(Discovery.DiscoveryException.class, endpoints::get);
        assertEquals(2, requests.get());
        now = now.plus(Endpoints.FIRST_BACK_OFF);
        assertThrows(Discovery.DiscoveryException.class, endpoints::get);
        assertEquals(2, requests.get(), "the back-off doubled to 10 s");

        up = true;
        now = now.plus(Endpoints.FIRST_BACK_OFF);
        assertEquals(URI.create(issuer + "/token"), endpoints.get().tokenEndpoint());
        assertEquals(3, requests.get());
        endpoints.get();
        assertEquals(3, requests.get(), "known now");
    }

    @Test
    void aFailureAtDeploymentStartsNoBackOffSoTheFirstUseTriesAtOnce() {
        Endpoints endpoints = endpoints();
        endpoints.discoverEagerly(); // down: a warning, the deployment goes on
        assertEquals(1, requests.get());

        up = true;
        assertEquals(URI.create(issuer + "/token"), endpoints.get().tokenEndpoint());
        assertEquals(2, requests.get());
    }

    @Test
    void theBackOffStopsDoublingAtAMinute() {
        Endpoints endpoints = endpoints();
        int[] backOffs = {5, 10, 20, 40, 60, 60, 60};
        for (int i = 0; i < backOffs.length; i++) {
            assertThrows(Discovery.DiscoveryException.class, endpoints::get);
            assertEquals(i + 1, requests.get(), "tried again once its back-off was over");
            now = now.plusSeconds(backOffs[i]);
        }
    }
}
