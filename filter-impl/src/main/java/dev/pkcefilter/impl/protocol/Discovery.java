package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.pkcefilter.PkceFilterException;
import jakarta.json.bind.Jsonb;

/**
 * Fetches an authorization server's metadata from its issuer: first OpenID Connect Discovery
 * ({@code issuer + "/.well-known/openid-configuration"}), then RFC 8414
 * ({@code "/.well-known/oauth-authorization-server"} inserted before the issuer's path, RFC 8414 §3.1).
 * The document's {@code issuer} must equal the configured one (RFC 8414 §3.3), or nothing is trusted, and its
 * endpoints follow the configuration's TLS rule: {@code https}, or {@code http} on a loopback host under an
 * {@code http} issuer, unless {@code pkce.allow-insecure-http} is set (RFC 6749 §3.1, §3.2, §10.9).
 */
public final class Discovery {

    private static final System.Logger LOG = System.getLogger(Discovery.class.getName());

    private final BoundedHttp http;
    private final Jsonb jsonb;
    private final boolean allowInsecureHttp;

    /** Discovery failed; {@link #isTransient()} tells a server that could not be reached from a wrong document. */
    public static final class DiscoveryException extends PkceFilterException {
        private static final long serialVersionUID = 1L;
        private final boolean isTransient;

        public DiscoveryException(String message, boolean isTransient, Throwable cause) {
            super(message, cause);
            this.isTransient = isTransient;
        }

        /** @return whether trying again later may succeed (the server was down or slow) */
        public boolean isTransient() {
            return isTransient;
        }
    }

    /** Discovery that refuses {@code http} endpoints on a host that is not loopback. */
    public Discovery(BoundedHttp http, Jsonb jsonb) {
        this(http, jsonb, false);
    }

    /**
     * @param allowInsecureHttp {@code pkce.allow-insecure-http}: whether a document may name {@code http} endpoints
     *                          on hosts that are not loopback, or {@code http} endpoints under an {@code https} issuer
     */
    public Discovery(BoundedHttp http, Jsonb jsonb, boolean allowInsecureHttp) {
        this.http = Objects.requireNonNull(http, "http");
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
        this.allowInsecureHttp = allowInsecureHttp;
    }

    /**
     * Fetches and checks the issuer's metadata.
     *
     * @param issuer the configured issuer
     * @return the metadata
     * @throws DiscoveryException when no valid document was found
     */
    public ProviderMetadata discover(URI issuer) {
        List<String> tried = new ArrayList<>();
        for (URI location : wellKnownLocations(issuer)) {
            BoundedHttp.Response response;
            try {
                response = http.send(HttpRequest.newBuilder(location).timeout(http.timeout())
                        .header("Accept", "application/json").GET().build());
            } catch (TransportException e) {
                // down or slow: worth trying again later; a document over the size bound is a wrong one
                boolean isTransient = e.kind() != TransportException.Kind.TOO_LARGE;
                throw new DiscoveryException("Discovery of " + issuer + " failed: " + location + " " + e.getMessage()
                        + (isTransient ? ". Check pkce.issuer and that the authorization server is running." : "."),
                        isTransient, e);
            }
            if (response.status() == 404) {
                tried.add(location + " (404)");
                continue;
            }
            if (response.status() != 200) {
                throw new DiscoveryException("Discovery of " + issuer + " failed: " + location + " answered HTTP "
                        + response.status() + ".", response.status() >= 500, null);
            }
            ProviderMetadata metadata = parse(issuer, location, response.body());
            LOG.log(Level.DEBUG, () -> "Discovered the endpoints of " + issuer + " at " + location);
            return metadata;
        }
        throw new DiscoveryException("Discovery of " + issuer + " found no metadata document; tried "
                + String.join(" and ", tried) + ". Check pkce.issuer, or set pkce.authorization-endpoint and"
                + " pkce.token-endpoint instead.", false, null);
    }

    /** The OpenID Connect location first, then RFC 8414's. */
    static List<URI> wellKnownLocations(URI issuer) {
        String path = issuer.getRawPath() == null ? "" : issuer.getRawPath();
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String origin = issuer.getScheme() + "://" + issuer.getRawAuthority();
        return List.of(URI.create(origin + trimmed + "/.well-known/openid-configuration"),
                URI.create(origin + "/.well-known/oauth-authorization-server" + trimmed));
    }

