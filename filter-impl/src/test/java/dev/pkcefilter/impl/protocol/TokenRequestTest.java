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

import dev.pkcefilter.impl.config.ClientAuthMethod;

class TokenRequestTest {

    private static final URI TOKEN_ENDPOINT = URI.create("https://login.example.com/token");
    private static final URI REDIRECT = URI.create("https://app.example/oauth/callback");
    private static final CodeVerifier VERIFIER = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    private static final String CODE = "SplxlOBeZQQYbYS6WxSbIA";
    private static final Map<String, String> GRANT = TokenRequest.authorizationCodeGrant(CODE, REDIRECT, VERIFIER);

    @Test
    void writesTheAuthorizationCodeGrantInOrder() {
        assertEquals(List.of("grant_type", "code", "redirect_uri", "code_verifier"), List.copyOf(GRANT.keySet()));
        assertEquals("authorization_code", GRANT.get("grant_type"));
        assertEquals(CODE, GRANT.get("code"));
        assertEquals("https://app.example/oauth/callback", GRANT.get("redirect_uri"));
        assertEquals("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", GRANT.get("code_verifier"));
    }

    @Test
    void publicClientSendsItsIdInTheBodyAndNoAuthorizationHeader() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.NONE,
                Optional.empty(), Optional.empty());

        assertInOrder(expected("client_id", "shop"), request.toParameters());
        assertEquals(Optional.empty(), request.authorizationHeader());
    }

    @Test
    void clientSecretPostSendsIdAndSecretInTheBody() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.CLIENT_SECRET_POST,
                Optional.of(new ClientSecret("s3cret")), Optional.empty());

        assertInOrder(expected("client_id", "shop", "client_secret", "s3cret"), request.toParameters());
        assertEquals(Optional.empty(), request.authorizationHeader());
    }

    @Test
    void clientSecretBasicSendsNeitherIdNorSecretInTheBody() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.CLIENT_SECRET_BASIC,
                Optional.of(new ClientSecret("s3cret")), Optional.empty());

        assertInOrder(expected(), request.toParameters());
        assertEquals(Optional.of("Basic c2hvcDpzM2NyZXQ="), request.authorizationHeader()); // shop:s3cret
    }

    @Test
    void clientSecretBasicFormEncodesIdAndSecretBeforeBase64() {
        // RFC 6749 §2.3.1: "my+client:p%40ss%3Aw0rd%2F%2B"
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, "my client",
                ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.of(new ClientSecret("p@ss:w0rd/+")), Optional.empty());

        assertEquals(Optional.of("Basic bXkrY2xpZW50OnAlNDBzcyUzQXcwcmQlMkYlMkI="), request.authorizationHeader());
    }

    @Test
    void addsTheAudienceLast() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.NONE,
                Optional.empty(), Optional.of("https://api.example.com"));

        assertInOrder(expected("client_id", "shop", "audience", "https://api.example.com"), request.toParameters());
    }

    @Test
    void rejectsSecretMethodsWithoutASecret() {
        IllegalArgumentException basic = assertThrows(IllegalArgumentException.class, () -> new TokenRequest(
                TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.CLIENT_SECRET_BASIC, Optional.empty(), Optional.empty()));
        IllegalArgumentException post = assertThrows(IllegalArgumentException.class, () -> new TokenRequest(
                TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.CLIENT_SECRET_POST, Optional.empty(), Optional.empty()));

        assertEquals("client_secret_basic needs a client secret", basic.getMessage());
        assertEquals("client_secret_post needs a client secret", post.getMessage());
    }

    @Test
    void rejectsGrantParametersWithoutGrantType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TokenRequest(
                TOKEN_ENDPOINT, Map.of("code", CODE), "shop", ClientAuthMethod.NONE, Optional.empty(), Optional.empty()));

        assertEquals("grantParameters must hold grant_type", e.getMessage());
    }

    @Test
    void toStringShowsNoCodeVerifierOrSecret() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, "shop", ClientAuthMethod.CLIENT_SECRET_POST,
                Optional.of(new ClientSecret("s3cret")), Optional.empty());

        String text = request.toString();

        assertEquals("TokenRequest[grant_type=authorization_code, clientAuth=client_secret_post]", text);
        assertFalse(text.contains(CODE));
        assertFalse(text.contains(VERIFIER.value()));
        assertFalse(text.contains("s3cret"));
    }

    private static void assertInOrder(Map<String, String> expected, Map<String, String> actual) {
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(actual.entrySet()));
    }

    private static Map<String, String> expected(String... extra) {
        Map<String, String> params = new LinkedHashMap<>(GRANT);
        for (int i = 0; i < extra.length; i += 2) {
            params.put(extra[i], extra[i + 1]);
        }
        return params;
    }
}
