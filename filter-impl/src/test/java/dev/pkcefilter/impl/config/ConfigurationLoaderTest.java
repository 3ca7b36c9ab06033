package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.logging.Level;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;
import dev.pkcefilter.impl.testing.LogCapture;

class ConfigurationLoaderTest {

    private static final String ONE = "pkce-filter configuration is invalid (1 problem):\n  - ";

    @Test
    void appliesTheDocumentedDefaults() {
        ClientConfiguration config = Sources.minimal().load();

        assertEquals(Optional.of(URI.create("https://login.example.com/realms/shop")), config.server().issuer());
        assertEquals(Optional.empty(), config.server().authorizationEndpoint());
        assertEquals(Optional.empty(), config.server().tokenEndpoint());
        assertEquals(Optional.empty(), config.server().revocationEndpoint());
        assertEquals(Optional.empty(), config.server().endSessionEndpoint());
        assertEquals("shop", config.client().id());
        assertEquals(Optional.empty(), config.client().secret());
        assertEquals(ClientAuthMethod.NONE, config.client().authMethod());
        assertEquals("", config.client().scope());
        assertEquals(Optional.empty(), config.client().audience());
        assertEquals(Map.of(), config.client().authorizeParams());
        assertEquals(TokenRequestFormat.FORM, config.client().tokenRequestFormat());
        assertEquals(List.of("/*"), config.paths().protectedPaths());
        assertEquals(List.of(), config.paths().publicPaths());
        assertEquals("/oauth/callback", config.paths().callbackPath());
        assertEquals("/oauth/logout", config.paths().logoutPath());
        assertEquals(Optional.empty(), config.paths().redirectUri());
        assertEquals(Optional.empty(), config.paths().postLogoutRedirect());
        assertEquals(Duration.ofSeconds(30), config.timeouts().refreshSkew());
        assertEquals(Duration.ofMinutes(10), config.timeouts().loginTimeout());
        assertEquals(Duration.ofSeconds(10), config.timeouts().httpTimeout());
        assertEquals(Set.of("bearer"), config.client().acceptedTokenTypes());
        assertFalse(config.server().allowInsecureHttp());
        assertEquals(Optional.empty(), config.client().apiOrigins());
        assertFalse(config.identity().containerSecurity());
    }

    @ParameterizedTest
    @CsvSource({"true,true", "TRUE,true", "False,false"})
    void readsContainerSecurity(String value, boolean expected) {
        assertEquals(expected, Sources.minimal().servlet(ConfigKey.CONTAINER_SECURITY, value).load().identity()
                .containerSecurity());
    }

    @Test
    void rejectsAContainerSecurityThatIsNeitherTrueNorFalse() {
        assertEquals(ONE + "pkce.container-security 'yes' is not known: use one of true, false",
                Sources.minimal().servlet(ConfigKey.CONTAINER_SECURITY, "yes").failure());
    }

    @Test
    void readsContainerSecurityForTheBootstrapFromTheSourcesGiven() {
        assertFalse(ConfigurationLoader.containerSecurity(Sources.minimal().build()));

        Sources external = Sources.minimal();
        external.external.put("pkce.container-security", "true");
        assertTrue(ConfigurationLoader.containerSecurity(external.build()));
        Sources environment = Sources.minimal();
        environment.environment.put("PKCE_CONTAINER_SECURITY", "TRUE");
        assertTrue(ConfigurationLoader.containerSecurity(environment.build()));
        Sources annotation = Sources.minimal();
        annotation.annotation.put("pkce.container-security", "true");
        assertTrue(ConfigurationLoader.containerSecurity(annotation.build()));

        Sources bad = Sources.minimal();
        bad.external.put("pkce.container-security", "yes"); // the load at deployment reports it
        assertFalse(ConfigurationLoader.containerSecurity(bad.build()));
    }

