package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EndSessionRequestTest {

    private static final URI ENDPOINT = URI.create("https://login.example.com/realms/shop/protocol/openid-connect/logout");
    private static final URI AFTER = URI.create("https://app.example/shop/");
    private static final String ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    @Test
    void sendsTheRedirectTheClientAndTheIdTokenHint() {
        EndSessionRequest request = new EndSessionRequest(ENDPOINT, AFTER, "shop app", Optional.of(ID_TOKEN));

        assertEquals(List.of("post_logout_redirect_uri", "client_id", "id_token_hint"),
                List.copyOf(request.toParameters().keySet()));
        assertEquals(URI.create(ENDPOINT + "?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2F"
                + "&client_id=shop+app&id_token_hint=" + ID_TOKEN), request.toURI());
    }

    @Test
    void leavesTheHintOutWhenNoIdTokenWasReceived() {
        EndSessionRequest request = new EndSessionRequest(ENDPOINT, AFTER, "shop", Optional.empty());

        assertEquals(URI.create(ENDPOINT + "?post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2F"
                + "&client_id=shop"), request.toURI());
    }

    @Test
    void keepsTheQueryTheEndpointAlreadyHas() {
        EndSessionRequest request = new EndSessionRequest(URI.create("https://tenant.example/v2/logout?federated"),
                AFTER, "shop", Optional.empty());

        assertEquals(URI.create("https://tenant.example/v2/logout?federated&post_logout_redirect_uri="
                + "https%3A%2F%2Fapp.example%2Fshop%2F&client_id=shop"), request.toURI());
    }

    @Test
    void refusesARelativePostLogoutRedirectUri() {
        assertEquals("post_logout_redirect_uri must be absolute", assertThrows(IllegalArgumentException.class,
                () -> new EndSessionRequest(ENDPOINT, URI.create("/shop/"), "shop", Optional.empty())).getMessage());
    }

    @Test
    void toStringShowsNoIdToken() {
        assertEquals("EndSessionRequest[endpoint=login.example.com/realms/shop/protocol/openid-connect/logout,"
                + " clientId=shop, idTokenHint=present]",
                new EndSessionRequest(ENDPOINT, AFTER, "shop", Optional.of(ID_TOKEN)).toString());
    }
}
