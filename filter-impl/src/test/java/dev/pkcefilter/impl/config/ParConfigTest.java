package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestMode;

/** {@code pkce.par} (RFC 9126): its values, its default, and the configurations {@code always} cannot work with. */
class ParConfigTest {

    private static final String ONE = "pkce-filter configuration is invalid (1 problem):\n  - ";

    @Test
    void isAutoByDefault() {
        assertEquals(PushedAuthorizationRequestMode.AUTO, Sources.minimal().load().server().par());
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "always, ALWAYS", "never, NEVER", "Always, ALWAYS", "' never ', NEVER"})
    void readsEachValueInAnyCase(String value, PushedAuthorizationRequestMode expected) {
        assertEquals(expected, Sources.minimal().servlet(ConfigKey.PAR, value).load().server().par());
    }

    @Test
    void refusesAnUnknownValue() {
        assertEquals(ONE + "pkce.par 'sometimes' is not known: use one of auto, always, never",
                Sources.minimal().servlet(ConfigKey.PAR, "sometimes").failure());
    }

    @Test
    void refusesAlwaysWithoutAnIssuer() {
        assertEquals(ONE + "pkce.par is always, but the pushed authorization request endpoint is read from the"
                + " server's metadata, which is not fetched without pkce.issuer: set pkce.issuer and leave the"
                + " endpoints to discovery, or use auto", new Sources()
                .servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "https://login.example.com/authorize")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/token")
                .servlet(ConfigKey.PAR, "always").failure());
    }

    @Test
    void refusesAlwaysWhenBothEndpointsAreSetSoThatNothingIsDiscovered() {
        assertEquals(ONE + "pkce.par is always, but the pushed authorization request endpoint is read from the"
                + " server's metadata, which is not fetched when both pkce.authorization-endpoint and"
                + " pkce.token-endpoint are set: set pkce.issuer and leave the endpoints to discovery, or use auto",
                Sources.minimal()
                        .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "https://login.example.com/authorize")
                        .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/token")
                        .servlet(ConfigKey.PAR, "always").failure());
    }

    @Test
    void acceptsAlwaysWithOneEndpointSetAndTheRestDiscovered() {
        assertEquals(PushedAuthorizationRequestMode.ALWAYS, Sources.minimal()
                .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/token")
                .servlet(ConfigKey.PAR, "always").load().server().par());
    }

    @Test
    void aFurtherClientHasItsOwnKey() {
        ApplicationConfiguration config = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom")
                .servlet("loom", ConfigKey.ISSUER, "https://loom.example.com")
                .servlet("loom", ConfigKey.CLIENT_ID, "loom-app")
                .servlet("loom", ConfigKey.PAR, "never").loadAll();

        assertEquals(PushedAuthorizationRequestMode.AUTO, config.signIn().server().par());
        assertEquals(PushedAuthorizationRequestMode.NEVER, config.further().get("loom").server().par());
        assertEquals(ONE + "pkce.loom.par 'maybe' is not known: use one of auto, always, never",
                Sources.minimal().servlet(ConfigKey.CLIENTS, "loom")
                        .servlet("loom", ConfigKey.ISSUER, "https://loom.example.com")
                        .servlet("loom", ConfigKey.CLIENT_ID, "loom-app")
                        .servlet("loom", ConfigKey.PAR, "maybe").failureOfAll());
    }
}
