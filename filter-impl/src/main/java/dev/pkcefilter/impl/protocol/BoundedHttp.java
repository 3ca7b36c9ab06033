package dev.pkcefilter.impl.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls to the authorization server with two bounds: the whole exchange, body included, within the timeout,
 * and at most {@link #MAX_BYTES} of body, so that a slow, broken or hostile server can neither hang a request
 * thread nor exhaust memory.
 */
public final class BoundedHttp {

    /** The most any authorization server response may hold: 1 MiB. */
    public static final int MAX_BYTES = 1 << 20;

    private final HttpClient http;
    private final Duration timeout;

    /**
     * A response that arrived whole.
     *
     * @param status the HTTP status
     * @param body the body
     * @param headers the response's headers
     */
    public record Response(int status, String body, HttpHeaders headers) {

        private static final HttpHeaders NONE = HttpHeaders.of(Map.of(), (name, value) -> true);

        public Response {
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(headers, "headers");
        }

        /** A response without headers (tests). */
        public Response(int status, String body) {
            this(status, body, NONE);
        }

        /** @return the first value of a header, by name in any case */
        public Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    public BoundedHttp(HttpClient http, Duration timeout) {
        this.http = Objects.requireNonNull(http, "http");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** @return the timeout of every exchange */
    /**
     * A back-channel POST to the authorization server (token, revocation, pushed authorization requests), bounded by
     * the timeout, asking for JSON.
     *
     * @param endpoint where it goes
     * @param contentType the body's type
     * @param body the body
     * @param authorization the {@code Authorization} header, if the client authentication has one
     * @return the request
     */
    public HttpRequest post(URI endpoint, String contentType, String body, Optional<String> authorization) {
        return post(endpoint, contentType, body, authorization, Optional.empty());
    }

    /**
     * {@link #post(URI, String, String, Optional)} with a DPoP proof (RFC 9449 §4.1).
     *
     * @param dpopProof the {@code DPoP} header, if the request carries a proof
     */
    public HttpRequest post(URI endpoint, String contentType, String body, Optional<String> authorization,
                            Optional<String> dpopProof) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", contentType)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authorization.ifPresent(h -> builder.header("Authorization", h));
        dpopProof.ifPresent(proof -> builder.header(DpopProof.HEADER, proof));
        return builder.build();
    }

    /** {@link #post} of a form body (RFC 6749 Appendix B). */
    public HttpRequest postForm(URI endpoint, Map<String, String> parameters, Optional<String> authorization) {
        return postForm(endpoint, parameters, authorization, Optional.empty());
    }

    /** {@link #post} of a form body (RFC 6749 Appendix B), with a DPoP proof if one is given (RFC 9449 §4.1). */
    public HttpRequest postForm(URI endpoint, Map<String, String> parameters, Optional<String> authorization,
                                Optional<String> dpopProof) {
        return post(endpoint, "application/x-www-form-urlencoded", FormEncoding.encode(parameters), authorization,
                dpopProof);
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Sends the request and reads the whole body.
     *
     * @throws TransportException on timeout, connection failure or a body over the bound
     */
    public Response send(HttpRequest request) throws TransportException {
        CompletableFuture<HttpResponse<String>> future =
                http.sendAsync(request, info -> new BoundedSubscriber());
        try {
            HttpResponse<String> response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TransportException(TransportException.Kind.TIMEOUT, "did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TransportException(TransportException.Kind.UNREACHABLE, "was not awaited (interrupted)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw new TransportException(TransportException.Kind.TIMEOUT, "did not answer within " + timeout,
                        cause);
            }
            if (cause instanceof TooLarge) {
                throw new TransportException(TransportException.Kind.TOO_LARGE,
                        "answered more than " + MAX_BYTES + " bytes", null);
            }
            if (cause instanceof ConnectException) {
                throw new TransportException(TransportException.Kind.UNREACHABLE, "could not be reached", cause);
            }
            throw new TransportException(TransportException.Kind.UNREACHABLE,
                    "could not be reached (" + cause.getClass().getSimpleName() + ")", cause);
        }
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Collects the body and cancels the exchange as soon as it passes the bound. */
    private static final class BoundedSubscriber implements HttpResponse.BodySubscriber<String> {
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + buffer.remaining() > MAX_BYTES) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLarge());
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
