package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.Objects;
import java.time.Clock;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.identity.IdTokenException;
import dev.pkcefilter.impl.identity.LoginIdentity;
import dev.pkcefilter.impl.protocol.AuthorizationCodeGrant;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.RemoteText;
import dev.pkcefilter.impl.protocol.TokenEndpointException;
import dev.pkcefilter.impl.protocol.TokenRequest;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.PendingLogins;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.session.VerifiedUser;
import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.protocol.TokenEndpointClient;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Step 2 of the code flow: the authorization server's answer at the redirection endpoint (RFC 6749 §4.1.2),
 * checked and exchanged for tokens (§4.1.3). Every refusal is a clear page with the right status, logged
 * without secrets; a refused callback leaves the session's tokens as they were.
 */
final class CallbackHandler {

    private static final System.Logger LOG = System.getLogger(CallbackHandler.class.getName());

    /** The parameters of an authorization response (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 §2). */
    private static final String[] RESPONSE_PARAMETERS = {"state", "code", "error", "error_description", "iss"};

    /**
     * The longest value of a response parameter taken: far above any code or state in use (a few hundred
     * characters), so that a hostile callback cannot make this application forward kilobytes to the token endpoint.
     */
    static final int MAX_PARAMETER_LENGTH = 8192;

    /** The title of the page of an {@code access_denied} answer. */
    private static final String DECLINED = "Sign-in was declined";

    private final Optional<String> name;
    private final ClientConfiguration config;
    private final Endpoints endpoints;
    private final SessionStore store;
    private final TokenEndpointClient tokenClient;
    private final LoginIdentity identity;
    private final SignInSession signIn;
    private final PkceEvents events;
    private final Clock clock;

