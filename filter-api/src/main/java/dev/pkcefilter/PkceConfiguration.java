package dev.pkcefilter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Configures pkce-filter from code. Put it on any one class of the web application.
 *
 * <pre>{@code
 * @PkceConfiguration(
 *         issuer = "https://login.example.com/realms/shop",
 *         clientId = "shop",
 *         clientSecret = "${SHOP_CLIENT_SECRET}",
 *         scope = "openid profile orders:read",
 *         protectedPaths = "/app/*")
 * @ApplicationPath("/api")
 * public class ShopApplication extends Application { }
 * }</pre>
 *
 * <p>Each attribute mirrors a configuration key ({@code clientId} is {@code pkce.client-id}). The annotation has
 * the lowest precedence: a system property or MicroProfile Config property, an environment variable
 * ({@code PKCE_CLIENT_ID}) or a {@code web.xml} context-param or filter init-param of the same key overrides it.
 * An empty string means "not set here". String values may contain {@code ${NAME}} or {@code ${NAME:default}}
 * placeholders, resolved from MicroProfile Config, system properties and environment variables, so secrets
 * need not be written in code.
 *
 * <p>Durations are ISO-8601 ({@code PT30S}); lists are comma separated.
 *
 * <p>A further client ({@code pkce.clients}) is configured by another annotation with its {@link #name()}, on the same
 * class or any other; its attributes are that client's keys ({@code pkce.<name>.<key>}):
 * <pre>{@code
 * @PkceConfiguration(issuer = "https://login.example.com/realms/shop", clientId = "shop", clients = "loom")
 * @PkceConfiguration(name = "loom", issuer = "https://auth.loom.example", clientId = "shop-at-loom",
 *         clientSecret = "${LOOM_CLIENT_SECRET}", clientAuth = "client_secret_post", audience = "https://api.loom.example")
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(PkceConfiguration.List.class)
public @interface PkceConfiguration {

    /**
     * @return empty for the client users sign in with; else the further client these attributes configure, a name
     *         that {@code pkce.clients} lists (lowercase letters, digits and {@code -})
     */
    String name() default "";

    /**
     * @return {@code pkce.clients}: the names of further clients, each at its own authorization server (an API
     *         vendor's), which a signed-in user connects at {@code {context}/oauth/connect/<name>}; only on the
     *         annotation without a {@link #name()}
     */
    String[] clients() default {};

    /** @return {@code pkce.issuer}: the authorization server's issuer; endpoints are discovered from it (RFC 8414, OpenID Connect Discovery) */
    String issuer() default "";

    /** @return {@code pkce.authorization-endpoint}: overrides the discovered authorization endpoint */
    String authorizationEndpoint() default "";

    /** @return {@code pkce.token-endpoint}: overrides the discovered token endpoint */
    String tokenEndpoint() default "";

    /** @return {@code pkce.revocation-endpoint}: overrides the discovered revocation endpoint (RFC 7009) */
    String revocationEndpoint() default "";

    /** @return {@code pkce.end-session-endpoint}: overrides the discovered end-session endpoint */
    String endSessionEndpoint() default "";

    /** @return {@code pkce.client-id}: the client identifier registered at the authorization server (required) */
    String clientId() default "";

    /** @return {@code pkce.client-secret}: the client secret of a confidential client; best given as a placeholder */
    String clientSecret() default "";

    /**
     * @return {@code pkce.client-secret-file}: an absolute path to a file holding the client secret, the way container
     *         platforms mount secrets (one trailing newline is trimmed); instead of {@code clientSecret}
     */
    String clientSecretFile() default "";

    /**
     * @return {@code pkce.client-auth}: {@code none}, {@code client_secret_basic}, {@code client_secret_post},
     *         {@code client_secret_jwt} or {@code private_key_jwt}
     */
    String clientAuth() default "";

    /** @return {@code pkce.scope}: space separated scopes to request */
    String scope() default "";

    /** @return {@code pkce.audience}: sent as {@code audience} on authorize and token requests */
    String audience() default "";

    /** @return {@code pkce.authorize-params}: extra authorization request parameters, {@code k=v&k2=v2} */
    String authorizeParams() default "";

    /** @return {@code pkce.token-request-format}: {@code form} (default) or {@code json} */
    String tokenRequestFormat() default "";

    /** @return {@code pkce.protected-paths}: servlet URL patterns the filter guards (default {@code /*}) */
    String[] protectedPaths() default {};

    /** @return {@code pkce.public-paths}: URL patterns inside the protected ones that stay open */
    String[] publicPaths() default {};

    /** @return {@code pkce.callback-path}: the redirection endpoint inside the context path (default {@code /oauth/callback}) */
    String callbackPath() default "";

    /** @return {@code pkce.logout-path}: the logout endpoint inside the context path (default {@code /oauth/logout}) */
    String logoutPath() default "";

    /** @return {@code pkce.redirect-uri}: absolute redirect URI; set it behind a reverse proxy */
    String redirectUri() default "";

    /** @return {@code pkce.post-logout-redirect}: where to go after logout (default the context root) */
    String postLogoutRedirect() default "";

    /** @return {@code pkce.refresh-skew}: refresh this long before expiry (default {@code PT30S}) */
    String refreshSkew() default "";

    /** @return {@code pkce.login-timeout}: how long a started login stays valid (default {@code PT10M}) */
    String loginTimeout() default "";

    /** @return {@code pkce.http-timeout}: connect and read timeout towards the authorization server (default {@code PT10S}) */
    String httpTimeout() default "";

    /**
     * @return {@code pkce.allow-insecure-http}: allow {@code http} URLs to hosts that are not loopback (default
     *         {@code false}: such URLs fail the deployment); for development only, warned at every start
     */
    boolean allowInsecureHttp() default false;

    /**
     * @return {@code pkce.accepted-token-types}: the {@code token_type} values a token response may carry, compared
     *         case-insensitively (default {@code Bearer}, RFC 6750); a response with another type is refused
     */
    String[] acceptedTokenTypes() default {};

    /**
     * @return {@code pkce.api-origins}: the origins ({@code https://api.example.com}) {@link BearerTokenFilter} and
     *         {@link AccessToken#authorizationHeaderFor(java.net.URI)} may send the access token to (default the
     *         issuer's origin and the discovered userinfo endpoint's origin)
     */
    String[] apiOrigins() default {};

    /** @return {@code pkce.jwks-uri}: the issuer's signing keys, for ID token signatures (default discovered) */
    String jwksUri() default "";

    /** @return {@code pkce.clock-skew}: how far an ID token's {@code exp} and {@code iat} may be off (default {@code PT60S}) */
    String clockSkew() default "";

    /**
     * @return {@code pkce.id-token-algorithms}: the JWS algorithms an ID token may be signed with (default
     *         {@code RS256, PS256, ES256}); {@code HS256}, {@code HS384} and {@code HS512} only with a client secret,
     *         {@code none} never
     */
    String[] idTokenAlgorithms() default {};

    /** @return {@code pkce.principal-claim}: the claim that names the user (default {@code preferred_username}, then {@code sub}) */
    String principalClaim() default "";

    /** @return {@code pkce.roles-claim}: the dotted path to the user's roles, such as {@code realm_access.roles} (default none) */
    String rolesClaim() default "";

    /** @return {@code pkce.roles-source}: the token the roles are read from, {@code id_token} (default) or {@code access_token} */
    String rolesSource() default "";

    /**
     * @return {@code pkce.userinfo-claims}: ask the userinfo endpoint once at login and add its claims to the ID
     *         token's, for the name, the roles and {@link SignedInUser#claims()} (default {@code false})
     */
    boolean userinfoClaims() default false;

    /**
     * @return {@code pkce.container-security}: also report the verified user to the container through Jakarta
     *         Security, so that EJB {@code @RolesAllowed}, {@code jakarta.security.enterprise.SecurityContext} and
     *         {@code web.xml} {@code <security-constraint>}s know the user (default {@code false}: the container's
     *         own security is left alone). Read at CDI bootstrap: here it counts only when this class is a CDI bean
     *         (a bean-defining annotation such as {@code @ApplicationScoped}, or {@code bean-discovery-mode="all"});
     *         a system property, environment variable or MicroProfile Config property always counts, a
     *         {@code web.xml} parameter never
     */
    boolean containerSecurity() default false;

    /**
     * @return {@code pkce.client-key-file}: an absolute path to the client's private key for
     *         {@code private_key_jwt} (RFC 7523 §2.2): a PKCS#12 keystore, or a PEM file with an unencrypted PKCS#8
     *         key ({@code -----BEGIN PRIVATE KEY-----}); RSA (2048 bits or more) or EC P-256
     */
    String clientKeyFile() default "";

    /** @return {@code pkce.client-key-password}: the PKCS#12 keystore's password; a secret, best as {@code ${KEY}} */
    String clientKeyPassword() default "";

    /** @return {@code pkce.client-key-alias}: the PKCS#12 entry to use (default: the only key entry) */
    String clientKeyAlias() default "";

    /** @return {@code pkce.client-key-id}: the assertion's {@code kid} (default: the key's RFC 7638 thumbprint) */
    String clientKeyId() default "";

    /** @return {@code pkce.client-key-algorithm}: RS256, PS256 or ES256 (default PS256 for RSA, ES256 for EC) */
    String clientKeyAlgorithm() default "";

    /**
     * @return {@code pkce.client-assertion-audience}: the {@code aud} of client assertions, {@code issuer} (the
     *         default, FAPI 2.0 §5.3.2.1) or {@code endpoint} (the URL each request goes to)
     */
    String clientAssertionAudience() default "";

    /**
     * @return {@code pkce.par}: pushed authorization requests (RFC 9126): {@code auto} (the default: when the
     *         server's metadata has {@code require_pushed_authorization_requests: true}), {@code always} (whenever
     *         the metadata names a {@code pushed_authorization_request_endpoint}) or {@code never}
     */
    String par() default "";

    /**
     * @return {@code pkce.dpop}: DPoP-bound tokens (RFC 9449): each login makes an ES256 key pair, kept in the
     *         session with the tokens, and the token, refresh, pushed authorization, revocation and userinfo requests
     *         and {@link BearerTokenFilter}'s calls carry proofs signed with it (default {@code false})
     */
    boolean dpop() default false;

    /**
     * @return {@code pkce.dpop-accept-bearer}: with {@code pkce.dpop}, keep a {@code Bearer} token the server answers
     *         although a proof was sent, and send it as a bearer token (default {@code false}: such an answer fails
     *         the login or refresh, RFC 9449 §5)
     */
    boolean dpopAcceptBearer() default false;

    /** Holds the annotations of a class that configures several clients. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        /** @return the annotations, one per client */
        PkceConfiguration[] value();
    }
}
