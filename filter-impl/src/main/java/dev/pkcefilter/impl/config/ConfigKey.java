package dev.pkcefilter.impl.config;

import java.util.Locale;

/**
 * The configuration keys, a public contract: their names never change.
 *
 * <p>Each key is read as {@code pkce.client-id} (MicroProfile Config, system property, {@code web.xml}),
 * as the environment variable {@code PKCE_CLIENT_ID} (the MicroProfile Config mapping), and as the annotation
 * attribute {@code clientId}. A further client's ({@code pkce.clients}) is {@code pkce.<name>.client-id},
 * {@code PKCE_<NAME>_CLIENT_ID} and {@code @PkceConfiguration(name = "<name>", clientId = ...)}: {@link #key(String)}.
 */
public enum ConfigKey {
    ISSUER("pkce.issuer", "issuer"),
    AUTHORIZATION_ENDPOINT("pkce.authorization-endpoint", "authorizationEndpoint"),
    TOKEN_ENDPOINT("pkce.token-endpoint", "tokenEndpoint"),
    REVOCATION_ENDPOINT("pkce.revocation-endpoint", "revocationEndpoint"),
    END_SESSION_ENDPOINT("pkce.end-session-endpoint", "endSessionEndpoint"),
    CLIENT_ID("pkce.client-id", "clientId"),
    CLIENT_SECRET("pkce.client-secret", "clientSecret"),
    CLIENT_SECRET_FILE("pkce.client-secret-file", "clientSecretFile"),
    CLIENT_AUTH("pkce.client-auth", "clientAuth"),
    SCOPE("pkce.scope", "scope"),
    AUDIENCE("pkce.audience", "audience"),
    AUTHORIZE_PARAMS("pkce.authorize-params", "authorizeParams"),
    TOKEN_REQUEST_FORMAT("pkce.token-request-format", "tokenRequestFormat"),
    PROTECTED_PATHS("pkce.protected-paths", "protectedPaths"),
    PUBLIC_PATHS("pkce.public-paths", "publicPaths"),
    CALLBACK_PATH("pkce.callback-path", "callbackPath"),
    LOGOUT_PATH("pkce.logout-path", "logoutPath"),
    REDIRECT_URI("pkce.redirect-uri", "redirectUri"),
    POST_LOGOUT_REDIRECT("pkce.post-logout-redirect", "postLogoutRedirect"),
    REFRESH_SKEW("pkce.refresh-skew", "refreshSkew"),
    LOGIN_TIMEOUT("pkce.login-timeout", "loginTimeout"),
    HTTP_TIMEOUT("pkce.http-timeout", "httpTimeout"),
    ALLOW_INSECURE_HTTP("pkce.allow-insecure-http", "allowInsecureHttp"),
    ACCEPTED_TOKEN_TYPES("pkce.accepted-token-types", "acceptedTokenTypes"),
    API_ORIGINS("pkce.api-origins", "apiOrigins"),
    JWKS_URI("pkce.jwks-uri", "jwksUri"),
    CLOCK_SKEW("pkce.clock-skew", "clockSkew"),
    ID_TOKEN_ALGORITHMS("pkce.id-token-algorithms", "idTokenAlgorithms"),
    PRINCIPAL_CLAIM("pkce.principal-claim", "principalClaim"),
    ROLES_CLAIM("pkce.roles-claim", "rolesClaim"),
    ROLES_SOURCE("pkce.roles-source", "rolesSource"),
    USERINFO_CLAIMS("pkce.userinfo-claims", "userinfoClaims"),
    CONTAINER_SECURITY("pkce.container-security", "containerSecurity"),
    CLIENTS("pkce.clients", "clients"),
    CLIENT_KEY_FILE("pkce.client-key-file", "clientKeyFile"),
    CLIENT_KEY_PASSWORD("pkce.client-key-password", "clientKeyPassword"),
    CLIENT_KEY_ALIAS("pkce.client-key-alias", "clientKeyAlias"),
    CLIENT_KEY_ID("pkce.client-key-id", "clientKeyId"),
    CLIENT_KEY_ALGORITHM("pkce.client-key-algorithm", "clientKeyAlgorithm"),
    CLIENT_ASSERTION_AUDIENCE("pkce.client-assertion-audience", "clientAssertionAudience"),
    PAR("pkce.par", "par"),
    DPOP("pkce.dpop", "dpop"),
    DPOP_ACCEPT_BEARER("pkce.dpop-accept-bearer", "dpopAcceptBearer");

    private final String key;
    private final String attribute;
    private final String environmentName;

    ConfigKey(String key, String attribute) {
        this.key = key;
        this.attribute = attribute;
        this.environmentName = environmentVariable(key);
    }

    /** @return the property name, such as {@code pkce.client-id} */
    public String key() {
        return key;
    }

    /**
     * @param client a further client's name, or {@code null} for the default client
     * @return the property name, such as {@code pkce.client-id} or {@code pkce.loom.client-id}
     */
    public String key(String client) {
        return client == null ? key : "pkce." + client + key.substring("pkce".length());
    }

    /**
     * @param client a further client's name, or {@code null} for the default client
     * @return the environment variable, such as {@code PKCE_CLIENT_ID} or {@code PKCE_LOOM_CLIENT_ID}
     */
    public String environmentName(String client) {
        return client == null ? environmentName : environmentVariable(key(client));
    }

    /** @return the annotation attribute, such as {@code clientId} */
    public String attribute() {
        return attribute;
    }

    /** @return the environment variable, such as {@code PKCE_CLIENT_ID} */
    public String environmentName() {
        return environmentName;
    }

    /** The MicroProfile Config environment mapping: every non-alphanumeric character becomes {@code _}, upper case. */
    static String environmentVariable(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** @return how a user may set this key, for error messages */
    String howToSet() {
        return howToSet(null);
    }

    /**
     * @param client a further client's name, or {@code null} for the default client
     * @return how a user may set this key of that client, for error messages
     */
    String howToSet(String client) {
        return "set " + key(client) + " as a system property, environment variable " + environmentName(client)
                + ", web.xml context-param or filter init-param, or @PkceConfiguration(" + annotationAttribute(client)
                + " = ...)";
    }

    /** @return the annotation attribute as written, such as {@code clientId} or {@code name = "loom", clientId} */
    String annotationAttribute(String client) {
        return client == null ? attribute : "name = \"" + client + "\", " + attribute;
    }

    @Override
    public String toString() {
        return key;
    }
}
