package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code pkce.dpop} and {@code pkce.dpop-accept-bearer} (RFC 9449): defaults, values, a further client's. */
class DpopConfigTest {

    private static final String ONE = "pkce-filter configuration is invalid (1 problem):\n  - ";

    @Test
    void isOffByDefault() {
        ClientConfiguration.Client client = Sources.minimal().load().client();

        assertFalse(client.dpop());
        assertFalse(client.dpopAcceptBearer());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "True"})
    void isOnWithTrue(String value) {
        assertTrue(Sources.minimal().servlet(ConfigKey.DPOP, value).load().client().dpop());
    }

    @Test
    void acceptsBearerAnswersWhenAsked() {
        ClientConfiguration.Client client = Sources.minimal().servlet(ConfigKey.DPOP, "true")
                .servlet(ConfigKey.DPOP_ACCEPT_BEARER, "true").load().client();

        assertTrue(client.dpop());
        assertTrue(client.dpopAcceptBearer());
    }

    @Test
    void refusesAValueThatIsNotABoolean() {
        assertEquals(ONE + "pkce.dpop 'yes' is not known: use one of true, false",
                Sources.minimal().servlet(ConfigKey.DPOP, "yes").failure());
    }

    @Test
    void refusesAcceptBearerWithoutDpop() {
        assertEquals(ONE + "pkce.dpop-accept-bearer is true, but pkce.dpop is not: it says what to do with a Bearer"
                + " answer to a DPoP proof (RFC 9449 §5), and without pkce.dpop=true no proof is sent. Set"
                + " pkce.dpop=true, or remove pkce.dpop-accept-bearer",
                Sources.minimal().servlet(ConfigKey.DPOP_ACCEPT_BEARER, "true").failure());
    }

    @Test
    void aFurtherClientHasItsOwnKey() {
        ApplicationConfiguration config = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom")
                .servlet("loom", ConfigKey.ISSUER, "https://loom.example.com")
                .servlet("loom", ConfigKey.CLIENT_ID, "loom-app")
                .servlet("loom", ConfigKey.DPOP, "true").loadAll();

        assertFalse(config.signIn().client().dpop());
        assertTrue(config.further().get("loom").client().dpop());
    }
}
