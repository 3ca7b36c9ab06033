package dev.pkcefilter.impl.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AuthorizationRequestTest {

    private static final URI ENDPOINT = URI.create("https://login.example.com/authorize");
    private static final URI REDIRECT = URI.create("https://app.example/shop/oauth/callback");
    private static final State STATE = new State("k3Jq0Wc5g8sXyYt2n6hB1pVd4mZf7aLr9uEoIiTqRwA");
    private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    private static AuthorizationRequest request(URI endpoint, String scope, Optional<String> audience,
                                                Map<String, String> extra) {
        return new AuthorizationRequest(endpoint, "shop", REDIRECT, scope, STATE, CHALLENGE, audience, extra);
    }

    @Test
    void writesTheCodeFlowAndPkceParametersInOrder() {
        URI uri = request(ENDPOINT, "openid profile", Optional.empty(), Map.of()).toURI();

        assertEquals("https://login.example.com/authorize?response_type=code&client_id=shop"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2Foauth%2Fcallback&scope=openid+profile"
                + "&state=k3Jq0Wc5g8sXyYt2n6hB1pVd4mZf7aLr9uEoIiTqRwA"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
                uri.toString());
    }

    @Test
    void omitsAnEmptyScope() {
        URI uri = request(ENDPOINT, "", Optional.empty(), Map.of()).toURI();

        assertEquals("response_type=code&client_id=shop"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2Foauth%2Fcallback"
                + "&state=k3Jq0Wc5g8sXyYt2n6hB1pVd4mZf7aLr9uEoIiTqRwA"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
                uri.getRawQuery());
    }

    @Test
    void addsAudienceAndConfiguredParametersAfterThePkceParameters() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("prompt", "login");
        extra.put("ui_locales", "de en");

        URI uri = request(ENDPOINT, "openid", Optional.of("https://api.example.com"), extra).toURI();

        assertEquals("https://login.example.com/authorize?response_type=code&client_id=shop"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2Foauth%2Fcallback&scope=openid"
                + "&state=k3Jq0Wc5g8sXyYt2n6hB1pVd4mZf7aLr9uEoIiTqRwA"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
                + "&audience=https%3A%2F%2Fapi.example.com&prompt=login&ui_locales=de+en", uri.toString());
    }

    @Test
    void keepsTheQueryTheEndpointAlreadyHas() {
        URI endpoint = URI.create("https://login.example.com/oauth2/authorize?tenant=acme&p=B2C_1_signin");

        URI uri = request(endpoint, "openid", Optional.empty(), Map.of()).toURI();

        assertEquals("https://login.example.com/oauth2/authorize?tenant=acme&p=B2C_1_signin&response_type=code"
                + "&client_id=shop&redirect_uri=https%3A%2F%2Fapp.example%2Fshop%2Foauth%2Fcallback&scope=openid"
                + "&state=k3Jq0Wc5g8sXyYt2n6hB1pVd4mZf7aLr9uEoIiTqRwA"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256",
                uri.toString());
    }

    @Test
    void formEncodesSpacesAndSpecialCharacters() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("claims", "{\"id_token\":{\"acr\":null}}");
        extra.put("login_hint", "anna+test@example.com");
        AuthorizationRequest request = new AuthorizationRequest(ENDPOINT, "my client&co",
                URI.create("https://app.example/cb?x=1"), "read:orders write/all ümlaut", STATE, CHALLENGE,
                Optional.empty(), extra);

        String query = request.toURI().getRawQuery();

        assertEquals("response_type=code&client_id=my+client%26co"
                + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1"
                + "&scope=read%3Aorders+write%2Fall+%C3%BCmlaut"
                + "&state=k3Jq0Wc5g8sXyYt2n6hB1pVd4mZf7aLr9uEoIiTqRwA"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
                + "&claims=%7B%22id_token%22%3A%7B%22acr%22%3Anull%7D%7D"
                + "&login_hint=anna%2Btest%40example.com", query);
        assertEquals(request.toParameters(), decode(query));
    }

    @Test
    void copiesTheExtraParameters() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("prompt", "login");
        AuthorizationRequest request = request(ENDPOINT, "openid", Optional.empty(), extra);

        extra.put("prompt", "none");
        extra.put("max_age", "0");

        assertEquals(Map.of("prompt", "login"), request.extraParameters());
    }

    @Test
    void toStringShowsNeitherStateNorChallengeNorTheUrl() {
        AuthorizationRequest request = request(URI.create("https://login.example.com/authorize?tenant=acme"),
                "openid", Optional.of("api"), Map.of("prompt", "login"));

        String text = request.toString();

        assertEquals("AuthorizationRequest[endpoint=login.example.com/authorize, clientId=shop]", text);
        assertFalse(text.contains(STATE.value()));
        assertFalse(text.contains(CHALLENGE));
    }

    private static Map<String, String> decode(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
