package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Instant;
import java.util.regex.Pattern;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.security.SecureRandom;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.AuthorizationRequest;
import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.SessionStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Step 1 of the code flow (RFC 6749 §4.1.1): a request without a usable token. A page navigation is sent to the
 * authorization endpoint with a new state and PKCE challenge, remembered in the session; any other request gets
 * 401. A session created here, for the pending login only, lives for {@code pkce.login-timeout} until the login
 * completes ({@link dev.pkcefilter.impl.session.SessionStore#markPreLogin}), and the return path it keeps is at most
 * {@value ReturnPath#MAX_LENGTH} characters ({@link ReturnPath}): cookieless navigations cannot fill the server's
 * memory with long-lived sessions.
 */
final class LoginStarter {

    private static final System.Logger LOG = System.getLogger(LoginStarter.class.getName());

    /** A host name (underscores too, as container names have them) or bracketed IP literal, and a port. */
    private static final Pattern AUTHORITY = Pattern.compile("([A-Za-z0-9._~-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?");

    private final ClientConfiguration config;
    private final Endpoints endpoints;
    private final SessionStore store;
    private final SecureRandom random;
    private final Clock clock;

    LoginStarter(ClientConfiguration config, Endpoints endpoints, SessionStore store, SecureRandom random,
                 Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void unauthenticated(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!RequestKind.isNavigation(request)) {
            Responses.unauthorized(response);
            return;
        }
        start(request, response, ReturnPath.of(request, config.paths().protectedPaths()));
    }

    /**
     * Sends the browser to the authorization endpoint, whatever the request is: a further client's connection
     * ({@code {context}/oauth/connect/<name>}) is asked for by a link.
     *
     * @param returnPath the same-origin path to come back to after the callback
     */
    void start(HttpServletRequest request, HttpServletResponse response, String returnPath) throws IOException {
        ProviderMetadata metadata;
        try {
            metadata = endpoints.get();
        } catch (Discovery.DiscoveryException e) {
            LOG.log(Level.WARNING, e.getMessage());
            Responses.errorPage(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Sign-in is unavailable",
                    "The authorization server could not be reached. Please try again in a moment.", null,
                    request.getContextPath() + "/");
            return;
        }
        State state = State.generate(random);
        CodeVerifier verifier = CodeVerifier.generate(random); // RFC 7636 §4.1, 256 bits
        URI redirectUri;
        try {
            redirectUri = redirectUri(request, config);
        } catch (IllegalArgumentException e) { // a Host header that makes no URI
            Responses.errorPage(response, HttpServletResponse.SC_BAD_REQUEST, "Bad request",
                    "The request's host name is not valid.", null, request.getContextPath() + "/");
            return;
        }
        Instant now = clock.instant();
        HttpSession session = request.getSession(false);
        if (session == null) { // made for this login alone: it lives for the login timeout until sign-in completes
            session = request.getSession(true);
            store.markPreLogin(session);
        }
        ClientConfiguration.Client client = config.client();
        Optional<Nonce> nonce = AuthorizationRequest.isOpenId(client.scope()) ? Optional.of(Nonce.generate(random))
                : Optional.empty();
        store.addPendingLogin(session, new PendingLogin(state, verifier, redirectUri, returnPath, now,
                nonce.orElse(null)), now);

        AuthorizationRequest authorization = new AuthorizationRequest(metadata.authorizationEndpoint(), client.id(),
                redirectUri, client.scope(), state, verifier.challenge(), client.audience(), client.authorizeParams(),
                nonce);
        LOG.log(Level.DEBUG, () -> "Starting a login at " + authorization);
        Responses.redirect(response, authorization.toUrl());
    }

    /**
     * The configured redirect URI, else this request's origin, context path and callback path.
     *
     * @throws IllegalArgumentException when the request's host (its {@code Host} header) does not make a URI of
     *         exactly that form: {@code Host: evil.example/x} or {@code a@evil.example} would move the path or add
     *         user-info
     */
    static URI redirectUri(HttpServletRequest request, ClientConfiguration config) {
        if (config.paths().redirectUri().isPresent()) {
            return config.paths().redirectUri().get();
        }
        String path = request.getContextPath() + config.paths().callbackPath();
        URI uri = URI.create(RequestOrigin.of(request) + path);
        if (uri.getRawAuthority() == null || !AUTHORITY.matcher(uri.getRawAuthority()).matches()
                || !path.equals(uri.getRawPath()) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("the request's host makes no valid redirect URI");
        }
        return uri;
    }
}
