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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


class TokenRequestTest {

    private static final URI TOKEN_ENDPOINT = URI.create("https://login.example.com/token");
    private static final URI REDIRECT = URI.create("https://app.example/oauth/callback");
    private static final CodeVerifier VERIFIER = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    private static final String CODE = "SplxlOBeZQQYbYS6WxSbIA";
    private static final String REFRESH_TOKEN = "tGzv3JOkF0XG5Qx2TlKWIA";
    private static final AuthorizationCodeGrant GRANT = new AuthorizationCodeGrant(CODE, REDIRECT, VERIFIER);
    private static final ClientAuthentication PUBLIC = new ClientAuthentication("shop", ClientAuthMethod.NONE,
            Optional.empty());

    @Test
    void writesTheAuthorizationCodeGrantInOrder() {
        Map<String, String> params = GRANT.toParameters();

        assertEquals(List.of("grant_type", "code", "redirect_uri", "code_verifier"), List.copyOf(params.keySet()));
        assertEquals("authorization_code", params.get("grant_type"));
        assertEquals(CODE, params.get("code"));
        assertEquals("https://app.example/oauth/callback", params.get("redirect_uri"));
        assertEquals("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", params.get("code_verifier"));
        assertEquals("authorization_code", GRANT.type());
    }

    @Test
    void refreshSendsNoScopeByDefault() {
        // RFC 6749 §6: without scope the server grants the scope of the original grant
        RefreshTokenGrant grant = new RefreshTokenGrant(REFRESH_TOKEN);

        assertEquals(List.of(Map.entry("grant_type", "refresh_token"), Map.entry("refresh_token", REFRESH_TOKEN)),
                List.copyOf(grant.toParameters().entrySet()));
        assertEquals("refresh_token", grant.type());
        assertEquals(Optional.empty(), grant.scope());
    }

