package dev.pkcefilter.impl.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.impl.protocol.ClientAssertionAudience;
import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.ClientAuthentication;
import dev.pkcefilter.impl.protocol.ClientKey;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestMode;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;

/**
 * A validated client configuration, every value checked and defaulted, in five parts: the authorization server,
 * the client registered there, the paths of the application, the timeouts, and how the signed-in user is known. Built by
 * {@link ConfigurationLoader}, or by {@link #builder()} in tests; {@code toString()} redacts the client secret and key.
 *
 * @param server the authorization server
 * @param client the client registered there
 * @param paths the application's paths
 * @param timeouts how long things may take
 * @param identity how ID tokens are checked and the user's name and roles read
 */
public record ClientConfiguration(Server server, Client client, Paths paths, Timeouts timeouts, Identity identity) {

    /** {@code pkce.protected-paths} when not set: every path. */
    public static final List<String> DEFAULT_PROTECTED_PATHS = List.of("/*");
    public static final String DEFAULT_CALLBACK_PATH = "/oauth/callback";
    public static final String DEFAULT_LOGOUT_PATH = "/oauth/logout";
    public static final Duration DEFAULT_REFRESH_SKEW = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
    /** {@code pkce.accepted-token-types} when not set, in lower case. */
    public static final Set<String> DEFAULT_ACCEPTED_TOKEN_TYPES = Set.of("bearer");
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** {@code pkce.id-token-algorithms} when not set: the asymmetric algorithms in wide use (RFC 7518 §3.1). */
    public static final List<String> DEFAULT_ID_TOKEN_ALGORITHMS = List.of("RS256", "PS256", "ES256");

    public ClientConfiguration {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(identity, "identity");
    }

    /**
     * The authorization server: set explicitly, or discovered from the issuer.
     *
     * @param issuer the issuer, when endpoints are to be discovered or checked against it
     * @param authorizationEndpoint set explicitly, else discovered
     * @param tokenEndpoint set explicitly, else discovered
     * @param revocationEndpoint set explicitly, else discovered
     * @param endSessionEndpoint set explicitly, else discovered
     * @param allowInsecureHttp whether {@code http} to a host that is not loopback is allowed (warned at every start)
     * @param jwksUri the issuer's signing keys, set explicitly, else discovered
     * @param par when a login pushes its authorization request (RFC 9126, {@code pkce.par})
     */
    public record Server(Optional<URI> issuer, Optional<URI> authorizationEndpoint, Optional<URI> tokenEndpoint,
                         Optional<URI> revocationEndpoint, Optional<URI> endSessionEndpoint,
                         boolean allowInsecureHttp, Optional<URI> jwksUri, PushedAuthorizationRequestMode par) {

        /** A server whose logins push their requests only when its metadata requires it ({@code pkce.par=auto}). */
        public Server(Optional<URI> issuer, Optional<URI> authorizationEndpoint, Optional<URI> tokenEndpoint,
                      Optional<URI> revocationEndpoint, Optional<URI> endSessionEndpoint,
                      boolean allowInsecureHttp, Optional<URI> jwksUri) {
            this(issuer, authorizationEndpoint, tokenEndpoint, revocationEndpoint, endSessionEndpoint,
                    allowInsecureHttp, jwksUri, PushedAuthorizationRequestMode.AUTO);
        }

        public Server {
            Objects.requireNonNull(issuer, "issuer");
            Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
            Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
            Objects.requireNonNull(revocationEndpoint, "revocationEndpoint");
            Objects.requireNonNull(endSessionEndpoint, "endSessionEndpoint");
            Objects.requireNonNull(jwksUri, "jwksUri");
            Objects.requireNonNull(par, "par");
        }
    }

