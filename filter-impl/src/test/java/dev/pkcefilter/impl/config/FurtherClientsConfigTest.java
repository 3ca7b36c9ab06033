package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;

/** {@code pkce.clients} and {@code pkce.<name>.<key>}: further clients, each at its own authorization server. */
class FurtherClientsConfigTest {

    private static Sources withLoom() {
        return Sources.minimal()
                .servlet(ConfigKey.CLIENTS, "loom")
                .servlet("loom", ConfigKey.ISSUER, "https://auth.loom.example")
                .servlet("loom", ConfigKey.CLIENT_ID, "shop-at-loom");
    }

    @Test
    void withoutClientsTheDefaultClientIsAlone() {
        ApplicationConfiguration config = Sources.minimal().loadAll();

        assertEquals("shop", config.signIn().client().id());
        assertTrue(config.further().isEmpty());
    }

    @Test
    void readsEachKeyOfAFurtherClientUnderItsName() {
        ApplicationConfiguration config = withLoom()
                .servlet(ConfigKey.CLIENTS, "loom, jsonapi")
                .servlet("loom", ConfigKey.CLIENT_SECRET, "loom-secret")
                .servlet("loom", ConfigKey.CLIENT_AUTH, "client_secret_post")
                .servlet("loom", ConfigKey.AUDIENCE, "https://api.loom.example")
                .servlet("jsonapi", ConfigKey.AUTHORIZATION_ENDPOINT, "https://json.example/authorize")
                .servlet("jsonapi", ConfigKey.TOKEN_ENDPOINT, "https://json.example/token")
                .servlet("jsonapi", ConfigKey.CLIENT_ID, "shop-json")
                .servlet("jsonapi", ConfigKey.TOKEN_REQUEST_FORMAT, "json")
                .loadAll();

        assertEquals(List.of("loom", "jsonapi"), List.copyOf(config.further().keySet()));
        ClientConfiguration loom = config.further().get("loom");
        assertEquals(Optional.of(URI.create("https://auth.loom.example")), loom.server().issuer());
        assertEquals("shop-at-loom", loom.client().id());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_POST, loom.client().authMethod());
        assertEquals(Optional.of("https://api.loom.example"), loom.client().audience());
        assertEquals(TokenRequestFormat.JSON, config.further().get("jsonapi").client().tokenRequestFormat());
        assertEquals(TokenRequestFormat.FORM, loom.client().tokenRequestFormat());
        assertEquals("shop", config.signIn().client().id(), "the default client keeps its keys");
    }

    @Test
    void aFurtherClientGuardsNothingUnlessToldAndHasItsOwnCallback() {
        ApplicationConfiguration config = withLoom().loadAll();
        ClientConfiguration loom = config.further().get("loom");

        assertEquals(List.of(), loom.paths().protectedPaths());
        assertEquals("/oauth/callback/loom", loom.paths().callbackPath());
        assertEquals(List.of("/*"), config.signIn().paths().protectedPaths());
        assertEquals("/oauth/callback", config.signIn().paths().callbackPath());

        ClientConfiguration guarding = withLoom().servlet("loom", ConfigKey.PROTECTED_PATHS, "/loom/*")
                .servlet("loom", ConfigKey.CALLBACK_PATH, "/loom-callback").loadAll().further().get("loom");
        assertEquals(List.of("/loom/*"), guarding.paths().protectedPaths());
        assertEquals("/loom-callback", guarding.paths().callbackPath());
    }

    @Test
    void inheritsNothingFromTheDefaultClient() {
        ClientConfiguration loom = withLoom().servlet(ConfigKey.SCOPE, "openid profile")
                .servlet(ConfigKey.AUDIENCE, "https://shop.example").loadAll().further().get("loom");

        assertEquals("", loom.client().scope());
        assertEquals(Optional.empty(), loom.client().audience());
    }

    @Test
    void everySourceHasTheKeysOfAFurtherClientWithTheUsualPrecedence() {
        Sources sources = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom");
        sources.environment.put("PKCE_LOOM_ISSUER", "https://env.loom.example");
        sources.annotation.put("pkce.loom.issuer", "https://annotation.loom.example");
        sources.annotation.put("pkce.loom.client-id", "from-annotation");
        sources.servlet.put("pkce.loom.client-id", "from-web-xml");
        sources.external.put("pkce.loom.scope", "read");
        sources.servlet.put("pkce.loom.scope", "write");

        ClientConfiguration loom = sources.loadAll().further().get("loom");

        assertEquals(Optional.of(URI.create("https://env.loom.example")), loom.server().issuer(), "env over annotation");
        assertEquals("from-web-xml", loom.client().id(), "web.xml over annotation");
        assertEquals("read", loom.client().scope(), "MicroProfile Config / system property over web.xml");
    }

    @Test
    void aProblemOfAFurtherClientNamesItsFullKey() {
        String message = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom")
                .servlet("loom", ConfigKey.ISSUER, "https://auth.loom.example").failureOfAll();

        assertEquals("pkce-filter configuration is invalid (1 problem):\n  - pkce.loom.client-id is missing: set"
                + " pkce.loom.client-id as a system property, environment variable PKCE_LOOM_CLIENT_ID, web.xml"
                + " context-param or filter init-param, or @PkceConfiguration(name = \"loom\", clientId = ...)",
                message);
    }

    @Test
    void reportsTheProblemsOfEveryClientAtOnce() {
        String message = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom,jsonapi")
                .servlet(ConfigKey.REFRESH_SKEW, "soon")
                .servlet("loom", ConfigKey.CLIENT_ID, "shop-at-loom")
                .servlet("loom", ConfigKey.TOKEN_ENDPOINT, "not a url")
                .servlet("jsonapi", ConfigKey.ISSUER, "https://json.example")
                .servlet("jsonapi", ConfigKey.SCOPE, "openid")
                .servlet("jsonapi", ConfigKey.TOKEN_REQUEST_FORMAT, "xml")
                .failureOfAll();

        assertTrue(message.startsWith("pkce-filter configuration is invalid (4 problems):"), message);
        assertTrue(message.contains("\n  - pkce.refresh-skew 'soon' is not an ISO-8601 duration"), message);
        assertTrue(message.contains("\n  - pkce.loom.token-endpoint 'not a url' is not an absolute http(s) URL"), message);
        assertTrue(message.contains("\n  - pkce.jsonapi.client-id is missing"), message);
        assertTrue(message.contains("\n  - pkce.jsonapi.token-request-format 'xml' is not known"), message);
    }

    @Test
    void anOpenIdScopeOfAFurtherClientNeedsItsIssuer() {
        String message = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom")
                .servlet("loom", ConfigKey.AUTHORIZATION_ENDPOINT, "https://auth.loom.example/authorize")
                .servlet("loom", ConfigKey.TOKEN_ENDPOINT, "https://auth.loom.example/token")
                .servlet("loom", ConfigKey.CLIENT_ID, "shop-at-loom")
                .servlet("loom", ConfigKey.SCOPE, "openid")
                .failureOfAll();

        assertTrue(message.contains("pkce.loom.scope has openid") && message.contains("set pkce.loom.issuer"), message);
    }

    @Test
    void refusesClientNamesThatAreNotLowercaseLettersDigitsAndDashes() {
        for (String bad : new String[] {"Loom", "lo_om", "lo.om", "-loom", "lo om", "a".repeat(41)}) {
            String message = Sources.minimal().servlet(ConfigKey.CLIENTS, bad).failureOfAll();

            assertTrue(message.contains("pkce.clients has '" + bad.trim().split(" ")[0]), message);
            assertTrue(message.contains("which is not a client name"), message);
        }
        assertEquals(List.of("billing-api2"), List.copyOf(Sources.minimal().servlet(ConfigKey.CLIENTS, "billing-api2")
                .servlet("billing-api2", ConfigKey.ISSUER, "https://billing.example")
                .servlet("billing-api2", ConfigKey.CLIENT_ID, "shop").loadAll().further().keySet()));
    }

    @Test
    void refusesAClientListedTwice() {
        String message = withLoom().servlet(ConfigKey.CLIENTS, "loom,loom").failureOfAll();

        assertEquals("pkce-filter configuration is invalid (1 problem):\n  - pkce.clients lists 'loom' twice: list"
                + " each client once", message);
    }

    @Test
    void refusesTheKeysAFurtherClientHasNoUseFor() {
        for (ConfigKey key : List.of(ConfigKey.LOGOUT_PATH, ConfigKey.POST_LOGOUT_REDIRECT,
                ConfigKey.CONTAINER_SECURITY, ConfigKey.PRINCIPAL_CLAIM, ConfigKey.ROLES_CLAIM, ConfigKey.ROLES_SOURCE,
                ConfigKey.CLIENTS)) {
            String message = withLoom().servlet("loom", key, "/x").failureOfAll();

            assertTrue(message.contains("\n  - " + key.key("loom") + " has no meaning for a further client: "), message);
        }
    }

    @Test
    void eachClientNeedsItsOwnCallbackAndRedirectUri() {
        String callback = withLoom().servlet("loom", ConfigKey.CALLBACK_PATH, "/oauth/callback").failureOfAll();
        assertEquals("pkce-filter configuration is invalid (1 problem):\n  - pkce.loom.callback-path '/oauth/callback'"
                + " is also pkce.callback-path: each client needs a callback of its own (RFC 9700 §4.4.2, mix-up"
                + " attacks)", callback);

        String logout = withLoom().servlet("loom", ConfigKey.CALLBACK_PATH, "/oauth/logout").failureOfAll();
        assertTrue(logout.contains("pkce.loom.callback-path '/oauth/logout' is also pkce.logout-path"), logout);

        String redirect = withLoom().servlet(ConfigKey.REDIRECT_URI, "https://shop.example/oauth/callback")
                .servlet("loom", ConfigKey.REDIRECT_URI, "https://shop.example/oauth/callback").failureOfAll();
        assertTrue(redirect.contains("pkce.loom.redirect-uri 'https://shop.example/oauth/callback' is also"
                + " pkce.redirect-uri: each client needs a redirect URI of its own"), redirect);
    }

    @Test
    void neverShowsAFurtherClientsSecretInAnyMessage() {
        String secret = "Loom-Secret-456";
        Sources sources = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom");
        for (ConfigKey key : ConfigKey.values()) {
            sources.servlet("loom", key, "bad value");
        }
        sources.servlet("loom", ConfigKey.CLIENT_SECRET, secret);

        String message = sources.failureOfAll();

        assertTrue(message.contains("pkce.loom."), message);
        assertFalse(message.contains(secret), message);
    }
}