    @Test
    void refreshSendsAnExplicitScopeAfterTheToken() {
        RefreshTokenGrant grant = new RefreshTokenGrant(REFRESH_TOKEN, Optional.of("openid orders:read"));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("grant_type", "refresh_token");
        expected.put("refresh_token", REFRESH_TOKEN);
        expected.put("scope", "openid orders:read");
        assertInOrder(expected, grant.toParameters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "openid  profile", " openid", "openid ", "a\"b", "a\\b", "é"})
    void refusesAScopeThatIsNotScopeTokensSeparatedBySingleSpaces(String scope) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RefreshTokenGrant(REFRESH_TOKEN, Optional.of(scope)));

        assertEquals("a scope is scope tokens separated by single spaces (RFC 6749 §3.3)", e.getMessage());
    }

    @Test
    void refusesEmptyCodesAndTokensAndARelativeRedirectUri() {
        assertEquals("an authorization code may not be empty", assertThrows(IllegalArgumentException.class,
                () -> new AuthorizationCodeGrant("", REDIRECT, VERIFIER)).getMessage());
        assertEquals("the redirect URI must be absolute (RFC 6749 §3.1.2)", assertThrows(IllegalArgumentException.class,
                () -> new AuthorizationCodeGrant(CODE, URI.create("/oauth/callback"), VERIFIER)).getMessage());
        assertEquals("a refresh token may not be empty", assertThrows(IllegalArgumentException.class,
                () -> new RefreshTokenGrant("")).getMessage());
    }

    @Test
    void publicClientSendsItsIdInTheBodyAndNoAuthorizationHeader() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, PUBLIC, Optional.empty());

        assertInOrder(expected("client_id", "shop"), request.toParameters());
        assertEquals(Optional.empty(), request.authorizationHeader());
    }

    @Test
    void clientSecretPostSendsIdAndSecretInTheBody() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, secret(ClientAuthMethod.CLIENT_SECRET_POST,
                "shop", "s3cret"), Optional.empty());

        assertInOrder(expected("client_id", "shop", "client_secret", "s3cret"), request.toParameters());
        assertEquals(Optional.empty(), request.authorizationHeader());
    }

    @Test
    void clientSecretBasicSendsNeitherIdNorSecretInTheBody() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, secret(ClientAuthMethod.CLIENT_SECRET_BASIC,
                "shop", "s3cret"), Optional.empty());

        assertInOrder(expected(), request.toParameters());
        assertEquals(Optional.of("Basic c2hvcDpzM2NyZXQ="), request.authorizationHeader()); // shop:s3cret
    }

    @Test
    void clientSecretBasicFormEncodesIdAndSecretBeforeBase64() {
        // RFC 6749 §2.3.1: "my+client:p%40ss%3Aw0rd%2F%2B"
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, secret(ClientAuthMethod.CLIENT_SECRET_BASIC,
                "my client", "p@ss:w0rd/+"), Optional.empty());

        assertEquals(Optional.of("Basic bXkrY2xpZW50OnAlNDBzcyUzQXcwcmQlMkYlMkI="), request.authorizationHeader());
    }

    @Test
    void addsTheAudienceLast() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, GRANT, PUBLIC, Optional.of("https://api.example.com"));

        assertInOrder(expected("client_id", "shop", "audience", "https://api.example.com"), request.toParameters());
    }

    @Test
    void aRefreshRequestAuthenticatesLikeACodeRequest() {
        TokenRequest request = new TokenRequest(TOKEN_ENDPOINT, new RefreshTokenGrant(REFRESH_TOKEN),
                secret(ClientAuthMethod.CLIENT_SECRET_POST, "shop", "s3cret"), Optional.empty());

        assertEquals("grant_type=refresh_token&refresh_token=tGzv3JOkF0XG5Qx2TlKWIA&client_id=shop"
                + "&client_secret=s3cret", FormEncoding.encode(request.toParameters()));
    }

    @Test
    void toStringShowsNoCodeVerifierTokenOrSecret() {
        TokenRequest code = new TokenRequest(TOKEN_ENDPOINT, GRANT, secret(ClientAuthMethod.CLIENT_SECRET_POST,
                "shop", "s3cret"), Optional.empty());
        TokenRequest refresh = new TokenRequest(TOKEN_ENDPOINT, new RefreshTokenGrant(REFRESH_TOKEN),
                secret(ClientAuthMethod.CLIENT_SECRET_BASIC, "shop", "s3cret"), Optional.empty());

        assertEquals("TokenRequest[grant_type=authorization_code, clientAuth=client_secret_post]", code.toString());
        assertEquals("TokenRequest[grant_type=refresh_token, clientAuth=client_secret_basic]", refresh.toString());
        assertEquals("AuthorizationCodeGrant[redirectUri=https://app.example/oauth/callback]", GRANT.toString());
        assertEquals("RefreshTokenGrant[scope=(as granted)]", new RefreshTokenGrant(REFRESH_TOKEN).toString());
        for (String text : List.of(code.toString(), refresh.toString(), GRANT.toString(),
                new RefreshTokenGrant(REFRESH_TOKEN, Optional.of("openid")).toString())) {
            assertFalse(text.contains(CODE), text);
            assertFalse(text.contains(VERIFIER.value()), text);
            assertFalse(text.contains(REFRESH_TOKEN), text);
            assertFalse(text.contains("s3cret"), text);
        }
    }

    private static ClientAuthentication secret(ClientAuthMethod method, String clientId, String secret) {
        return new ClientAuthentication(clientId, method, Optional.of(new ClientSecret(secret)));
    }

    private static void assertInOrder(Map<String, String> expected, Map<String, String> actual) {
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(actual.entrySet()));
    }

    private static Map<String, String> expected(String... extra) {
        Map<String, String> params = new LinkedHashMap<>(GRANT.toParameters());
        for (int i = 0; i < extra.length; i += 2) {
            params.put(extra[i], extra[i + 1]);
        }
        return params;
    }
}
