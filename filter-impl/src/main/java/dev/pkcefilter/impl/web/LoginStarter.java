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
import dev.pkcefilter.impl.config.ConfigKey;
import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.protocol.AuthorizationRequest;
import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequest;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestClient;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestException;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestMode;
import dev.pkcefilter.impl.protocol.PushedAuthorizationResponse;
import dev.pkcefilter.impl.protocol.RemoteText;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.protocol.TokenEndpointException;
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
 *
 * <p>With pushed authorization requests ({@code pkce.par}, RFC 9126) the parameters go to the server's PAR endpoint
 * first, with the client's authentication, and the redirect carries only {@code client_id} and the
 * {@code request_uri} it answered (§4). A push that fails is a 502 page (504 when it timed out), a
 * {@code LoginFailed} event and a WARNING without secrets, and nothing is stored: no session is made and no
 * pending login kept, so no callback can ever use it.
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
    private final PushedAuthorizationRequestClient pushClient;
    private final PkceEvents events;
    /** {@code pkce.par} as this client's key is named ({@code pkce.<name>.par} for a further client), for messages. */
    private final String parKey;

    /**
     * @param name a further client's name, or empty for the default client
     */
    LoginStarter(Optional<String> name, ClientConfiguration config, Endpoints endpoints, SessionStore store,
                 SecureRandom random, Clock clock, PushedAuthorizationRequestClient pushClient, PkceEvents events) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.store = Objects.requireNonNull(store, "store");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pushClient = Objects.requireNonNull(pushClient, "pushClient");
        this.events = Objects.requireNonNull(events, "events");
        this.parKey = ConfigKey.PAR.key(name.orElse(null));
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
        ClientConfiguration.Client client = config.client();
        Optional<Nonce> nonce = AuthorizationRequest.isOpenId(client.scope()) ? Optional.of(Nonce.generate(random))
                : Optional.empty();
        AuthorizationRequest authorization = new AuthorizationRequest(metadata.authorizationEndpoint(), client.id(),
                redirectUri, client.scope(), state, verifier.challenge(), client.audience(), client.authorizeParams(),
                nonce);
        // RFC 9449 §4: one key pair per login, for every proof of its session
        Optional<DpopKey> dpopKey = client.dpop() ? Optional.of(DpopKey.generate()) : Optional.empty();
        String location;
        if (config.server().par().pushes(metadata)) {
            Optional<String> pushed = push(request, response, metadata, authorization, dpopKey);
            if (pushed.isEmpty()) {
                return; // the page is written; nothing was stored
            }
            location = pushed.get();
        } else {
            location = authorization.toUrl();
        }

        Instant now = clock.instant();
        HttpSession session = request.getSession(false);
        if (session == null) { // made for this login alone: it lives for the login timeout until sign-in completes
            session = request.getSession(true);
            store.markPreLogin(session);
        }
        store.addPendingLogin(session, new PendingLogin(state, verifier, redirectUri, returnPath, now,
                nonce.orElse(null), dpopKey.orElse(null)), now);
        LOG.log(Level.DEBUG, () -> "Starting a login at " + authorization);
        Responses.redirect(response, location);
    }

    /**
     * Pushes the authorization request (RFC 9126 §2.1) with the client's authentication, as the token request
     * authenticates it, and with {@code pkce.dpop} a proof of the login's key (RFC 9449 §10.1).
     *
     * @return the URL of the redirect, with {@code client_id} and {@code request_uri} only (§4); empty when the
     *         push failed and its page is written
     */
    private Optional<String> push(HttpServletRequest request, HttpServletResponse response,
                                  ProviderMetadata metadata, AuthorizationRequest authorization,
                                  Optional<DpopKey> dpopKey) throws IOException {
        String home = request.getContextPath() + "/";
        if (metadata.pushedAuthorizationRequestEndpoint().isEmpty()) {
            String server = metadata.issuer().map(Object::toString).orElse("the authorization server");
            LOG.log(Level.WARNING, config.server().par() == PushedAuthorizationRequestMode.ALWAYS
                    ? parKey + " is always, but the metadata of " + server + " names no"
                    + " pushed_authorization_request_endpoint (RFC 9126 §5): no login can start. Enable pushed"
                    + " authorization requests at the server, or set " + parKey + " to auto or never."
                    : "The metadata of " + server + " has require_pushed_authorization_requests but names no"
                    + " pushed_authorization_request_endpoint (RFC 9126 §5): no login can start (" + parKey
                    + " is auto). Fix the server's metadata, or set " + parKey + "=never to try without.");
            fail(response, 502, "The authorization server does not take pushed sign-in requests, which this"
                    + " application is configured to send.", null, home, Optional.empty(), Optional.empty());
            return Optional.empty();
        }
        PushedAuthorizationRequest push = new PushedAuthorizationRequest(
                metadata.pushedAuthorizationRequestEndpoint().get(), authorization, config.client().authentication(),
                dpopKey); // RFC 9449 §10.1: the server may bind the code to the key's thumbprint
        PushedAuthorizationResponse pushed;
        try {
            pushed = pushClient.push(push);
        } catch (PushedAuthorizationRequestException e) {
            LOG.log(Level.WARNING, e.logLine() + "; the login is not started");
            boolean timeout = e.failure() == TokenEndpointException.Failure.TIMEOUT;
            fail(response, timeout ? 504 : 502, timeout ? "The authorization server did not answer in time."
                    : "The authorization server did not accept this application's sign-in request.",
                    e.error().map(c -> RemoteText.clean(c, 300) + e.errorDescription()
                            .map(d -> ": " + RemoteText.clean(d, 300)).orElse("")).orElse(null), home, e.error(),
                    e.errorDescription());
            return Optional.empty();
        }
        LOG.log(Level.DEBUG, () -> "Pushed the authorization request: " + push + ", " + pushed);
        return Optional.of(push.authorizationUrl(pushed));
    }

    private void fail(HttpServletResponse response, int status, String message, String detail, String againHref,
                      Optional<String> error, Optional<String> description) throws IOException {
        String title = "Sign-in could not be started";
        Responses.errorPage(response, status, title, message, detail, againHref);
        events.loginFailed(status, error, description, title);
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
