package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.session.VerifiedUser;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ContainerSecurityMechanismTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final VerifiedUser ALICE = new VerifiedUser("sub-1", "alice",
            List.of("admin", "staff", "admin"));

    private final PkceContext context = new PkceContext(ClientConfiguration.builder()
            .authorizationEndpoint(URI.create("https://login.example/authorize"))
            .tokenEndpoint(URI.create("https://login.example/token"))
            .clientId("shop").scope("openid").build(), Clock.fixed(NOW, ZoneOffset.UTC), false);
    private final ContainerSecurityMechanism mechanism = new ContainerSecurityMechanism();
    private final FakeHttp.Request request = new FakeHttp.Request();
    private final FakeHttp.Response response = new FakeHttp.Response();
    /** What the mechanism told the container, in order. */
    private final List<String> calls = new ArrayList<>();
    private boolean protectedResource;

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void reportsTheVerifiedUserAndTheirRolesToTheContainer() throws Exception {
        signedIn(NOW.plusSeconds(60), false, ALICE);

        assertEquals(AuthenticationStatus.SUCCESS, validate());
        assertEquals(List.of("notifyContainerAboutLogin alice [admin, staff]"), calls);
        assertEquals(200, response.status);
    }

    @Test
    void reportsTheUserOnAProtectedResourceToo() throws Exception {
        signedIn(NOW.plusSeconds(60), false, ALICE);
        protectedResource = true;

        assertEquals(AuthenticationStatus.SUCCESS, validate());
        assertEquals(List.of("notifyContainerAboutLogin alice [admin, staff]"), calls);
    }

    @Test
    void reportsTheUserOfAnExpiredTokenThatTheFilterWillRefresh() throws Exception {
        signedIn(NOW.minusSeconds(1), true, ALICE);

        assertEquals(AuthenticationStatus.SUCCESS, validate());
        assertEquals(List.of("notifyContainerAboutLogin alice [admin, staff]"), calls);
    }

    @Test
    void knowsNobodyWhenTheTokenExpiredWithoutARefreshToken() throws Exception {
        signedIn(NOW, false, ALICE);

        assertEquals(AuthenticationStatus.NOT_DONE, validate());
        assertEquals(List.of("doNothing"), calls);
    }

    @Test
    void knowsNobodyWhenNoIdTokenWasVerified() throws Exception {
        signedIn(NOW.plusSeconds(60), false, null);

        assertEquals(AuthenticationStatus.NOT_DONE, validate());
        assertEquals(List.of("doNothing"), calls);
    }

    @Test
    void leavesAnUnprotectedRequestWithoutUserAlone() throws Exception {
        assertEquals(AuthenticationStatus.NOT_DONE, validate());
        assertEquals(List.of("doNothing"), calls);
        assertEquals(200, response.status);
    }

    @Test
    void sendsAPageNavigationToAProtectedResourceToTheAuthorizationServer() throws Exception {
        protectedResource = true;
        request.createsSession = true;
        request.header("Accept", "text/html");

        assertEquals(AuthenticationStatus.SEND_CONTINUE, validate());
        assertEquals(302, response.status);
        assertTrue(response.headers.get("Location").startsWith("https://login.example/authorize?"),
                response.headers.toString());
        assertEquals(1, context.store().pendingLogins(request.created.get(0).session).logins().size());
        assertEquals(List.of(), calls);
    }

    @Test
    void answersAScriptOnAProtectedResource401() throws Exception {
        protectedResource = true;
        request.header("Accept", "application/json");

        assertEquals(AuthenticationStatus.SEND_CONTINUE, validate());
        assertEquals(401, response.status);
        assertEquals(List.of(), calls);
    }

    @Test
    void neverStartsALoginOnItsOwnCallbackOrLogoutEndpoint() throws Exception {
        protectedResource = true;
        request.header("Accept", "text/html");
        for (String path : List.of("/oauth/callback", "/oauth/logout")) {
            request.servletPath = path;
            request.pathInfo = null;
            calls.clear();

            assertEquals(AuthenticationStatus.NOT_DONE, validate());
            assertEquals(List.of("doNothing"), calls);
            assertEquals(200, response.status);
        }
    }

    @Test
    void leavesTheDecisionToTheContainerWherePkceFilterDidNotStart() throws Exception {
        protectedResource = true;
        request.header("Accept", "text/html");
        request.servletContext = FakeHttp.servletContext(null);

        assertEquals(AuthenticationStatus.NOT_DONE, mechanism.validateRequest(request.build(), response.response,
                messageContext()));
        assertEquals(List.of("doNothing"), calls);
    }

    @Test
    void findsTheApplicationsPkceFilterOnce() throws Exception {
        signedIn(NOW.plusSeconds(60), false, ALICE);
        validate();
        request.servletContext = FakeHttp.servletContext(null); // not asked again

        assertEquals(AuthenticationStatus.SUCCESS, mechanism.validateRequest(request.build(), response.response,
                messageContext()));
    }

    @Test
    void reportsTheSessionsOwnUserObject() throws Exception {
        signedIn(NOW.plusSeconds(60), false, ALICE);
        List<Object> principals = new ArrayList<>();
        HttpMessageContext recording = (HttpMessageContext) Proxy.newProxyInstance(
                HttpMessageContext.class.getClassLoader(), new Class<?>[] {HttpMessageContext.class},
                (proxy, m, args) -> {
                    principals.add(args[0]);
                    return AuthenticationStatus.SUCCESS;
                });
        request.servletContext = FakeHttp.servletContext(context);

        mechanism.validateRequest(request.build(), response.response, recording);

        assertSame(ALICE, principals.get(0));
    }

    private void signedIn(Instant expiresAt, boolean refreshToken, VerifiedUser user) {
        FakeHttp.Session session = new FakeHttp.Session("s1");
        TokenResponse tokens = new TokenResponse("at", "Bearer", Optional.of(expiresAt), Optional.of("openid"),
                refreshToken ? Optional.of("rt") : Optional.empty(), Optional.empty());
        context.store().storeTokens(session.session, user == null ? TokenSet.from(tokens, "openid", NOW.minusSeconds(5))
                : TokenSet.from(tokens, "openid", NOW.minusSeconds(5), user));
        request.fakeSession = session;
    }

    private AuthenticationStatus validate() throws Exception {
        request.servletContext = FakeHttp.servletContext(context);
        return mechanism.validateRequest(request.build(), response.response, messageContext());
    }

    private HttpMessageContext messageContext() {
        return (HttpMessageContext) Proxy.newProxyInstance(HttpMessageContext.class.getClassLoader(),
                new Class<?>[] {HttpMessageContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "isProtected" -> protectedResource;
                    case "doNothing" -> {
                        calls.add("doNothing");
                        yield AuthenticationStatus.NOT_DONE;
                    }
                    case "notifyContainerAboutLogin" -> {
                        if (!(args[0] instanceof VerifiedUser user) || !(args[1] instanceof Set<?> groups)) {
                            throw new UnsupportedOperationException("notifyContainerAboutLogin" + List.of(args));
                        }
                        calls.add("notifyContainerAboutLogin " + user.getName() + " " + groups.stream().sorted()
                                .toList());
                        yield AuthenticationStatus.SUCCESS;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
