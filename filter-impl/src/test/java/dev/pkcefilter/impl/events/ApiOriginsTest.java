package dev.pkcefilter.impl.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiOriginsTest {

    private static final Optional<URI> ISSUER = Optional.of(URI.create("https://login.example.com/realms/shop"));
    private static final Optional<URI> USERINFO = Optional.of(URI.create("https://id.example.com:8443/userinfo"));

    private final AtomicInteger userinfoAsked = new AtomicInteger();

    private ApiOrigins byDefault() {
        return new ApiOrigins(Optional.empty(), ISSUER, () -> {
            userinfoAsked.incrementAndGet();
            return USERINFO;
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://login.example.com/x", "HTTPS://LOGIN.example.com:443/realms/other?q",
            "https://id.example.com:8443/userinfo", "https://id.example.com:8443/other"})
    void allowsTheIssuersAndTheUserinfoEndpointsOriginByDefault(String target) {
        byDefault().check(URI.create(target));
    }

    @Test
    void asksForTheUserinfoEndpointOnlyWhenTheIssuerDoesNotMatch() {
        ApiOrigins origins = byDefault();
        origins.check(URI.create("https://login.example.com/x"));
        assertEquals(0, userinfoAsked.get());
        origins.check(URI.create("https://id.example.com:8443/userinfo"));
        assertEquals(1, userinfoAsked.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://login.example.com/x", "https://login.example.com:8443/x",
            "https://id.example.com/userinfo", "https://login.example.com.evil.example/x"})
    void refusesAnyOtherSchemeHostOrPortByDefault(String target) {
        PkceFilterException e = assertThrows(PkceFilterException.class, () -> byDefault().check(URI.create(target)));
        assertEquals("pkce-filter did not add the access token to a request to " + Origin.of(URI.create(target))
                .orElseThrow() + ": that origin is not in pkce.api-origins (not set, so only the issuer's and the"
                + " userinfo endpoint's: https://login.example.com, https://id.example.com:8443). Add it to"
                + " pkce.api-origins if it is an API that may receive the user's token, or call it without"
                + " BearerTokenFilter.", e.getMessage());
    }

    @Test
    void allowsOnlyTheConfiguredOriginsWhenSet() {
        ApiOrigins origins = new ApiOrigins(Optional.of(List.of(new Origin("https", "api.example.com", -1),
                new Origin("http", "127.0.0.1", 9000))), ISSUER, () -> {
                    throw new AssertionError("the default is not used");
                });
        origins.check(URI.create("https://api.example.com/orders"));
        origins.check(URI.create("http://127.0.0.1:9000/"));

        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> origins.check(URI.create("https://login.example.com/realms/shop/userinfo?token=x")));
        assertEquals("pkce-filter did not add the access token to a request to https://login.example.com: that"
                + " origin is not in pkce.api-origins (allowed: https://api.example.com, http://127.0.0.1:9000)."
                + " Add it to pkce.api-origins if it is an API that may receive the user's token, or call it"
                + " without BearerTokenFilter.", e.getMessage());
    }

    @Test
    void aFurtherClientsOriginsAreItsOwnAndNamedByItsKey() {
        ApiOrigins loom = new ApiOrigins(Optional.empty(), Optional.of(URI.create("https://auth.loom.example")),
                Optional::empty, "loom");
        loom.check(URI.create("https://auth.loom.example/api/me"));

        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> loom.check(URI.create("https://login.example.com/userinfo")));
        assertTrue(e.getMessage().contains("that origin is not in pkce.loom.api-origins ("), e.getMessage());
        assertTrue(e.getMessage().contains("Add it to pkce.loom.api-origins if"), e.getMessage());
    }

    @Test
    void refusesEverythingWithoutIssuerUserinfoOrConfiguredOrigins() {
        ApiOrigins origins = new ApiOrigins(Optional.empty(), Optional.empty(), Optional::empty);
        PkceFilterException e = assertThrows(PkceFilterException.class,
                () -> origins.check(URI.create("https://api.example.com/")));
        assertEquals("pkce-filter did not add the access token to a request to https://api.example.com: that origin"
                + " is not in pkce.api-origins (not set, and there is neither an issuer nor a userinfo endpoint to"
                + " default to). Add it to pkce.api-origins if it is an API that may receive the user's token, or"
                + " call it without BearerTokenFilter.", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/relative", "file:///etc/passwd", "mailto:a@login.example.com"})
    void refusesAUrlWithoutAnHttpOrigin(String target) {
        PkceFilterException e = assertThrows(PkceFilterException.class, () -> byDefault().check(URI.create(target)));
        assertEquals("pkce-filter did not add the access token to a request to a URL that is not an absolute"
                + " http(s) URL: only the origins in pkce.api-origins receive it", e.getMessage());
    }
}
