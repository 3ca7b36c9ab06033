package dev.pkcefilter.impl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import org.junit.jupiter.api.Test;

class CurrentAccessTokenTest {

    private static final String TOKEN = "eyJ.secret-access-token.sig";
    private static final jakarta.json.bind.Jsonb JSONB = jakarta.json.bind.JsonbBuilder.create();
    private static final ApiOrigins ORIGINS = new ApiOrigins(Optional.empty(),
            Optional.of(URI.create("https://login.example.com/realms/shop")), Optional::empty);

    private static CurrentAccessToken present(String scope) {
        return new CurrentAccessToken(TokenSet.from(new TokenResponse(TOKEN, "Bearer",
                Optional.of(Instant.parse("2030-01-01T00:00:00Z")), Optional.ofNullable(scope), Optional.empty(),
                Optional.empty()), "openid"), JSONB, ORIGINS);
    }

    @Test
    void givesTheBearerHeaderAndTheScopesInTheServersOrder() {
        CurrentAccessToken token = present("profile openid  email");
        assertTrue(token.isPresent());
        assertEquals(TOKEN, token.value());
        assertEquals("Bearer " + TOKEN, token.authorizationHeader());
        assertEquals(List.of("profile", "openid", "email"), List.copyOf(token.scopes()));
        assertEquals(Optional.of(Instant.parse("2030-01-01T00:00:00Z")), token.expiresAt());
    }

    @Test
    void givesTheClaimsOfAVerifiedIdTokenOnly() {
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"alice\",\"email_verified\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        TokenResponse response = new TokenResponse(TOKEN, "Bearer", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of("eyJhbGciOiJSUzI1NiJ9." + payload + ".sig"));
        CurrentAccessToken verified = new CurrentAccessToken(TokenSet.from(response, "openid", java.time.Instant.now(),
                new dev.pkcefilter.impl.session.VerifiedUser("alice", "alice", List.of())),
                JSONB, ORIGINS);
        assertEquals("alice", verified.idTokenClaims().get("sub"));
        assertEquals(Boolean.TRUE, verified.idTokenClaims().get("email_verified"));
        assertEquals(java.util.Map.of(), new CurrentAccessToken(TokenSet.from(response, "openid"), JSONB, ORIGINS)
                .idTokenClaims(), "an ID token that was not verified gives no claims");
        assertEquals(java.util.Map.of(), present("openid").idTokenClaims(), "no ID token, no claims");
    }

    @Test
    void fallsBackToTheRequestedScope() {
        assertEquals(List.of("openid"), List.copyOf(present(null).scopes()));
    }

    @Test
    void toStringNeverShowsTheToken() {
        String text = present("openid").toString();
        assertFalse(text.contains(TOKEN), text);
        assertEquals("AccessToken[type=Bearer, expiresAt=2030-01-01T00:00:00Z, scopes=[openid]]", text);
    }

    @Test
    void anAbsentTokenSaysSoInsteadOfFailingUntilItsValueIsAskedFor() {
        CurrentAccessToken token = new CurrentAccessToken(null, JSONB, ORIGINS);
        assertFalse(token.isPresent());
        assertEquals(Optional.empty(), token.expiresAt());
        assertTrue(token.scopes().isEmpty());
        assertEquals("AccessToken[absent]", token.toString());
        PkceFilterException e = assertThrows(PkceFilterException.class, token::authorizationHeader);
        assertEquals("No access token on this request: it is not under pkce.protected-paths, or the user is not"
                + " signed in. Check AccessToken.isPresent() first.", e.getMessage());
    }

    @Test
    void givesTheHeaderForAnAllowedOriginOnly() {
        CurrentAccessToken token = present("openid");
        assertEquals("Bearer " + TOKEN, token.authorizationHeaderFor(URI.create("https://login.example.com/me?x=1")));
        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> token.authorizationHeaderFor(URI.create("https://hooks.example.net/in?secret=1")));
        assertEquals("pkce-filter did not add the access token to a request to https://hooks.example.net: that"
                + " origin is not in pkce.api-origins (not set, so only the issuer's and the userinfo endpoint's:"
                + " https://login.example.com). Add it to pkce.api-origins if it is an API that may receive the"
                + " user's token, or call it without BearerTokenFilter.", e.getMessage());
    }

    @Test
    void anAbsentTokenGivesNoHeaderForAnyOrigin() {
        CurrentAccessToken token = new CurrentAccessToken(null, JSONB, ORIGINS);
        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> token.authorizationHeaderFor(URI.create("https://login.example.com/me")));
        assertTrue(e.getMessage().startsWith("No access token on this request"), e.getMessage());
    }
}
