package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.Objects;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.EndSessionRequest;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The logout endpoint ({@code pkce.logout-path}): ends the session here and, where the authorization server
 * offers it, its tokens and its own session there.
 * <ol>
 *   <li>Only a request of the application's own pages logs out ({@link #answer}): a POST that another origin
 *       sent gets 403; a GET logs out only as the user's own top-level navigation from one of its pages. Any other
 *       GET that is a navigation (a link from elsewhere, a typed URL, a prefetch or prerender) gets a page with a
 *       "Sign out" button instead; one that is not (an image, a script's {@code fetch()}) gets 403.</li>
 *   <li>The session is invalidated first, so that no request uses the tokens while they are revoked.</li>
 *   <li>The refresh token, then the access token, are revoked (RFC 7009 §2), best effort: those of every client,
 *       the further ones of {@code pkce.clients} too.</li>
 *   <li>The browser goes to the default client's end-session endpoint (OpenID Connect RP-Initiated Logout 1.0 §2;
 *       a further client's server keeps its session, as a vendor's does when an application disconnects), else straight
 *       to {@code pkce.post-logout-redirect}.</li>
 * </ol>
 */
final class LogoutHandler {

    private static final System.Logger LOG = System.getLogger(LogoutHandler.class.getName());

    private final ClientConfiguration config;
    private final PkceClient signIn;
    private final List<PkceClient> clients;

    /**
     * @param signIn the default client, whose server session the logout ends
     * @param clients every client, the default one first: each one's tokens are revoked
     */
    LogoutHandler(PkceClient signIn, List<PkceClient> clients) {
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.config = signIn.config();
        this.clients = List.copyOf(clients);
    }