    /**
     * The client registered at the authorization server, and what it asks for.
     *
     * @param id the client identifier
     * @param secret the secret of a confidential client
     * @param authMethod how the client authenticates at the token endpoint
     * @param scope space-separated scopes, possibly empty
     * @param audience the {@code audience} parameter
     * @param authorizeParams extra authorization request parameters, in order
     * @param tokenRequestFormat form or JSON token request bodies
     * @param acceptedTokenTypes the {@code token_type} values accepted from the token endpoint, in lower case
     * @param apiOrigins the origins the access token may be sent to; empty for the issuer's and userinfo's
     * @param key the private key of {@code private_key_jwt}
     * @param assertionAudience the {@code aud} of client assertions: the issuer (FAPI 2.0 §5.3.2.1), or empty for
     *        the URL of the endpoint each request goes to
     * @param dpop whether each login makes a DPoP key pair and its requests carry proofs (RFC 9449, {@code pkce.dpop})
     * @param dpopAcceptBearer whether a {@code Bearer} answer to a request with a proof is kept and used as a bearer
     *        token ({@code pkce.dpop-accept-bearer}); otherwise it fails like any invalid token response
     */
    public record Client(String id, Optional<ClientSecret> secret, ClientAuthMethod authMethod,
                         String scope, Optional<String> audience, Map<String, String> authorizeParams,
                         TokenRequestFormat tokenRequestFormat, Set<String> acceptedTokenTypes,
                         Optional<List<Origin>> apiOrigins, Optional<ClientKey> key,
                         Optional<URI> assertionAudience, boolean dpop, boolean dpopAcceptBearer) {
        public Client {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(authMethod, "authMethod");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(audience, "audience");
            authorizeParams = Collections.unmodifiableMap(new LinkedHashMap<>(authorizeParams));
            Objects.requireNonNull(tokenRequestFormat, "tokenRequestFormat");
            acceptedTokenTypes = Set.copyOf(acceptedTokenTypes);
            apiOrigins = apiOrigins.map(List::copyOf);
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(assertionAudience, "assertionAudience");
            // a method that needs a secret or a key has one (the fields are not assigned yet: the parameters)
            new ClientAuthentication(id, authMethod, secret, key, assertionAudience, java.time.Clock.systemUTC());
        }

        /**
         * @return how this client authenticates at the token, revocation and pushed authorization request
         *         endpoints, its assertions timed by the system clock
         */
        public ClientAuthentication authentication() {
            return new ClientAuthentication(id, authMethod, secret, key, assertionAudience, java.time.Clock.systemUTC());
        }
    }

    /**
     * The application's paths.
     *
     * @param protectedPaths servlet URL patterns the filter guards
     * @param publicPaths patterns inside those that stay open
     * @param callbackPath the redirection endpoint's path inside the context
     * @param logoutPath the logout endpoint's path inside the context
     * @param redirectUri the absolute redirect URI, when it is not derived from the request
     * @param postLogoutRedirect where to go after logout
     */
    public record Paths(List<String> protectedPaths, List<String> publicPaths, String callbackPath, String logoutPath,
                        Optional<URI> redirectUri, Optional<String> postLogoutRedirect) {
        public Paths {
            protectedPaths = List.copyOf(protectedPaths);
            publicPaths = List.copyOf(publicPaths);
            Objects.requireNonNull(callbackPath, "callbackPath");
            Objects.requireNonNull(logoutPath, "logoutPath");
            Objects.requireNonNull(redirectUri, "redirectUri");
            Objects.requireNonNull(postLogoutRedirect, "postLogoutRedirect");
        }
    }

    /**
     * How long things may take.
     *
     * @param refreshSkew refresh this long before expiry (at most half the token's lifetime)
     * @param loginTimeout how long a pending login stays valid
     * @param httpTimeout connect and read timeout towards the authorization server
     */
    public record Timeouts(Duration refreshSkew, Duration loginTimeout, Duration httpTimeout) {
        public Timeouts {
            Objects.requireNonNull(refreshSkew, "refreshSkew");
            Objects.requireNonNull(loginTimeout, "loginTimeout");
            Objects.requireNonNull(httpTimeout, "httpTimeout");
        }
    }

    /** Which token the roles are read from. */
    public enum RolesSource {
        /** The verified ID token (OpenID Connect Core 1.0 §2). */
        ID_TOKEN,
        /** The access token, when it is a JWT signed with the issuer's keys (RFC 9068), as Keycloak's are. */
        ACCESS_TOKEN
    }

    /**
     * How the signed-in user is known: the ID token's checks (OpenID Connect Core 1.0 §3.1.3.7), and the claims
     * the container's user is made of.
     *
     * @param clockSkew how far {@code exp} and {@code iat} may be off the local clock
     * @param idTokenAlgorithms the JWS algorithms an ID token may be signed with; HMAC ones only with a secret
     * @param principalClaim the claim that names the user; empty for {@code preferred_username}, then {@code sub}
     * @param rolesClaim the dotted path to the roles in the claims, such as {@code realm_access.roles}; empty for none
     * @param rolesSource which token's claims {@code rolesClaim} is read from
     * @param userinfoClaims whether the userinfo endpoint is asked once at login, its claims added to the ID token's
     * @param containerSecurity whether the user is also reported to the container through Jakarta Security (an
     *        {@code HttpAuthenticationMechanism}), for EJB {@code @RolesAllowed}, {@code SecurityContext} and
     *        {@code web.xml} security constraints; switched on at CDI bootstrap, so never from {@code web.xml}
     */
    public record Identity(Duration clockSkew, List<String> idTokenAlgorithms, Optional<String> principalClaim,
                           Optional<String> rolesClaim, RolesSource rolesSource, boolean userinfoClaims,
                           boolean containerSecurity) {
        public Identity {
            Objects.requireNonNull(clockSkew, "clockSkew");
            idTokenAlgorithms = List.copyOf(idTokenAlgorithms);
            Objects.requireNonNull(principalClaim, "principalClaim");
            Objects.requireNonNull(rolesClaim, "rolesClaim");
            Objects.requireNonNull(rolesSource, "rolesSource");
        }
    }

