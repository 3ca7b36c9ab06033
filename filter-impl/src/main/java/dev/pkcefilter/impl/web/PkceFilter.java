package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.config.UrlPattern;
import dev.pkcefilter.impl.refresh.RefreshDecision;
import dev.pkcefilter.impl.refresh.TokenRefresher;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.session.VerifiedUser;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Guards the protected paths: a request whose session holds a valid access token goes on, with the token
 * available to {@code @Inject AccessToken}; any other starts a login (a page) or gets 401 (a script).
 *
 * <p>Registered by pkce-filter itself. To give it filter init-params, declare it in {@code web.xml}:
 * <pre>{@code
 * <filter>
 *   <filter-name>pkce-filter</filter-name>
 *   <filter-class>dev.pkcefilter.impl.web.PkceFilter</filter-class>
 *   <init-param><param-name>pkce.client-id</param-name><param-value>shop</param-value></init-param>
 * </filter>
 * }</pre>
 *
 * <p>The path of a signed-in request with a fresh token does no I/O, parsing or locking: one session attribute
 * read and a time comparison, and, for a user whose ID token was verified at login, a request wrapper that gives
 * the container's {@code getUserPrincipal()} and {@code isUserInRole} ({@link SignedInRequest}). Within {@code pkce.refresh-skew} of expiry (at most half the token's lifetime) the
 * token is refreshed first, once per session: {@link TokenRefresher} decides what becomes of the request, this
 * filter applies it.
 */
public class PkceFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** The request attribute that holds the current {@link TokenSet}. */
    public static final String TOKENS_ATTRIBUTE = "dev.pkcefilter.current-tokens";

    private transient Clock clock;
    private transient LoginStarter loginStarter;
    private transient TokenRefresher refresher;
    private transient long refreshSkewMillis;
    private transient List<String> publicPaths;
    private transient String callbackPath;
    private transient String logoutPath;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        super.init(filterConfig);
        PkceContext context = PkceContext.of(filterConfig.getServletContext());
        clock = context.clock();
        loginStarter = context.loginStarter();
        refresher = context.refresher();
        ClientConfiguration config = context.config();
        refreshSkewMillis = config.timeouts().refreshSkew().toMillis();
        publicPaths = config.paths().publicPaths();
        callbackPath = config.paths().callbackPath();
        logoutPath = config.paths().logoutPath();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String servletPath = request.getServletPath();
        if (servletPath.equals(callbackPath) || servletPath.equals(logoutPath) || isPublic(request, servletPath)) {
            chain.doFilter(request, response);
            return;
        }
        HttpSession session = request.getSession(false);
        TokenSet tokens = session == null ? null : SessionStore.tokensOrNull(session);
        if (tokens != null) {
            long now = clock.millis();
            if (tokens.isFreshAt(now, refreshSkewMillis)) { // the hot path: fresh enough
                pass(tokens, request, response, chain);
                return;
            }
            if (tokens.refreshToken().isPresent()) {
                apply(refresher.decide(session, tokens, RequestKind.isNavigation(request)), request, response, chain);
                return;
            }
            if (tokens.isValidAt(now)) { // no refresh token: use it until it expires
                pass(tokens, request, response, chain);
                return;
            }
        }
        loginStarter.unauthenticated(request, response);
    }

    private void apply(RefreshDecision decision, HttpServletRequest request, HttpServletResponse response,
                       FilterChain chain) throws IOException, ServletException {
        if (decision instanceof RefreshDecision.Pass pass) {
            pass(pass.tokens(), request, response, chain);
        } else if (decision instanceof RefreshDecision.Unavailable unavailable) {
            Responses.serviceUnavailable(response, unavailable.retryAfterSeconds());
        } else if (decision instanceof RefreshDecision.Unauthorized) {
            Responses.unauthorized(response);
        } else {
            loginStarter.unauthenticated(request, response); // a navigation: a new login
        }
    }

    private static void pass(TokenSet tokens, HttpServletRequest request, HttpServletResponse response,
                             FilterChain chain) throws IOException, ServletException {
        request.setAttribute(TOKENS_ATTRIBUTE, tokens);
        VerifiedUser user = tokens.userOrNull();
        chain.doFilter(user == null ? request : new SignedInRequest(request, user), response);
    }

    private boolean isPublic(HttpServletRequest request, String servletPath) {
        if (publicPaths.isEmpty()) {
            return false;
        }
        return UrlPattern.matchesAny(publicPaths, servletPath, request.getPathInfo());
    }
}
