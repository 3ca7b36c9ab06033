package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.RevocationRequest.TokenTypeHint;

class RevocationRequestTest {

    private static final URI ENDPOINT = URI.create("https://login.example.com/revoke");
    private static final String REFRESH_TOKEN = "45ghiukldjahdnhzdauz"; // RFC 7009 §2.1's example
    private static final ClientSecret SECRET = new ClientSecret("s3cret");

    @Test
    void publicClientSendsTokenHintAndItsIdInTheBody() {
        RevocationRequest request = new RevocationRequest(ENDPOINT, REFRESH_TOKEN, TokenTypeHint.REFRESH_TOKEN,
                new ClientAuthentication("shop", ClientAuthMethod.NONE, Optional.empty()));

        assertInOrder(Map.of("token", REFRESH_TOKEN, "token_type_hint", "refresh_token", "client_id", "shop"),
                List.of("token", "token_type_hint", "client_id"), request.toParameters());
        assertEquals(Optional.empty(), request.authorizationHeader());
    }

    @Test
    void clientSecretBasicSendsTheSameHeaderAsAtTheTokenEndpointAndNoIdInTheBody() {
        RevocationRequest request = new RevocationRequest(ENDPOINT, "AT-1", TokenTypeHint.ACCESS_TOKEN,
                new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.of(SECRET)));

        assertInOrder(Map.of("token", "AT-1", "token_type_hint", "access_token"),
                List.of("token", "token_type_hint"), request.toParameters());
        assertEquals(Optional.of("Basic c2hvcDpzM2NyZXQ="), request.authorizationHeader()); // shop:s3cret
    }

    @Test
    void clientSecretPostSendsIdAndSecretInTheBody() {
        RevocationRequest request = new RevocationRequest(ENDPOINT, REFRESH_TOKEN, TokenTypeHint.REFRESH_TOKEN,
                new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_POST, Optional.of(SECRET)));

        assertInOrder(Map.of("token", REFRESH_TOKEN, "token_type_hint", "refresh_token", "client_id", "shop",
                "client_secret", "s3cret"), List.of("token", "token_type_hint", "client_id", "client_secret"),
                request.toParameters());
        assertEquals(Optional.empty(), request.authorizationHeader());
    }

    @Test
    void authenticatesLikeTheTokenRequestOfTheSameClient() {
        for (ClientAuthMethod method : ClientAuthMethod.values()) {
            Optional<ClientSecret> secret = method == ClientAuthMethod.NONE ? Optional.empty() : Optional.of(SECRET);
            ClientAuthentication client = !method.isJwt() ? new ClientAuthentication("shop", method, secret)
                    : new ClientAuthentication("shop", method, Optional.of(new ClientSecret(
                            "a-client-secret-of-32-bytes-or-more!")), Optional.of(ClientKey.of(
                            ClientAuthenticationTest.EC.getPrivate(), ClientAuthenticationTest.EC.getPublic(),
                            Optional.empty(), Optional.empty())), Optional.of(URI.create("https://login.example.com")),
                            java.time.Clock.systemUTC());
            TokenRequest token = new TokenRequest(URI.create("https://login.example.com/token"),
                    new RefreshTokenGrant(REFRESH_TOKEN), client, Optional.empty());
            RevocationRequest revocation = new RevocationRequest(ENDPOINT, REFRESH_TOKEN, TokenTypeHint.REFRESH_TOKEN,
                    token.clientAuthentication());

            assertEquals(token.authorizationHeader(), revocation.authorizationHeader(), method.value());
            Map<String, String> tokenAuth = new LinkedHashMap<>(token.toParameters());
            tokenAuth.keySet().removeAll(List.of("grant_type", "refresh_token"));
            Map<String, String> revocationAuth = new LinkedHashMap<>(revocation.toParameters());
            revocationAuth.keySet().removeAll(List.of("token", "token_type_hint"));
            if (method.isJwt()) { // the same parameters, and a new assertion for each request
                assertEquals(tokenAuth.keySet(), revocationAuth.keySet(), method.value());
                assertFalse(tokenAuth.get("client_assertion").equals(revocationAuth.get("client_assertion")));
            } else {
                assertEquals(tokenAuth, revocationAuth, method.value());
            }
        }
    }

    @Test
    void refusesAnEmptyTokenAndAMethodWithoutItsSecret() {
        ClientAuthentication none = new ClientAuthentication("shop", ClientAuthMethod.NONE, Optional.empty());
        assertEquals("the token to revoke may not be empty", assertThrows(IllegalArgumentException.class,
                () -> new RevocationRequest(ENDPOINT, "", TokenTypeHint.ACCESS_TOKEN, none)).getMessage());
        assertEquals("client_secret_post needs a client secret", assertThrows(IllegalArgumentException.class,
                () -> new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_POST, Optional.empty()))
                .getMessage());
    }

    @Test
    void toStringShowsNeitherTokenNorSecret() {
        RevocationRequest request = new RevocationRequest(ENDPOINT, REFRESH_TOKEN, TokenTypeHint.REFRESH_TOKEN,
                new ClientAuthentication("shop", ClientAuthMethod.CLIENT_SECRET_POST, Optional.of(SECRET)));

        assertEquals("RevocationRequest[token_type_hint=refresh_token, clientAuth=client_secret_post]",
                request.toString());
        assertFalse(request.client().toString().contains("s3cret"), request.client().toString());
    }

    private static void assertInOrder(Map<String, String> expected, List<String> order, Map<String, String> actual) {
        assertEquals(expected, actual);
        assertEquals(order, List.copyOf(actual.keySet()));
    }
}