    /** @return a builder with every default of the configuration reference; set a client id and an endpoint */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a configuration from parts, every one defaulted as {@link ConfigurationLoader} defaults it; the values
     * are checked by the records, not validated as the loader validates text.
     */
    public static final class Builder {
        private Optional<URI> issuer = Optional.empty();
        private Optional<URI> authorizationEndpoint = Optional.empty();
        private Optional<URI> tokenEndpoint = Optional.empty();
        private Optional<URI> revocationEndpoint = Optional.empty();
        private Optional<URI> endSessionEndpoint = Optional.empty();
        private boolean allowInsecureHttp;
        private String clientId;
        private Optional<ClientSecret> clientSecret = Optional.empty();
        private ClientAuthMethod clientAuth;
        private String scope = "";
        private Optional<String> audience = Optional.empty();
        private Map<String, String> authorizeParams = Map.of();
        private TokenRequestFormat tokenRequestFormat = TokenRequestFormat.FORM;
        private Set<String> acceptedTokenTypes = DEFAULT_ACCEPTED_TOKEN_TYPES;
        private Optional<List<Origin>> apiOrigins = Optional.empty();
        private Optional<ClientKey> clientKey = Optional.empty();
        private ClientAssertionAudience clientAssertionAudience = ClientAssertionAudience.ISSUER;
        private List<String> protectedPaths = DEFAULT_PROTECTED_PATHS;
        private List<String> publicPaths = List.of();
        private String callbackPath = DEFAULT_CALLBACK_PATH;
        private String logoutPath = DEFAULT_LOGOUT_PATH;
        private Optional<URI> redirectUri = Optional.empty();
        private Optional<String> postLogoutRedirect = Optional.empty();
        private Duration refreshSkew = DEFAULT_REFRESH_SKEW;
        private Duration loginTimeout = DEFAULT_LOGIN_TIMEOUT;
        private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
        private Optional<URI> jwksUri = Optional.empty();
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private List<String> idTokenAlgorithms = DEFAULT_ID_TOKEN_ALGORITHMS;
        private Optional<String> principalClaim = Optional.empty();
        private Optional<String> rolesClaim = Optional.empty();
        private RolesSource rolesSource = RolesSource.ID_TOKEN;
        private boolean userinfoClaims;
        private boolean containerSecurity;
        private PushedAuthorizationRequestMode par = PushedAuthorizationRequestMode.AUTO;
        private boolean dpop;
        private boolean dpopAcceptBearer;

        private Builder() {
        }

        public Builder issuer(Optional<URI> value) {
            issuer = value;
            return this;
        }

        public Builder issuer(URI value) {
            return issuer(Optional.of(value));
        }

        public Builder authorizationEndpoint(Optional<URI> value) {
            authorizationEndpoint = value;
            return this;
        }

        public Builder authorizationEndpoint(URI value) {
            return authorizationEndpoint(Optional.of(value));
        }

        public Builder tokenEndpoint(Optional<URI> value) {
            tokenEndpoint = value;
            return this;
        }

        public Builder tokenEndpoint(URI value) {
            return tokenEndpoint(Optional.of(value));
        }

        public Builder revocationEndpoint(Optional<URI> value) {
            revocationEndpoint = value;
            return this;
        }

        public Builder revocationEndpoint(URI value) {
            return revocationEndpoint(Optional.of(value));
        }

        public Builder endSessionEndpoint(Optional<URI> value) {
            endSessionEndpoint = value;
            return this;
        }

        public Builder endSessionEndpoint(URI value) {
            return endSessionEndpoint(Optional.of(value));
        }

        public Builder allowInsecureHttp(boolean value) {
            allowInsecureHttp = value;
            return this;
        }

        public Builder clientId(String value) {
            clientId = value;
            return this;
        }

        public Builder clientSecret(Optional<ClientSecret> value) {
            clientSecret = value;
            return this;
        }

