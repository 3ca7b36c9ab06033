package dev.pkcefilter.impl.protocol;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;


/**
 * How the client authenticates at the authorization server's back-channel endpoints (RFC 6749 §2.3.1): the token
 * endpoint, the revocation endpoint (RFC 7009 §2.1) and the pushed authorization request endpoint (RFC 9126 §2)
 * take the same credentials. Every request gets its own: {@link #bodyParameters(URI)} makes a fresh client
 * assertion (RFC 7523 §2.2) each time it is called, for the endpoint it is given. {@code toString()} shows the
 * client id and method, never the secret or key.
 *
 * <pre>{@code
 * ClientAuthentication client = config.client().authentication();
 * Map<String, String> body = client.bodyParameters(endpoint);            // client_id, or client_assertion...
 * client.authorizationHeader().ifPresent(h -> builder.header("Authorization", h)); // client_secret_basic
 * }</pre>
 *
 * @param clientId the client identifier
 * @param method how the client authenticates
 * @param secret the secret, required for {@code client_secret_basic}, {@code client_secret_post} and
 *        {@code client_secret_jwt}
 * @param key the private key, required for {@code private_key_jwt}
 * @param assertionAudience the {@code aud} of client assertions: the issuer, or empty for the endpoint each
 *        request goes to (see {@link ClientAssertionAudience})
 * @param clock the time of the assertions' {@code iat}
 */
public record ClientAuthentication(String clientId, ClientAuthMethod method, Optional<ClientSecret> secret,
                                   Optional<ClientKey> key, Optional<URI> assertionAudience, Clock clock) {

    public ClientAuthentication {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(assertionAudience, "assertionAudience");
        Objects.requireNonNull(clock, "clock");
        if (method.needsSecret() && secret.isEmpty()) {
            throw new IllegalArgumentException(method.value() + " needs a client secret");
        }
        if (method == ClientAuthMethod.PRIVATE_KEY_JWT && key.isEmpty()) {
            throw new IllegalArgumentException(method.value() + " needs a client key");
        }
        if (method == ClientAuthMethod.CLIENT_SECRET_JWT
                && secret.get().value().getBytes(StandardCharsets.UTF_8).length < ClientAssertion.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(method.value() + " needs a client secret of at least "
                    + ClientAssertion.MIN_SECRET_BYTES + " bytes (HS256, RFC 7518 §3.2)");
        }
    }

    /** A method that sends no assertion: {@code none}, {@code client_secret_basic} or {@code client_secret_post}. */
    public ClientAuthentication(String clientId, ClientAuthMethod method, Optional<ClientSecret> secret) {
        this(clientId, method, secret, Optional.empty(), Optional.empty(), Clock.systemUTC());
    }

    /**
     * @param endpoint the URL the request goes to: the assertion's {@code aud} when no issuer is set for it
     * @return the body parameters of the method: {@code client_id} unless it goes in the {@code Authorization}
     *         header (RFC 6749 §4.1.3: a client that does not authenticate sends it), {@code client_secret} for
     *         {@code client_secret_post}, and a new {@code client_assertion} with its {@code client_assertion_type}
     *         for the JWT methods (RFC 7523 §2.2; {@code client_id} too, as RFC 9126 §2.1 and many servers want)
     */
    public Map<String, String> bodyParameters(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        Map<String, String> params = new LinkedHashMap<>();
        if (method != ClientAuthMethod.CLIENT_SECRET_BASIC) {
            params.put("client_id", clientId);
        }
        if (method == ClientAuthMethod.CLIENT_SECRET_POST) {
            params.put("client_secret", secret.orElseThrow().value());
        }
        if (method.isJwt()) {
            URI audience = assertionAudience.orElse(endpoint);
            params.put("client_assertion_type", ClientAssertion.TYPE);
            params.put("client_assertion", method == ClientAuthMethod.PRIVATE_KEY_JWT
                    ? ClientAssertion.signed(clientId, audience, key.orElseThrow(), clock.instant())
                    : ClientAssertion.macced(clientId, audience, secret.orElseThrow(), clock.instant()));
        }
        return params;
    }

    /**
     * The {@code Authorization} header of {@code client_secret_basic}: the client id and secret are each
     * form-urlencoded before Base64 (RFC 6749 §2.3.1).
     *
     * @return the header value, or empty for the other methods
     */
    public Optional<String> authorizationHeader() {
        if (method != ClientAuthMethod.CLIENT_SECRET_BASIC) {
            return Optional.empty();
        }
        String credentials = FormEncoding.encode(clientId) + ":" + FormEncoding.encode(secret.orElseThrow().value());
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "ClientAuthentication[clientId=" + clientId + ", method=" + method.value()
                + key.map(k -> ", kid=" + k.keyId()).orElse("") + "]";
    }
}