    /** What a request of the logout path gets. */
    enum Answer {
        /** Signed out. */
        LOG_OUT,
        /** The page with a "Sign out" button; the session stays. */
        CONFIRM,
        /** 403; the session stays. */
        FORBIDDEN
    }

    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (answer(request, ownOrigins(request, config))) {
            case LOG_OUT -> logout(request, response);
            case CONFIRM -> Responses.signOutPage(response, request.getContextPath() + config.paths().logoutPath());
            case FORBIDDEN -> {
                LOG.log(Level.INFO, "Refused a logout request that another origin sent or that no user asked for");
                Responses.errorPage(response, HttpServletResponse.SC_FORBIDDEN, "Sign-out refused",
                        "This sign-out request was sent by another site, or by a page element rather than by you,"
                                + " so you are still signed in.", null, request.getContextPath() + "/");
            }
        }
    }

    /**
     * Whether a request of the logout path signs out (step 1). A POST signs out unless its {@link SameOrigin}
     * verdict is cross-origin (RFC 6454 §7, Fetch Metadata §2.1). A GET is a state-changing request only where
     * the user asked for it:
     * <ul>
     *   <li>with Fetch Metadata (any {@code Sec-Fetch-*} header, W3C Fetch Metadata Request Headers §2): only a
     *       top-level navigation ({@code Sec-Fetch-Mode: navigate} and {@code Sec-Fetch-Dest: document}) from the
     *       application's own origin signs out. A request whose mode is not {@code navigate} ({@code <img>},
     *       {@code fetch()}, {@code <link rel=prefetch>}) gets 403, other navigations (a frame, a link from another
     *       site, a typed URL) the confirmation page;</li>
     *   <li>without it (an older browser): the {@code Origin}/{@code Referer} rule of {@link SameOrigin};</li>
     *   <li>either way, a speculative load never signs out: {@code Sec-Purpose} (Fetch §2.2.7, "prefetch" or
     *       "prefetch;prerender"), or the older {@code Purpose: prefetch}, {@code X-Purpose: preview} and
     *       {@code X-Moz: prefetch}: the browser fetches the page before (or without) the user opening it.</li>
     * </ul>
     * Any other method gets 403 when Fetch Metadata says it is not a navigation, else the confirmation page.
     *
     * @param ownOrigins the application's origins ({@link #ownOrigins})
     * @return the answer
     */
    static Answer answer(HttpServletRequest request, Set<String> ownOrigins) {
        SameOrigin.Verdict verdict = SameOrigin.decide(request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"),
                request.getHeader("Referer"), ownOrigins);
        String method = request.getMethod();
        if ("POST".equals(method)) {
            return verdict == SameOrigin.Verdict.CROSS_ORIGIN ? Answer.FORBIDDEN : Answer.LOG_OUT;
        }
        String mode = request.getHeader("Sec-Fetch-Mode");
        if (mode != null && !"navigate".equalsIgnoreCase(mode.trim())) {
            return Answer.FORBIDDEN; // a subresource or a script's request: nobody sees a page
        }
        if (!"GET".equals(method) || isSpeculative(request) || verdict != SameOrigin.Verdict.SAME_ORIGIN) {
            return Answer.CONFIRM;
        }
        boolean fetchMetadata = request.getHeader("Sec-Fetch-Site") != null || mode != null
                || request.getHeader("Sec-Fetch-Dest") != null;
        if (!fetchMetadata) {
            return Answer.LOG_OUT; // an older browser: same-origin by Origin or Referer, as before Fetch Metadata
        }
        String dest = request.getHeader("Sec-Fetch-Dest");
        return mode != null && dest != null && "document".equalsIgnoreCase(dest.trim())
                ? Answer.LOG_OUT : Answer.CONFIRM;
    }

    /** @return whether the browser loads this ahead of the user, to show it faster if they open it */
    private static boolean isSpeculative(HttpServletRequest request) {
        for (String name : new String[] {"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"}) {
            String value = request.getHeader(name);
            if (value != null) {
                String lower = value.toLowerCase(Locale.ROOT);
                if (lower.contains("prefetch") || lower.contains("prerender") || lower.contains("preview")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void logout(HttpServletRequest request, HttpServletResponse response) {
        HttpSession session = request.getSession(false);
        Map<PkceClient, TokenSet> held = new LinkedHashMap<>(); // every client's, the default one first
        if (session != null) {
            for (PkceClient client : clients) {
                client.store().tokens(session).ifPresent(tokens -> held.put(client, tokens));
            }
        }
        Optional<TokenSet> tokens = Optional.ofNullable(held.get(signIn));
        // 2. the session first: from now on no request of this browser uses the tokens
        if (session != null) {
            held.keySet().forEach(client -> client.events().loggedOut());
            try {
                session.invalidate();
            } catch (IllegalStateException e) {
                // invalidated meanwhile by another request: the same outcome
            }
        }
        // 3. every client's tokens: RFC 7009 §2.1, the refresh token first
        held.forEach(PkceClient::revoke);
        // 4. RP-Initiated Logout 1.0 §2 at the server users signed in with, else this application's own page
        Optional<ProviderMetadata> endpoints = signIn.knownEndpoints();
        Optional<URI> endSession = endpoints.flatMap(ProviderMetadata::endSessionEndpoint);
        LOG.log(Level.DEBUG, () -> "Logged out a session" + (tokens.isPresent() ? " with " + tokens.get() : "")
                + (endSession.isPresent() ? "; on to the end-session endpoint" : ""));
        if (endSession.isPresent()) {
            EndSessionRequest end = new EndSessionRequest(endSession.get(),
                    postLogoutRedirectUri(request, config), config.client().id(), tokens.flatMap(TokenSet::idToken));
            Responses.redirect(response, end.toURI().toString());
        } else {
            Responses.redirect(response, postLogoutTarget(request, config));
        }
    }

    /** The origins a same-origin request may come from: the request's own, and that of a configured redirect URI. */
    static Set<String> ownOrigins(HttpServletRequest request, ClientConfiguration config) {
        Set<String> origins = new LinkedHashSet<>();
        RequestOrigin.of(RequestOrigin.of(request)).ifPresent(origins::add);
        config.paths().redirectUri().flatMap(uri -> RequestOrigin.of(uri.toString())).ifPresent(origins::add);
        return origins;
    }

    /**
     * The absolute {@code post_logout_redirect_uri}: {@code pkce.post-logout-redirect} when absolute, else that
     * path (or {@code /}) inside the context path on the application's origin: the origin of {@code
     * pkce.redirect-uri} when set (behind a reverse proxy), else the request's, as the redirect URI is derived.
     */
    static URI postLogoutRedirectUri(HttpServletRequest request, ClientConfiguration config) {
        String configured = config.paths().postLogoutRedirect().orElse("/");
        if (!configured.startsWith("/")) {
            return URI.create(configured);
        }
        String origin = config.paths().redirectUri().flatMap(uri -> RequestOrigin.of(uri.toString()))
                .orElseGet(() -> RequestOrigin.of(request));
        return URI.create(origin + request.getContextPath() + configured);
    }

    /** Where the browser goes when there is no end-session endpoint: the configured URL, or a path in the context. */
    static String postLogoutTarget(HttpServletRequest request, ClientConfiguration config) {
        String configured = config.paths().postLogoutRedirect().orElse("/");
        return configured.startsWith("/") ? request.getContextPath() + configured : configured;
    }
}
