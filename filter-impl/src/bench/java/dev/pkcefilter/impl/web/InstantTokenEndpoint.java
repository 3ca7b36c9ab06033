package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An {@link HttpClient} whose every request is answered at once, in the calling thread, with one fixed JSON body
 * (and the issuer's keys for a path ending in {@code /jwks})
 * fed through the caller's own body subscriber: the callback benchmark then measures pkce-filter's work around
 * the token request (building it, reading and storing the answer) without any network or server time.
 * {@link #answering} answers each request as a function of its URI says, with a status of its own (a discovery
 * document, a PAR endpoint's 201).
 */
final class InstantTokenEndpoint extends HttpClient {

    private static final HttpHeaders JSON = HttpHeaders.of(Map.of("Content-Type", List.of("application/json")),
            (name, value) -> true);

    /** An answer: its status and JSON body. */
    record Reply(int status, String body) {
    }

    private final java.util.function.Function<URI, Reply> replies;

    InstantTokenEndpoint(String body) {
        this(body, "{\"keys\":[]}");
    }

    InstantTokenEndpoint(String body, String jwks) {
        this(uri -> new Reply(200, uri.getPath().endsWith("/jwks") ? jwks : body));
    }

    private InstantTokenEndpoint(java.util.function.Function<URI, Reply> replies) {
        this.replies = replies;
    }

    /** @return a client whose every request is answered at once as {@code replies} says for its URI */
    static InstantTokenEndpoint answering(java.util.function.Function<URI, Reply> replies) {
        return new InstantTokenEndpoint(replies);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                            HttpResponse.BodyHandler<T> handler) {
        Reply reply = replies.apply(request.uri());
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return reply.status();
            }

            @Override
            public HttpHeaders headers() {
                return JSON;
            }

            @Override
            public Version version() {
                return Version.HTTP_1_1;
            }
        });
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onNext(List.of(ByteBuffer.wrap(reply.body().getBytes(StandardCharsets.UTF_8))));
        subscriber.onComplete();
        T value = subscriber.getBody().toCompletableFuture().join();
        return CompletableFuture.completedFuture(new Answer<>(request, value, reply.status()));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        return sendAsync(request, handler).join();
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
        throw new UnsupportedOperationException();
    }

    @Override
    public SSLParameters sslParameters() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public Version version() {
        return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.empty();
    }

    private record Answer<T>(HttpRequest request, T body, int statusCode) implements HttpResponse<T> {

        @Override
        public Optional<HttpResponse<T>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return JSON;
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }
    }
}