        /** Unset: {@code client_secret_basic} with a secret, else {@code none}. */
        public Builder clientAuth(ClientAuthMethod value) {
            clientAuth = value;
            return this;
        }

        public Builder scope(String value) {
            scope = value;
            return this;
        }

        public Builder audience(Optional<String> value) {
            audience = value;
            return this;
        }

        public Builder authorizeParams(Map<String, String> value) {
            authorizeParams = value;
            return this;
        }

        public Builder tokenRequestFormat(TokenRequestFormat value) {
            tokenRequestFormat = value;
            return this;
        }

        public Builder acceptedTokenTypes(Set<String> value) {
            acceptedTokenTypes = value;
            return this;
        }

        public Builder apiOrigins(Optional<List<Origin>> value) {
            apiOrigins = value;
            return this;
        }

        public Builder clientKey(Optional<ClientKey> value) {
            clientKey = value;
            return this;
        }

        /** Default {@code issuer}: then the issuer is needed for a JWT method. */
        public Builder clientAssertionAudience(ClientAssertionAudience value) {
            clientAssertionAudience = value;
            return this;
        }

        public Builder protectedPaths(List<String> value) {
            protectedPaths = value;
            return this;
        }

        public Builder publicPaths(List<String> value) {
            publicPaths = value;
            return this;
        }

        public Builder callbackPath(String value) {
            callbackPath = value;
            return this;
        }

        public Builder logoutPath(String value) {
            logoutPath = value;
            return this;
        }

        public Builder redirectUri(Optional<URI> value) {
            redirectUri = value;
            return this;
        }

        public Builder postLogoutRedirect(Optional<String> value) {
            postLogoutRedirect = value;
            return this;
        }

        public Builder refreshSkew(Duration value) {
            refreshSkew = value;
            return this;
        }

        public Builder loginTimeout(Duration value) {
            loginTimeout = value;
            return this;
        }

        public Builder httpTimeout(Duration value) {
            httpTimeout = value;
            return this;
        }

        public Builder jwksUri(Optional<URI> value) {
            jwksUri = value;
            return this;
        }

        public Builder clockSkew(Duration value) {
            clockSkew = value;
            return this;
        }

        public Builder idTokenAlgorithms(List<String> value) {
            idTokenAlgorithms = value;
            return this;
        }

        public Builder principalClaim(Optional<String> value) {
            principalClaim = value;
            return this;
        }

        public Builder rolesClaim(Optional<String> value) {
            rolesClaim = value;
            return this;
        }

        public Builder rolesSource(RolesSource value) {
            rolesSource = value;
            return this;
        }

        public Builder userinfoClaims(boolean value) {
            userinfoClaims = value;
            return this;
        }

        public Builder containerSecurity(boolean value) {
            containerSecurity = value;
            return this;
        }

        public Builder par(PushedAuthorizationRequestMode value) {
            par = value;
            return this;
        }

        public Builder dpop(boolean value) {
            dpop = value;
            return this;
        }

        public Builder dpopAcceptBearer(boolean value) {
            dpopAcceptBearer = value;
            return this;
        }

        /**
         * @throws NullPointerException without a client id
         * @throws IllegalArgumentException for a JWT method whose assertions are for the issuer, without an issuer
         */
        public ClientConfiguration build() {
            ClientAuthMethod auth = clientAuth != null ? clientAuth
                    : clientSecret.isPresent() ? ClientAuthMethod.CLIENT_SECRET_BASIC : ClientAuthMethod.NONE;
            if (auth.isJwt() && clientAssertionAudience == ClientAssertionAudience.ISSUER && issuer.isEmpty()) {
                throw new IllegalArgumentException(auth.value() + " with assertions for the issuer needs an issuer");
            }
            Optional<URI> assertionAudience = clientAssertionAudience == ClientAssertionAudience.ISSUER ? issuer
                    : Optional.empty();
            return new ClientConfiguration(
                    new Server(issuer, authorizationEndpoint, tokenEndpoint, revocationEndpoint, endSessionEndpoint,
                            allowInsecureHttp, jwksUri, par),
                    new Client(clientId, clientSecret, auth, scope, audience, authorizeParams, tokenRequestFormat,
                            acceptedTokenTypes, apiOrigins, clientKey, assertionAudience, dpop, dpopAcceptBearer),
                    new Paths(protectedPaths, publicPaths, callbackPath, logoutPath, redirectUri, postLogoutRedirect),
                    new Timeouts(refreshSkew, loginTimeout, httpTimeout),
                    new Identity(clockSkew, idTokenAlgorithms, principalClaim, rolesClaim, rolesSource,
                            userinfoClaims, containerSecurity));
        }
    }
}
