package dev.pkcefilter.impl.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An authorization server stand-in on 127.0.0.1 and a free port, with the JDK's own HTTP server: it records
 * every request and answers what each test tells it to. Paths without a handler answer 404.
 */
final class FakeServer implements AutoCloseable {

    /** A request as it arrived. */
    record Recorded(String method, String path, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** Answers one exchange; the exchange is closed afterwards. */
    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setExecutor(executor);
        on("/", respond(404, "text/plain", "Not Found"));
        server.start();
    }

    /** Answers requests to {@code path} (and below it, unless a longer path has its own handler). */
    FakeServer on(String path, Handler handler) {
        server.createContext(path, exchange -> {
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders(), new String(body, StandardCharsets.UTF_8)));
                handler.handle(exchange);
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    static Handler respond(int status, String contentType, String body) {
        return exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        };
    }

    static Handler json(int status, String body) {
        return respond(status, "application/json", body);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** A URL on 127.0.0.1 at a port nobody listens on (bound a moment ago, then closed). */
    static URI closedPort(String path) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow(); // interrupts handlers that still sleep
    }
}