    ProviderMetadata parse(URI issuer, URI location, String body) {
        Map<String, Object> json;
        try {
            json = JsonObjects.read(jsonb, body, location.toString());
        } catch (InvalidResponseException e) {
            throw new DiscoveryException("Discovery of " + issuer + " failed: " + e.getMessage() + ".", false, null);
        }
        Optional<String> documentIssuer = JsonObjects.string(json, "issuer");
        if (documentIssuer.isEmpty() || !documentIssuer.get().equals(issuer.toString())) {
            // RFC 8414 §3.3: a document for another issuer must not be used (mix-up, RFC 9700 §4.4)
            throw new DiscoveryException("Discovery of " + issuer + " failed: " + location + " names the issuer '"
                    + documentIssuer.map(i -> RemoteText.clean(i, 200)).orElse("(none)") + "'. Set pkce.issuer to"
                    + " exactly the issuer the server announces, trailing slash included.", false, null);
        }
        List<String> problems = new ArrayList<>();
        Map<String, URI> plain = new LinkedHashMap<>();
        URI authorization = endpoint(json, "authorization_endpoint", true, problems, plain, issuer);
        URI token = endpoint(json, "token_endpoint", true, problems, plain, issuer);
        Optional<URI> revocation = Optional.ofNullable(endpoint(json, "revocation_endpoint", false, problems, plain,
                issuer));
        Optional<URI> endSession = Optional.ofNullable(endpoint(json, "end_session_endpoint", false, problems, plain,
                issuer));
        Optional<URI> userinfo = Optional.ofNullable(endpoint(json, "userinfo_endpoint", false, problems, plain,
                issuer));
        Optional<URI> jwks = Optional.ofNullable(endpoint(json, "jwks_uri", false, problems, plain, issuer));
        Optional<URI> par = Optional.ofNullable(endpoint(json, "pushed_authorization_request_endpoint", false,
                problems, plain, issuer)); // RFC 9126 §5
        if (!plain.isEmpty() && !allowInsecureHttp) {
            plain.forEach((name, uri) -> problems.add("has " + name + " " + HttpUrls.forLog(uri) + ", which is not"
                    + " https"));
        }
        if (!problems.isEmpty()) {
            throw new DiscoveryException("Discovery of " + issuer + " failed: " + location + " "
                    + String.join("; ", problems)
                    + (plain.isEmpty() || allowInsecureHttp ? "" : ". Codes, tokens and the client secret would cross"
                    + " the network in clear text (RFC 6749 §10.9): serve the endpoints over https, or set "
                    + HttpUrls.ALLOW_INSECURE_HTTP_KEY + "=true for development") + ".", false, null);
        }
        if (!plain.isEmpty()) {
            LOG.log(Level.WARNING, HttpUrls.ALLOW_INSECURE_HTTP_KEY + " is true, and the metadata of " + issuer
                    + " names http endpoints: " + plain.entrySet().stream().map(e -> e.getKey() + " "
                    + HttpUrls.forLog(e.getValue())).collect(Collectors.joining(", ")) + ". Use https outside"
                    + " development.");
        }
        List<String> methods = new ArrayList<>();
        if (json.get("code_challenge_methods_supported") instanceof List<?> list) {
            list.forEach(m -> methods.add(String.valueOf(m)));
            if (!methods.contains(CodeVerifier.METHOD)) {
                LOG.log(Level.WARNING, "The authorization server " + issuer + " does not list S256 in"
                        + " code_challenge_methods_supported; pkce-filter sends S256 all the same");
            }
        }
        boolean issSupported = Boolean.TRUE.equals(json.get("authorization_response_iss_parameter_supported"));
        // RFC 9126 §5: a JSON boolean, false when absent
        boolean parRequired = Boolean.TRUE.equals(json.get("require_pushed_authorization_requests"));
        return new ProviderMetadata(Optional.of(issuer), authorization, token, revocation, endSession, userinfo,
                issSupported, methods, jwks, par, parRequired);
    }

    /**
     * An endpoint of the document; one that is {@code http} to a host that is not loopback, or {@code http} at all
     * under an {@code https} issuer (a downgrade), also goes into {@code plain}.
     */
    private static URI endpoint(Map<String, Object> json, String name, boolean required, List<String> problems,
                                Map<String, URI> plain, URI issuer) {
        Optional<String> value = JsonObjects.string(json, name);
        if (value.isEmpty()) {
            if (required) {
                problems.add("has no " + name);
            }
            return null;
        }
        Optional<URI> uri = HttpUrls.parse(value.get());
        if (uri.isPresent()) {
            boolean downgrade = "https".equalsIgnoreCase(issuer.getScheme())
                    && "http".equalsIgnoreCase(uri.get().getScheme());
            if (HttpUrls.isInsecure(uri.get()) || downgrade) {
                plain.put(name, uri.get());
            }
            return uri.get();
        }
        problems.add("has " + name + " that is not an absolute http(s) URL without a fragment");
        return null;
    }
}
