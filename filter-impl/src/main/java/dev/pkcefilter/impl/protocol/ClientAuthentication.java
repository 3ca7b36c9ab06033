package dev.pkcefilter.impl.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;


/**
 * How the client authenticates at the authorization server's back-channel endpoints (RFC 6749 §2.3.1): the token
 * endpoint and the revocation endpoint (RFC 7009 §2.1) take the same credentials. {@code toString()} shows the
 * client id and method, never the secret.
 *
 * @param clientId the client identifier
 * @param method how the client authenticates
 * @param secret the secret, required unless {@code method} is {@code none}
 */
public record ClientAuthentication(String clientId, ClientAuthMethod method, Optional<ClientSecret> secret) {

    public ClientAuthentication {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(secret, "secret");
        if (method != ClientAuthMethod.NONE && secret.isEmpty()) {
            throw new IllegalArgumentException(method.value() + " needs a client secret");
        }
    }

    /**
     * @return the body parameters of the method: {@code client_id} unless it goes in the {@code Authorization}
     *         header (RFC 6749 §4.1.3: a client that does not authenticate sends it), and {@code client_secret}
     *         for {@code client_secret_post}
     */
    public Map<String, String> bodyParameters() {
        Map<String, String> params = new LinkedHashMap<>();
        if (method != ClientAuthMethod.CLIENT_SECRET_BASIC) {
            params.put("client_id", clientId);
        }
        if (method == ClientAuthMethod.CLIENT_SECRET_POST) {
            params.put("client_secret", secret.orElseThrow().value());
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
        return "ClientAuthentication[clientId=" + clientId + ", method=" + method.value() + "]";
    }
}