    @Test
    void readsEveryKey() {
        Sources sources = new Sources()
                .servlet(ConfigKey.ISSUER, "https://login.example.com")
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "https://login.example.com/authorize")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/oauth/token")
                .servlet(ConfigKey.REVOCATION_ENDPOINT, "https://login.example.com/oauth/revoke")
                .servlet(ConfigKey.END_SESSION_ENDPOINT, "https://login.example.com/v2/logout")
                .servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.CLIENT_SECRET, "s3cret")
                .servlet(ConfigKey.CLIENT_AUTH, "CLIENT_SECRET_POST")
                .servlet(ConfigKey.SCOPE, "  openid \t profile\norders:read ")
                .servlet(ConfigKey.AUDIENCE, "https://api.example.com")
                .servlet(ConfigKey.AUTHORIZE_PARAMS, "prompt=login&&ui_locales=de%20en&max_age=0&login_hint")
                .servlet(ConfigKey.TOKEN_REQUEST_FORMAT, "JSON")
                .servlet(ConfigKey.PROTECTED_PATHS, " /app/* , *.xhtml,,/admin")
                .servlet(ConfigKey.PUBLIC_PATHS, "/app/public/*")
                .servlet(ConfigKey.CALLBACK_PATH, "/login/cb")
                .servlet(ConfigKey.LOGOUT_PATH, "/login/out")
                .servlet(ConfigKey.REDIRECT_URI, "https://shop.example.com/login/cb")
                .servlet(ConfigKey.POST_LOGOUT_REDIRECT, "https://shop.example.com/bye")
                .servlet(ConfigKey.REFRESH_SKEW, "PT0S")
                .servlet(ConfigKey.LOGIN_TIMEOUT, "PT5M")
                .servlet(ConfigKey.HTTP_TIMEOUT, "PT2.5S")
                .servlet(ConfigKey.ACCEPTED_TOKEN_TYPES, " Bearer , DPoP,,N_A")
                .servlet(ConfigKey.ALLOW_INSECURE_HTTP, "TRUE")
                .servlet(ConfigKey.API_ORIGINS, "HTTPS://API.Example.com:443/, https://login.example.com:8443,"
                        + " http://127.0.0.1:9000 ,http://localhost,https://api.example.com");

        ClientConfiguration config = sources.load();

        Map<String, String> params = new LinkedHashMap<>();
        params.put("prompt", "login");
        params.put("ui_locales", "de en");
        params.put("max_age", "0");
        params.put("login_hint", "");
        assertEquals(Optional.of(URI.create("https://login.example.com")), config.server().issuer());
        assertEquals(Optional.of(URI.create("https://login.example.com/authorize")),
                config.server().authorizationEndpoint());
        assertEquals(Optional.of(URI.create("https://login.example.com/oauth/token")), config.server().tokenEndpoint());
        assertEquals(Optional.of(URI.create("https://login.example.com/oauth/revoke")),
                config.server().revocationEndpoint());
        assertEquals(Optional.of(URI.create("https://login.example.com/v2/logout")),
                config.server().endSessionEndpoint());
        assertEquals(Optional.of(new ClientSecret("s3cret")), config.client().secret());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_POST, config.client().authMethod());
        assertEquals("openid profile orders:read", config.client().scope());
        assertEquals(Optional.of("https://api.example.com"), config.client().audience());
        assertEquals(List.copyOf(params.entrySet()), List.copyOf(config.client().authorizeParams().entrySet()));
        assertEquals(TokenRequestFormat.JSON, config.client().tokenRequestFormat());
        assertEquals(List.of("/app/*", "*.xhtml", "/admin"), config.paths().protectedPaths());
        assertEquals(List.of("/app/public/*"), config.paths().publicPaths());
        assertEquals("/login/cb", config.paths().callbackPath());
        assertEquals("/login/out", config.paths().logoutPath());
        assertEquals(Optional.of(URI.create("https://shop.example.com/login/cb")), config.paths().redirectUri());
        assertEquals(Optional.of("https://shop.example.com/bye"), config.paths().postLogoutRedirect());
        assertEquals(Duration.ZERO, config.timeouts().refreshSkew());
        assertEquals(Duration.ofMinutes(5), config.timeouts().loginTimeout());
        assertEquals(Duration.ofMillis(2500), config.timeouts().httpTimeout());
        assertEquals(Set.of("bearer", "dpop", "n_a"), config.client().acceptedTokenTypes());
        assertTrue(config.server().allowInsecureHttp());
        assertEquals(Optional.of(List.of(new Origin("https", "api.example.com", -1),
                new Origin("https", "login.example.com", 8443), new Origin("http", "127.0.0.1", 9000),
                new Origin("http", "localhost", -1))), config.client().apiOrigins());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer DPoP", "Bearer;x", "\"Bearer\"", "Bearer,mac token"})
    void rejectsATokenTypeThatIsNotAName(String value) {
        String bad = value.contains(",") ? "mac token" : value;

        assertEquals(ONE + "pkce.accepted-token-types has '" + bad + "', which is not a token type name: list names"
                + " such as Bearer or DPoP, separated by commas", Sources.minimal()
                .servlet(ConfigKey.ACCEPTED_TOKEN_TYPES, value).failure());
    }

    @Test
    void rejectsAnEmptyListOfTokenTypes() {
        assertEquals(ONE + "pkce.accepted-token-types ',' lists no token type: give at least one, such as Bearer,"
                + " or leave it unset to accept Bearer only", Sources.minimal()
                .servlet(ConfigKey.ACCEPTED_TOKEN_TYPES, " , ").failure());
    }

    @Test
    void defaultsToClientSecretBasicWhenASecretIsSet() {
        ClientConfiguration config = Sources.minimal().servlet(ConfigKey.CLIENT_SECRET, "s3cret").load();

        assertEquals(ClientAuthMethod.CLIENT_SECRET_BASIC, config.client().authMethod());
        assertFalse(config.toString().contains("s3cret"), config.toString());
        assertTrue(config.toString().contains("secret=Optional[ClientSecret[redacted]]"), config.toString());
    }

    @Test
    void takesEachKeyFromTheSourceOfHighestPrecedence() {
        Sources sources = Sources.minimal();
        sources.annotation.put("pkce.client-id", "annotation");
        sources.annotation.put("pkce.scope", "annotation");
        sources.annotation.put("pkce.audience", "annotation");
        sources.annotation.put("pkce.logout-path", "/annotation");
        sources.servlet.put("pkce.scope", "servlet");
        sources.servlet.put("pkce.audience", "servlet");
        sources.environment.put("PKCE_AUDIENCE", "environment");
        sources.environment.put("PKCE_CLIENT_ID", "environment");
        sources.external.put("pkce.client-id", "external");

        ClientConfiguration config = sources.load();

        assertEquals("external", config.client().id());
        assertEquals(Optional.of("environment"), config.client().audience());
        assertEquals("servlet", config.client().scope());
        assertEquals("/annotation", config.paths().logoutPath());
    }

    @Test
    void readsAnnotationValuesWithPlaceholders() {
        Sources sources = new Sources();
        sources.annotation.put("pkce.issuer", "https://${AUTH_HOST:login.example.com}/realms/shop");
        sources.annotation.put("pkce.client-id", "shop");
        sources.annotation.put("pkce.client-secret", "${SHOP_SECRET}");
        sources.environment.put("SHOP_SECRET", "s3cret");

        ClientConfiguration config = sources.load();

        assertEquals(Optional.of(URI.create("https://login.example.com/realms/shop")), config.server().issuer());
        assertEquals(Optional.of(new ClientSecret("s3cret")), config.client().secret());
    }

    @Test
    void reportsAnUnresolvedPlaceholder() {
        Sources sources = Sources.minimal();
        sources.annotation.put("pkce.client-secret", "${SHOP_SECRET}");
        sources.annotation.put("pkce.client-auth", "client_secret_post");

        assertEquals("pkce-filter configuration is invalid (2 problems):\n"
                + "  - @PkceConfiguration(clientSecret) refers to ${SHOP_SECRET}, which is not set: set it as a system"
                + " property, MicroProfile Config property or environment variable, or give a default as"
                + " ${NAME:default}\n"
                + "  - pkce.client-auth is client_secret_post but pkce.client-secret is not set: set"
                + " pkce.client-secret as a system property, environment variable PKCE_CLIENT_SECRET, web.xml"
                + " context-param or filter init-param, or @PkceConfiguration(clientSecret = ...), or set"
                + " pkce.client-secret-file, or use none for a public client", sources.failure());
    }

    @Test
    void acceptsBothEndpointsInsteadOfAnIssuer() {
        ClientConfiguration config = new Sources().servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "http://localhost:8180/authorize")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "http://localhost:8180/token").load();

        assertEquals(Optional.of(URI.create("http://localhost:8180/token")), config.server().tokenEndpoint());
    }

    @Test
    void rejectsAMissingClientId() {
        assertEquals(ONE + "pkce.client-id is missing: set pkce.client-id as a system property, environment variable"
                + " PKCE_CLIENT_ID, web.xml context-param or filter init-param, or @PkceConfiguration(clientId = ...)",
                new Sources().servlet(ConfigKey.ISSUER, "https://login.example.com").failure());
    }

    @Test
    void rejectsAMissingAuthorizationServer() {
        String expected = ONE + "no authorization server: set pkce.issuer (endpoints are then discovered), or both"
                + " pkce.authorization-endpoint and pkce.token-endpoint";

        assertEquals(expected, new Sources().servlet(ConfigKey.CLIENT_ID, "shop").failure());
        assertEquals(expected, new Sources().servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "https://login.example.com/authorize").failure());
        assertEquals(expected, new Sources().servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/token").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"login.example.com", "/realms/shop", "ftp://login.example.com/realms/shop", "https://",
            "https:///realms/shop", "https://login.example.com/realms/shop#x", "https://login example.com",
            "mailto:admin@example.com"})
    void rejectsAMalformedUrl(String url) {
        assertEquals(ONE + "pkce.issuer '" + url + "' is not an absolute http(s) URL without a fragment, such as"
                + " https://login.example.com/realms/main",
                new Sources().servlet(ConfigKey.CLIENT_ID, "shop").servlet(ConfigKey.ISSUER, url).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkce.authorization-endpoint", "pkce.token-endpoint", "pkce.revocation-endpoint",
            "pkce.end-session-endpoint"})
    void rejectsAMalformedUrlInAnyEndpointKey(String key) {
        Sources sources = Sources.minimal();
        sources.servlet.put(key, "/relative");

        assertEquals(ONE + key + " '/relative' is not an absolute http(s) URL without a fragment, such as"
                + " https://login.example.com/realms/main", sources.failure());
    }

    @Test
    void rejectsAMalformedRedirectUriWithAnExampleOfOne() {
        assertEquals(ONE + "pkce.redirect-uri '/oauth/callback' is not an absolute http(s) URL without a fragment,"
                + " such as https://app.example.com/oauth/callback",
                Sources.minimal().servlet(ConfigKey.REDIRECT_URI, "/oauth/callback").failure());
    }

    @Test
    void rejectsAnUnknownClientAuthenticationListingTheAllowedOnes() {
        assertEquals(ONE + "pkce.client-auth 'tls_client_auth' is not known: use one of none, client_secret_basic,"
                + " client_secret_post, client_secret_jwt, private_key_jwt", Sources.minimal()
                .servlet(ConfigKey.CLIENT_AUTH, "tls_client_auth").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_secret_basic", "client_secret_post"})
    void rejectsASecretMethodWithoutASecret(String method) {
        assertEquals(ONE + "pkce.client-auth is " + method + " but pkce.client-secret is not set: set"
                + " pkce.client-secret as a system property, environment variable PKCE_CLIENT_SECRET, web.xml"
                + " context-param or filter init-param, or @PkceConfiguration(clientSecret = ...), or set"
                + " pkce.client-secret-file, or use none for a public client", Sources.minimal().servlet(ConfigKey.CLIENT_AUTH, method).failure());
    }

    @Test
    void rejectsNoneWithASecretWithoutShowingTheSecret() {
        String message = Sources.minimal().servlet(ConfigKey.CLIENT_AUTH, "none")
                .servlet(ConfigKey.CLIENT_SECRET, "TopSecret-123").failure();

        assertEquals(ONE + "pkce.client-auth is none but pkce.client-secret is set: remove the secret for a public"
                + " client, or use client_secret_basic or client_secret_post", message);
    }

    @Test
    void rejectsAnUnknownTokenRequestFormat() {
        assertEquals(ONE + "pkce.token-request-format 'xml' is not known: use one of form or json",
                Sources.minimal().servlet(ConfigKey.TOKEN_REQUEST_FORMAT, "xml").failure());
    }

    @ParameterizedTest
    @CsvSource({"client_id,'; set pkce.client-id instead'", "redirect_uri,'; set pkce.redirect-uri instead'",
            "scope,'; set pkce.scope instead'", "audience,'; set pkce.audience instead'", "response_type,''",
            "state,''", "code_challenge,''", "code_challenge_method,''"})
    void rejectsAuthorizeParamsThatPkceFilterWrites(String name, String hint) {
        assertEquals(ONE + "pkce.authorize-params may not set '" + name + "': pkce-filter writes it" + hint,
                Sources.minimal().servlet(ConfigKey.AUTHORIZE_PARAMS, "prompt=login&" + name + "=x").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=%zz", "a%=b", "ui_locales=100%"})
    void rejectsBadPercentEncodingInAuthorizeParams(String pair) {
        assertEquals(ONE + "pkce.authorize-params has invalid percent-encoding in '" + pair + "': write it as"
                + " name=value&name2=value2, percent-encoding reserved characters",
                Sources.minimal().servlet(ConfigKey.AUTHORIZE_PARAMS, "prompt=login&" + pair).failure());
    }

    @Test
    void rejectsAnAuthorizeParamWithoutAName() {
        assertEquals(ONE + "pkce.authorize-params has a parameter without a name in '=login': write it as"
                + " name=value&name2=value2",
                Sources.minimal().servlet(ConfigKey.AUTHORIZE_PARAMS, "=login").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"app/*", "/app*", "/app/*/orders", "*.", "*.x/y", "**"})
    void rejectsBadUrlPatterns(String pattern) {
        String hint = "', which is not a servlet URL pattern: use an exact path (/app/page), a prefix (/app/*), an"
                + " extension (*.xhtml) or /";

        assertEquals(ONE + "pkce.protected-paths has '" + pattern + hint,
                Sources.minimal().servlet(ConfigKey.PROTECTED_PATHS, "/ok/*," + pattern).failure());
        assertEquals(ONE + "pkce.public-paths has '" + pattern + hint,
                Sources.minimal().servlet(ConfigKey.PUBLIC_PATHS, pattern + ", /ok").failure());
    }

    @Test
    void rejectsProtectedPathsWithoutAPattern() {
        assertEquals(ONE + "pkce.protected-paths ', ,' lists no URL pattern: give at least one, such as /app/*, or"
                + " leave it unset to protect every path",
                Sources.minimal().servlet(ConfigKey.PROTECTED_PATHS, ", ,").failure());
    }

    @Test
    void acceptsPublicPathsWithoutAPattern() {
        assertEquals(List.of(), Sources.minimal().servlet(ConfigKey.PUBLIC_PATHS, ",").load().paths().publicPaths());
    }

    @ParameterizedTest
    @ValueSource(strings = {"oauth/callback", "//oauth/callback", "/oauth/*", "/oauth/callback?x=1", "/oauth#cb",
            "/"})
    void rejectsABadCallbackOrLogoutPath(String path) {
        assertEquals(ONE + "pkce.callback-path '" + path + "' is not a path inside the application: use an exact path"
                + " starting with /, such as /oauth/callback",
                Sources.minimal().servlet(ConfigKey.CALLBACK_PATH, path).failure());
        assertEquals(ONE + "pkce.logout-path '" + path + "' is not a path inside the application: use an exact path"
                + " starting with /, such as /oauth/logout",
                Sources.minimal().servlet(ConfigKey.LOGOUT_PATH, path).failure());
    }

    @Test
    void rejectsTheSamePathForCallbackAndLogout() {
        assertEquals(ONE + "pkce.callback-path and pkce.logout-path are both '/oauth/logout': give them different"
                + " paths", Sources.minimal().servlet(ConfigKey.CALLBACK_PATH, "/oauth/logout").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/bye?reason=logout", "https://shop.example.com/", "http://localhost:8080/"})
    void acceptsAPathOrAbsoluteUrlAfterLogout(String target) {
        assertEquals(Optional.of(target),
                Sources.minimal().servlet(ConfigKey.POST_LOGOUT_REDIRECT, target).load().paths().postLogoutRedirect());
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example/", "/\\evil.example", "evil.example/bye", "javascript:alert(1)",
            "ftp://shop.example.com/", "https:///bye"})
    void rejectsABadPostLogoutRedirect(String target) {
        assertEquals(ONE + "pkce.post-logout-redirect '" + target + "' is neither a path starting with / nor an"
                + " absolute http(s) URL", Sources.minimal().servlet(ConfigKey.POST_LOGOUT_REDIRECT, target).failure());
    }

    @ParameterizedTest
    @CsvSource({"pkce.refresh-skew,PT30S,30", "pkce.login-timeout,PT10M,600", "pkce.http-timeout,PT10S,10"})
    void rejectsADurationThatIsNotIso8601(String key, String fallback, long seconds) {
        Sources sources = Sources.minimal();
        sources.servlet.put(key, "10s");

        assertEquals(ONE + key + " '10s' is not an ISO-8601 duration: write it like " + fallback + " (" + seconds
                + " seconds) or PT5M", sources.failure());
    }

    @ParameterizedTest
    @CsvSource({"pkce.refresh-skew,zero or more,PT30S", "pkce.login-timeout,positive,PT10M",
            "pkce.http-timeout,positive,PT10S"})
    void rejectsANegativeDuration(String key, String rule, String fallback) {
        Sources sources = Sources.minimal();
        sources.servlet.put(key, "-PT1S");

        assertEquals(ONE + key + " '-PT1S' must be " + rule + ", such as " + fallback, sources.failure());
    }

    @ParameterizedTest
    @CsvSource({"pkce.login-timeout,PT10M", "pkce.http-timeout,PT10S"})
    void rejectsAZeroTimeout(String key, String fallback) {
        Sources sources = Sources.minimal();
        sources.servlet.put(key, "PT0S");

        assertEquals(ONE + key + " 'PT0S' must be positive, such as " + fallback, sources.failure());
    }

    @ParameterizedTest
    @CsvSource({"pkce.refresh-skew,PT1H1S,PT1H", "pkce.login-timeout,P2D,PT24H",
            "pkce.http-timeout,PT3000000000000H,PT5M"})
    void rejectsADurationAboveItsBound(String key, String value, String max) {
        Sources sources = Sources.minimal();
        sources.servlet.put(key, value);

        assertEquals(ONE + key + " '" + value + "' is longer than the most allowed, " + max, sources.failure());
    }

    @Test
    void listsEveryProblemInOneMessage() {
        Sources sources = new Sources()
                .servlet(ConfigKey.CLIENT_SECRET, "TopSecret-123")
                .servlet(ConfigKey.CLIENT_AUTH, "none")
                .servlet(ConfigKey.TOKEN_REQUEST_FORMAT, "xml")
                .servlet(ConfigKey.PROTECTED_PATHS, "app/*")
                .servlet(ConfigKey.CALLBACK_PATH, "/oauth/logout")
                .servlet(ConfigKey.LOGIN_TIMEOUT, "10m");

        String message = sources.failure();

        assertEquals("pkce-filter configuration is invalid (7 problems):\n"
                + "  - no authorization server: set pkce.issuer (endpoints are then discovered), or both"
                + " pkce.authorization-endpoint and pkce.token-endpoint\n"
                + "  - pkce.client-id is missing: set pkce.client-id as a system property, environment variable"
                + " PKCE_CLIENT_ID, web.xml context-param or filter init-param, or @PkceConfiguration(clientId = ...)\n"
                + "  - pkce.client-auth is none but pkce.client-secret is set: remove the secret for a public client,"
                + " or use client_secret_basic or client_secret_post\n"
                + "  - pkce.token-request-format 'xml' is not known: use one of form or json\n"
                + "  - pkce.protected-paths has 'app/*', which is not a servlet URL pattern: use an exact path"
                + " (/app/page), a prefix (/app/*), an extension (*.xhtml) or /\n"
                + "  - pkce.callback-path and pkce.logout-path are both '/oauth/logout': give them different paths\n"
                + "  - pkce.login-timeout '10m' is not an ISO-8601 duration: write it like PT10M (600 seconds) or PT5M",
                message);
    }

    @Test
    void openidWithoutAnIssuerFailsTheDeployment() {
        String message = new Sources()
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "https://login.example.com/authorize")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/token")
                .servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.SCOPE, "profile openid").failure();
        assertTrue(message.contains("pkce.scope has openid") && message.contains("set pkce.issuer"), message);
    }

    @Test
    void neverShowsTheClientSecretInAnyMessage() {
        String secret = "TopSecret-123";
        Sources sources = new Sources();
        for (ConfigKey key : ConfigKey.values()) {
            sources.servlet(key, "bad value");
        }
        sources.servlet(ConfigKey.CLIENT_SECRET, secret);
        sources.servlet(ConfigKey.CLIENT_KEY_PASSWORD, "KeyPass-456");
        sources.servlet(ConfigKey.CLIENT_ID, "");

        String message = sources.failure();
        assertFalse(message.contains("KeyPass-456"), message);

        assertTrue(message.startsWith("pkce-filter configuration is invalid (35 problems):\n"), message); // 32 + pkce.par, pkce.dpop, pkce.dpop-accept-bearer
        assertFalse(message.contains(secret), message);
    }

    private static final String CLEAR_TEXT = "' is http to a host that is not loopback: codes, tokens, secrets or the"
            + " session would cross the network in clear text (RFC 6749 §10.9). Use https, or set"
            + " pkce.allow-insecure-http=true for development";

    @Test
    void refusesHttpToAHostThatIsNotLoopbackNamingEachKey() {
        Sources sources = new Sources()
                .servlet(ConfigKey.ISSUER, "http://login.example.com/realms/shop")
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "http://login.example.com/authorize")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "http://login.example.com/token")
                .servlet(ConfigKey.REVOCATION_ENDPOINT, "http://login.example.com/revoke")
                .servlet(ConfigKey.END_SESSION_ENDPOINT, "http://login.example.com/logout")
                .servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.REDIRECT_URI, "http://shop.example.com/oauth/callback")
                .servlet(ConfigKey.POST_LOGOUT_REDIRECT, "http://shop.example.com/bye");

        assertEquals("pkce-filter configuration is invalid (7 problems):"
                + "\n  - pkce.issuer 'http://login.example.com/realms/shop" + CLEAR_TEXT
                + "\n  - pkce.authorization-endpoint 'http://login.example.com/authorize" + CLEAR_TEXT
                + "\n  - pkce.token-endpoint 'http://login.example.com/token" + CLEAR_TEXT
                + "\n  - pkce.revocation-endpoint 'http://login.example.com/revoke" + CLEAR_TEXT
                + "\n  - pkce.end-session-endpoint 'http://login.example.com/logout" + CLEAR_TEXT
                + "\n  - pkce.redirect-uri 'http://shop.example.com/oauth/callback" + CLEAR_TEXT
                + "\n  - pkce.post-logout-redirect 'http://shop.example.com/bye" + CLEAR_TEXT, sources.failure());
    }

    @Test
    void namesTheInsecureUrlWithoutItsUserInfoOrQuery() {
        assertEquals(ONE + "pkce.issuer 'http://login.example.com:8080/realms/shop" + CLEAR_TEXT, new Sources()
                .servlet(ConfigKey.ISSUER, "http://user:pw@login.example.com:8080/realms/shop?x=1")
                .servlet(ConfigKey.CLIENT_ID, "shop").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost", "127.0.0.1", "127.1.2.3", "127.255.255.255", "[::1]",
            "[0:0:0:0:0:0:0:1]", "[0000::0001]"})
    void acceptsHttpOnALoopbackHost(String host) {
        ClientConfiguration config = new Sources().servlet(ConfigKey.ISSUER, "http://" + host + ":8180/realms/shop")
                .servlet(ConfigKey.REDIRECT_URI, "http://" + host + ":8080/shop/oauth/callback")
                .servlet(ConfigKey.CLIENT_ID, "shop").load();

        assertEquals(Optional.of(URI.create("http://" + host + ":8180/realms/shop")), config.server().issuer());
        assertFalse(config.server().allowInsecureHttp());
    }

    @ParameterizedTest
    @ValueSource(strings = {"128.0.0.1", "126.0.0.1", "127.0.0.1.nip.io", "127-0-0-1.example.com", "localhost.example.com",
            "mylocalhost", "10.0.0.1", "0.0.0.0", "[::2]", "[::]", "[::ffff:10.0.0.1]", "login.example.com"})
    void refusesHttpOnAHostThatOnlyLooksLikeLoopback(String host) {
        assertEquals(ONE + "pkce.issuer 'http://" + host + "/realms/shop" + CLEAR_TEXT, new Sources()
                .servlet(ConfigKey.ISSUER, "http://" + host + "/realms/shop")
                .servlet(ConfigKey.CLIENT_ID, "shop").failure());
    }

    @Test
    void allowsInsecureHttpWhenTheKeySaysSoAndWarnsNamingTheKeyAndTheUrls() {
        try (LogCapture log = LogCapture.of(ConfigurationLoader.class)) {
            ClientConfiguration config = new Sources()
                    .servlet(ConfigKey.ISSUER, "http://login.example.com/realms/shop")
                    .servlet(ConfigKey.REDIRECT_URI, "https://shop.example.com/oauth/callback")
                    .servlet(ConfigKey.POST_LOGOUT_REDIRECT, "http://shop.example.com/bye")
                    .servlet(ConfigKey.CLIENT_ID, "shop")
                    .servlet(ConfigKey.ALLOW_INSECURE_HTTP, "true").load();
            Sources.minimal().servlet(ConfigKey.ALLOW_INSECURE_HTTP, "true").load();
            Sources.minimal().servlet(ConfigKey.ALLOW_INSECURE_HTTP, "false").load();

            assertTrue(config.server().allowInsecureHttp());
            assertEquals(Optional.of(URI.create("http://login.example.com/realms/shop")), config.server().issuer());
            assertEquals(List.of("pkce.allow-insecure-http is true: pkce-filter allows http to hosts that are not"
                    + " loopback, so codes, tokens and the client secret may cross the network in clear text;"
                    + " insecure URLs: pkce.issuer http://login.example.com/realms/shop, pkce.post-logout-redirect"
                    + " http://shop.example.com/bye. Use https outside development.",
                    "pkce.allow-insecure-http is true: pkce-filter allows http to hosts that are not loopback, so"
                    + " codes, tokens and the client secret may cross the network in clear text; no configured URL"
                    + " uses http now (discovered endpoints may). Use https outside development."), log.messages(Level.WARNING));
        }
    }

    @Test
    void refusesAnAllowInsecureHttpThatIsNeitherTrueNorFalse() {
        assertEquals(ONE + "pkce.allow-insecure-http 'yes' is not known: use one of true, false",
                Sources.minimal().servlet(ConfigKey.ALLOW_INSECURE_HTTP, "yes").failure());
    }

    @Test
    void aFalseAllowInsecureHttpStillRefusesHttp() {
        assertEquals(ONE + "pkce.token-endpoint 'http://login.example.com/token" + CLEAR_TEXT, Sources.minimal()
                .servlet(ConfigKey.TOKEN_ENDPOINT, "http://login.example.com/token")
                .servlet(ConfigKey.ALLOW_INSECURE_HTTP, "false").failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3cret", "s3cret\n", "s3cret\r\n"})
    void readsTheSecretFromAFileTrimmingOneNewline(String content, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), content);

        ClientConfiguration config = Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).load();

        assertEquals(Optional.of(new ClientSecret("s3cret")), config.client().secret());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_BASIC, config.client().authMethod());
    }

    @Test
    void keepsOtherWhitespaceOfTheSecretFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), " p@ss w0rd\t\n");

        assertEquals(Optional.of(new ClientSecret(" p@ss w0rd\t")),
                Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).load().client().secret());
    }

    @Test
    void takesTheSecretFileFromTheEnvironmentAsEveryKey(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), "from-env\n");
        Sources sources = Sources.minimal();
        sources.environment.put("PKCE_CLIENT_SECRET_FILE", file.toString());

        assertEquals(Optional.of(new ClientSecret("from-env")), sources.load().client().secret());
    }

    @Test
    void rejectsASecretAndASecretFileTogether(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), "FileSecret-456");

        String message = Sources.minimal().servlet(ConfigKey.CLIENT_SECRET, "TopSecret-123")
                .servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).failure();

        assertEquals(ONE + "both pkce.client-secret and pkce.client-secret-file are set: keep one of them (the file"
                + " keeps the secret out of the server's logs)", message);
    }

    @Test
    void rejectsAMissingSecretFileNamingThePath(@TempDir Path dir) {
        Path file = dir.resolve("absent");

        assertEquals(ONE + "pkce.client-secret-file '" + file + "' does not exist: put the client secret there, or"
                + " correct the path", Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).failure());
    }

    @Test
    void rejectsARelativeSecretFile() {
        assertEquals(ONE + "pkce.client-secret-file 'secrets/client' is not an absolute path: give the full path of"
                + " the file holding the client secret, such as /run/secrets/client-secret",
                Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, "secrets/client").failure());
    }

    @Test
    void rejectsADirectoryAsSecretFile(@TempDir Path dir) {
        assertEquals(ONE + "pkce.client-secret-file '" + dir + "' is a directory: give the path of the file in it"
                + " that holds the client secret",
                Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, dir.toString()).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "\r\n"})
    void rejectsAnEmptySecretFile(String content, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), content);

        assertEquals(ONE + "pkce.client-secret-file '" + file + "' is empty: write the client secret into it",
                Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TopSecret-123\n\n", "TopSecret-123\nsecond", "Top\rSecret-123"})
    void rejectsASecretFileOfMoreThanOneLineWithoutShowingIt(String content, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), content);

        String message = Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).failure();

        assertEquals(ONE + "pkce.client-secret-file '" + file + "' holds more than one line: it must hold the client"
                + " secret alone, followed by at most one newline", message);
    }

    @Test
    void rejectsASecretFileThatIsNotUtf8(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("client-secret"), new byte[] {'T', 'o', 'p', (byte) 0xC3});

        assertEquals(ONE + "pkce.client-secret-file '" + file + "' is not UTF-8 text: it must hold the client secret"
                + " alone", Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).failure());
    }

    @Test
    void readsNoMoreThanABoundOfTheSecretFile(@TempDir Path dir) throws IOException {
        Path atBound = Files.writeString(dir.resolve("at-bound"), "x".repeat(SecretFile.MAX_BYTES));
        Path above = Files.writeString(dir.resolve("above"), "x".repeat(SecretFile.MAX_BYTES + 1));

        assertEquals(Optional.of(new ClientSecret("x".repeat(SecretFile.MAX_BYTES))),
                Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, atBound.toString()).load().client().secret());
        assertEquals(ONE + "pkce.client-secret-file '" + above + "' is larger than 64 KiB: it must hold the client"
                + " secret alone", Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, above.toString()).failure());
    }

    @Test
    void aSecretFileThatCannotBeReadIsOneProblemAmongTheOthers(@TempDir Path dir) {
        Path file = dir.resolve("absent");

        String message = Sources.minimal().servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString())
                .servlet(ConfigKey.CLIENT_AUTH, "client_secret_post").servlet(ConfigKey.SCOPE, "openid")
                .servlet(ConfigKey.LOGIN_TIMEOUT, "10m").failure();

        assertEquals("pkce-filter configuration is invalid (2 problems):\n"
                + "  - pkce.client-secret-file '" + file + "' does not exist: put the client secret there, or correct"
                + " the path\n"
                + "  - pkce.login-timeout '10m' is not an ISO-8601 duration: write it like PT10M (600 seconds) or PT5M",
                message);
    }

    @Test
    void rejectsNoneWithASecretFileNamingThatKey(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("client-secret"), "FileSecret-456");

        assertEquals(ONE + "pkce.client-auth is none but pkce.client-secret-file is set: remove the secret for a"
                + " public client, or use client_secret_basic or client_secret_post", Sources.minimal()
                .servlet(ConfigKey.CLIENT_AUTH, "none").servlet(ConfigKey.CLIENT_SECRET_FILE, file.toString()).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://api.example.com/v1", "https://api.example.com?x", "https://u@api.example.com",
            "https://api.example.com#f", "api.example.com", "ftp://api.example.com", "https://", "https://a b"})
    void rejectsAnApiOriginThatIsNotAnOrigin(String origin) {
        assertEquals(ONE + "pkce.api-origins has '" + origin + "', which is not an origin: write scheme, host and"
                + " optional port, such as https://api.example.com, without a path",
                Sources.minimal().servlet(ConfigKey.API_ORIGINS, origin).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.example.com", "http://10.0.0.1:8080", "http://128.0.0.1",
            "http://localhost.example.com"})
    void rejectsAnHttpApiOriginThatIsNotLoopback(String origin) {
        assertEquals(ONE + "pkce.api-origins '" + origin + CLEAR_TEXT,
                Sources.minimal().servlet(ConfigKey.API_ORIGINS, origin).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1", "http://127.1.2.3:9", "http://[::1]:8080"})
    void acceptsAnHttpApiOriginOnLoopback(String origin) {
        assertEquals(1, Sources.minimal().servlet(ConfigKey.API_ORIGINS, origin).load().client().apiOrigins()
                .orElseThrow()
                .size());
    }

    @Test
    void rejectsAnEmptyListOfApiOrigins() {
        assertEquals(ONE + "pkce.api-origins ',' lists no origin: give at least one, such as"
                + " https://api.example.com, or leave it unset for the issuer's and userinfo endpoint's origins",
                Sources.minimal().servlet(ConfigKey.API_ORIGINS, " , ").failure());
    }
}