    /**
     * @param name a further client's name: its callback stores a connection, not a sign-in; empty for the default
     *        client
     */
    CallbackHandler(Optional<String> name, ClientConfiguration config, Endpoints endpoints, SessionStore store,
                    TokenEndpointClient tokenClient, LoginIdentity identity, SignInSession signIn,
                    PkceEvents events, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.store = Objects.requireNonNull(store, "store");
        this.tokenClient = Objects.requireNonNull(tokenClient, "tokenClient");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String home = request.getContextPath() + "/";
        Optional<String> duplicated = parameter(request, values -> values.length > 1);
        if (duplicated.isPresent()) {
            refuse(response, 400, "Invalid sign-in response", "The sign-in response repeats the parameter below.",
                    duplicated.get(), home);
            return;
        }
        Optional<String> overlong = parameter(request, values -> values[0].length() > MAX_PARAMETER_LENGTH);
        if (overlong.isPresent()) {
            refuse(response, 400, "Invalid sign-in response", "The sign-in response has a parameter that is too long.",
                    overlong.get(), home);
            return;
        }
        // 1. state: bound to this session, used once, not expired (RFC 6749 §10.12, RFC 9700 §4.7)
        String state = request.getParameter("state");
        if (state == null || state.isEmpty()) {
            refuse(response, 400, "Invalid sign-in response", "The sign-in response has no state, so it cannot be"
                    + " matched to a sign-in started in this browser.", null, home);
            return;
        }
        HttpSession session = request.getSession(false);
        PendingLogins.Taken taken = session == null
                ? new PendingLogins.Taken(PendingLogins.Outcome.UNKNOWN, Optional.empty(), PendingLogins.NONE)
                : store.takePendingLogin(session, state, clock.instant());
        if (taken.outcome() == PendingLogins.Outcome.EXPIRED) {
            refuse(response, 400, "Sign-in expired", "This sign-in took longer than allowed. Please start again.",
                    null, home);
            return;
        }
        if (taken.login().isEmpty()) {
            refuse(response, 400, "Unknown sign-in response", "This sign-in response does not belong to a sign-in"
                    + " started in this browser, or it was already used (a reloaded page, or the back button).",
                    null, home);
            return;
        }
        PendingLogin login = taken.login().get();

        ProviderMetadata metadata;
        try {
            metadata = endpoints.get();
        } catch (Discovery.DiscoveryException e) {
            LOG.log(Level.WARNING, e.getMessage());
            refuse(response, 503, "Sign-in is unavailable", "The authorization server could not be reached."
                    + " Please try again in a moment.", null, login.returnPath());
            return;
        }
        // 2. mix-up defence (RFC 9207 §2.4): an iss that is sent must be the issuer
        String iss = request.getParameter("iss");
        Optional<String> issuer = metadata.issuer().map(Object::toString);
        if ((iss != null || metadata.issParameterSupported()) && issuer.isPresent() && !issuer.get().equals(iss)) {
            refuse(response, 400, "Invalid sign-in response", "The sign-in response comes from another"
                    + " authorization server than the one this application uses.", null, login.returnPath());
            return;
        }
        // 3. an error answer (RFC 6749 §4.1.2.1)
        String error = request.getParameter("error");
        if (error != null) {
            String description = request.getParameter("error_description");
            boolean denied = "access_denied".equals(error);
            LOG.log(Level.INFO, "The authorization server answered the login with error " + RemoteText.clean(error, 300));
            String shown = RemoteText.clean(error, 300)
                    + (description == null ? "" : ": " + RemoteText.clean(description, 300));
            refuse(response, denied ? 403 : 401, denied ? DECLINED : "Sign-in failed",
                    "The authorization server did not sign you in. It said:", shown, login.returnPath(),
                    Optional.of(error), Optional.ofNullable(description));
            return;
        }
        String code = request.getParameter("code");
        if (code == null || code.isEmpty()) {
            refuse(response, 400, "Invalid sign-in response", "The sign-in response has neither a code nor an"
                    + " error.", null, login.returnPath());
            return;
        }
        // 4. the code for tokens, with the verifier (RFC 7636 §4.5) and the identical redirect_uri (§4.1.3)
        Optional<DpopKey> dpopKey = login.dpop();
        TokenRequest tokenRequest = new TokenRequest(metadata.tokenEndpoint(),
                new AuthorizationCodeGrant(code, login.redirectUri(), login.verifier()),
                config.client().authentication(), config.client().audience(), dpopKey); // RFC 9449 §5
        TokenResponse tokens;
        try {
            tokens = tokenClient.send(tokenRequest);
        } catch (TokenEndpointException e) {
            LOG.log(Level.WARNING, e.logLine());
            boolean timeout = e.failure() == TokenEndpointException.Failure.TIMEOUT;
            refuse(response, timeout ? 504 : 502, "Sign-in could not be completed", timeout
                    ? "The authorization server did not answer in time."
                    : "The authorization server did not give this application its tokens.",
                    e.error().map(c -> c + e.errorDescription().map(d -> ": " + RemoteText.clean(d, 300)).orElse(""))
                            .orElse(null), login.returnPath(), e.error(), e.errorDescription());
            return;
        }
        // 5. a token expired on arrival would send the browser straight back to sign in: a login loop
        Instant now = clock.instant();
        if (tokens.expiresAt().filter(expiresAt -> !expiresAt.isAfter(now)).isPresent()) {
            LOG.log(Level.WARNING, "The token endpoint issued an access token that had expired on arrival (expires at "
                    + tokens.expiresAt().get() + ", now " + now + "): check its expires_in, expires or created_at,"
                    + " and the clocks of both servers");
            refuse(response, 502, "Sign-in could not be completed", "The authorization server gave this application"
                    + " an access token that had already expired when it arrived, so you could not stay signed in."
                    + " Its lifetime, or a clock, is wrong.", "token expired on arrival", home);
            return;
        }
        // 6. the ID token, checked before anything of it is used (OpenID Connect Core 1.0 §3.1.3.7), and the
        // userinfo answer when asked for (§5.3)
        VerifiedUser user;
        try {
            user = identity.of(tokens, metadata, login.sentNonce(), dpopKey).orElse(null);
        } catch (IdTokenException e) {
            LOG.log(Level.WARNING, e.getMessage() + "; the sign-in is refused");
            if (e.failure() == IdTokenException.Failure.UNAVAILABLE) {
                refuse(response, 503, "Sign-in is unavailable", "The authorization server could not be asked"
                        + " who you are, so your sign-in could not be checked. Please try again in a moment.",
                        null, login.returnPath());
            } else {
                refuse(response, 502, "Sign-in could not be completed", "The authorization server's proof of"
                        + " who you are (its ID token) failed the checks this application makes, so you were"
                        + " not signed in.", null, home);
            }
            return;
        }
        // 7. a new session id against session fixation (RFC 9700 §4.7 via OWASP), or a fresh session for another
        // person, then the tokens; a further client's connection only adds its tokens (with a new session id too:
        // an attacker who fixed the id would otherwise use the victim's connected account)
        TokenSet tokenSet = TokenSet.from(tokens, config.client().scope(), now, user, dpopKey.orElse(null));
        if (name.isEmpty()) {
            signIn.signIn(request, session, tokenSet);
        } else {
            request.changeSessionId();
            store.storeConnection(session, tokenSet);
        }
        LOG.log(Level.DEBUG, () -> "Login completed: " + tokens);
        events.loginSucceeded(tokenSet);
        Responses.redirect(response, login.returnPath());
    }

    /** @return the first response parameter whose values match {@code test} */
    private static Optional<String> parameter(HttpServletRequest request, Predicate<String[]> test) {
        for (String name : RESPONSE_PARAMETERS) {
            String[] values = request.getParameterValues(name);
            if (values != null && values.length > 0 && test.test(values)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private void refuse(HttpServletResponse response, int status, String title, String message, String detail,
                        String againHref) throws IOException {
        refuse(response, status, title, message, detail, againHref, Optional.empty(), Optional.empty());
    }

    private void refuse(HttpServletResponse response, int status, String title, String message, String detail,
                        String againHref, Optional<String> error, Optional<String> description) throws IOException {
        LOG.log(Level.INFO, "Refused a sign-in response" + name.map(n -> " of client " + n).orElse("") + " with "
                + status + ": " + title);
        Responses.errorPage(response, status, title(title), message, detail, againHref);
        events.loginFailed(status, error, description, title);
    }

    /** @return the page's title: a further client's names its connection */
    private String title(String signIn) {
        return name.map(n -> signIn.equals(DECLINED) ? "Connecting " + n + " was declined" : signIn + " (" + n + ")")
                .orElse(signIn);
    }

}
