package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.PkceConfiguration;

class ConfigKeyTest {

    @Test
    void keepsThePublicKeyNames() {
        List<String> names = Arrays.stream(ConfigKey.values())
                .map(k -> k.key() + " " + k.environmentName() + " " + k.attribute()).toList();

        assertEquals(List.of(
                "pkce.issuer PKCE_ISSUER issuer",
                "pkce.authorization-endpoint PKCE_AUTHORIZATION_ENDPOINT authorizationEndpoint",
                "pkce.token-endpoint PKCE_TOKEN_ENDPOINT tokenEndpoint",
                "pkce.revocation-endpoint PKCE_REVOCATION_ENDPOINT revocationEndpoint",
                "pkce.end-session-endpoint PKCE_END_SESSION_ENDPOINT endSessionEndpoint",
                "pkce.client-id PKCE_CLIENT_ID clientId",
                "pkce.client-secret PKCE_CLIENT_SECRET clientSecret",
                "pkce.client-secret-file PKCE_CLIENT_SECRET_FILE clientSecretFile",
                "pkce.client-auth PKCE_CLIENT_AUTH clientAuth",
                "pkce.scope PKCE_SCOPE scope",
                "pkce.audience PKCE_AUDIENCE audience",
                "pkce.authorize-params PKCE_AUTHORIZE_PARAMS authorizeParams",
                "pkce.token-request-format PKCE_TOKEN_REQUEST_FORMAT tokenRequestFormat",
                "pkce.protected-paths PKCE_PROTECTED_PATHS protectedPaths",
                "pkce.public-paths PKCE_PUBLIC_PATHS publicPaths",
                "pkce.callback-path PKCE_CALLBACK_PATH callbackPath",
                "pkce.logout-path PKCE_LOGOUT_PATH logoutPath",
                "pkce.redirect-uri PKCE_REDIRECT_URI redirectUri",
                "pkce.post-logout-redirect PKCE_POST_LOGOUT_REDIRECT postLogoutRedirect",
                "pkce.refresh-skew PKCE_REFRESH_SKEW refreshSkew",
                "pkce.login-timeout PKCE_LOGIN_TIMEOUT loginTimeout",
                "pkce.http-timeout PKCE_HTTP_TIMEOUT httpTimeout",
                "pkce.allow-insecure-http PKCE_ALLOW_INSECURE_HTTP allowInsecureHttp",
                "pkce.accepted-token-types PKCE_ACCEPTED_TOKEN_TYPES acceptedTokenTypes",
                "pkce.api-origins PKCE_API_ORIGINS apiOrigins",
                "pkce.jwks-uri PKCE_JWKS_URI jwksUri",
                "pkce.clock-skew PKCE_CLOCK_SKEW clockSkew",
                "pkce.id-token-algorithms PKCE_ID_TOKEN_ALGORITHMS idTokenAlgorithms",
                "pkce.principal-claim PKCE_PRINCIPAL_CLAIM principalClaim",
                "pkce.roles-claim PKCE_ROLES_CLAIM rolesClaim",
                "pkce.roles-source PKCE_ROLES_SOURCE rolesSource",
                "pkce.userinfo-claims PKCE_USERINFO_CLAIMS userinfoClaims",
                "pkce.container-security PKCE_CONTAINER_SECURITY containerSecurity",
                "pkce.clients PKCE_CLIENTS clients",
                "pkce.client-key-file PKCE_CLIENT_KEY_FILE clientKeyFile",
                "pkce.client-key-password PKCE_CLIENT_KEY_PASSWORD clientKeyPassword",
                "pkce.client-key-alias PKCE_CLIENT_KEY_ALIAS clientKeyAlias",
                "pkce.client-key-id PKCE_CLIENT_KEY_ID clientKeyId",
                "pkce.client-key-algorithm PKCE_CLIENT_KEY_ALGORITHM clientKeyAlgorithm",
                "pkce.client-assertion-audience PKCE_CLIENT_ASSERTION_AUDIENCE clientAssertionAudience",
                "pkce.par PKCE_PAR par",
                "pkce.dpop PKCE_DPOP dpop",
                "pkce.dpop-accept-bearer PKCE_DPOP_ACCEPT_BEARER dpopAcceptBearer"), names);
    }

    @Test
    void namesAFurtherClientsKeysWithItsName() {
        assertEquals("pkce.loom.client-id", ConfigKey.CLIENT_ID.key("loom"));
        assertEquals("PKCE_LOOM_CLIENT_ID", ConfigKey.CLIENT_ID.environmentName("loom"));
        assertEquals("PKCE_BILLING_API_TOKEN_REQUEST_FORMAT", ConfigKey.TOKEN_REQUEST_FORMAT.environmentName("billing-api"));
        assertEquals("pkce.client-id", ConfigKey.CLIENT_ID.key(null));
        assertTrue(ConfigKey.CLIENT_ID.howToSet("loom").contains("@PkceConfiguration(name = \"loom\", clientId = ...)"),
                ConfigKey.CLIENT_ID.howToSet("loom"));
    }

    @Test
    void namesTheInsecureHttpKeyAsTheProtocolMessagesDo() {
        assertEquals(ConfigKey.ALLOW_INSECURE_HTTP.key(), dev.pkcefilter.impl.protocol.HttpUrls.ALLOW_INSECURE_HTTP_KEY);
    }

    @Test
    void mirrorsEveryAnnotationAttributeAndNothingElse() {
        Set<String> attributes = Arrays.stream(PkceConfiguration.class.getDeclaredMethods()).map(Method::getName)
                .collect(Collectors.toSet());
        Set<String> keys = Arrays.stream(ConfigKey.values()).map(ConfigKey::attribute).collect(Collectors.toSet());
        keys.add("name"); // which client the annotation configures: not a key

        assertEquals(attributes, keys);
    }

    @Test
    void mapsNamesToEnvironmentVariablesAsMicroProfileConfigDoes() {
        assertEquals("PKCE_CLIENT_ID", ConfigKey.environmentVariable("pkce.client-id"));
        assertEquals("SHOP_CLIENT_SECRET", ConfigKey.environmentVariable("shop.client-secret"));
        assertEquals("A_B_C_D1", ConfigKey.environmentVariable("a/b:c d1"));
    }

    @Test
    void tellsEveryWayToSetAKey() {
        assertEquals("set pkce.client-id as a system property, environment variable PKCE_CLIENT_ID, web.xml"
                + " context-param or filter init-param, or @PkceConfiguration(clientId = ...)",
                ConfigKey.CLIENT_ID.howToSet());
        assertEquals("pkce.client-id", ConfigKey.CLIENT_ID.toString());
    }
}
