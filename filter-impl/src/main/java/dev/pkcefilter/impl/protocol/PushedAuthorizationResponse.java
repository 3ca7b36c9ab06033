package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.json.bind.Jsonb;

/**
 * The successful answer of a pushed authorization request (RFC 9126 §2.2): a {@code request_uri} that stands for
 * the pushed parameters at the authorization endpoint, and its lifetime. {@code toString()} does not show the
 * {@code request_uri}: it is a one-time credential for this login.
 *
 * @param requestUri the reference to the pushed request, an absolute URI (usually a URN,
 *        {@code urn:ietf:params:oauth:request_uri:…})
 * @param expiresIn its lifetime in seconds
 */
public record PushedAuthorizationResponse(String requestUri, long expiresIn) {

    /** The longest {@code request_uri} taken: it goes into the browser's redirect, where kilobytes have no place. */
    static final int MAX_REQUEST_URI_LENGTH = 2048;

    public PushedAuthorizationResponse {
        Objects.requireNonNull(requestUri, "requestUri");
        if (!isRequestUri(requestUri)) {
            throw new IllegalArgumentException("request_uri is not an absolute URI");
        }
        if (expiresIn <= 0) {
            throw new IllegalArgumentException("expires_in is not positive");
        }
    }

    /**
     * Reads the JSON body of a 201 answer.
     *
     * @throws InvalidResponseException when it is not a JSON object with a string {@code request_uri} that is an
     *         absolute URI of at most {@value #MAX_REQUEST_URI_LENGTH} characters, and a positive integer
     *         {@code expires_in} (both REQUIRED, RFC 9126 §2.2); the message names the member, not its value
     */
    static PushedAuthorizationResponse parse(Jsonb jsonb, String body) {
        Map<String, Object> json = JsonObjects.read(jsonb, body, "the pushed authorization response");
        Object requestUri = json.get("request_uri");
        if (requestUri == null) {
            throw new InvalidResponseException("the pushed authorization response has no request_uri");
        }
        if (!(requestUri instanceof String uri) || !isRequestUri(uri)) {
            throw new InvalidResponseException("the pushed authorization response's request_uri is not an absolute"
                    + " URI string");
        }
        Optional<java.math.BigDecimal> expiresIn;
        try {
            expiresIn = JsonObjects.number(json, "expires_in");
        } catch (NumberFormatException e) {
            throw new InvalidResponseException("the pushed authorization response's expires_in is not a number");
        }
        if (expiresIn.isEmpty()) {
            throw new InvalidResponseException("the pushed authorization response has no expires_in");
        }
        long seconds;
        try {
            seconds = expiresIn.get().longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidResponseException("the pushed authorization response's expires_in is not a whole number"
                    + " of seconds");
        }
        if (seconds <= 0) {
            throw new InvalidResponseException("the pushed authorization response's expires_in is not positive");
        }
        return new PushedAuthorizationResponse(uri, seconds);
    }

    /** An absolute URI (a scheme), printable ASCII without spaces, and bounded: RFC 9126 §2.2, RFC 3986 §4.3. */
    private static boolean isRequestUri(String value) {
        if (value.isEmpty() || value.length() > MAX_REQUEST_URI_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        try {
            URI uri = new URI(value);
            return uri.isAbsolute() && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "PushedAuthorizationResponse[expiresIn=" + expiresIn + "]";
    }
}
