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
 * <p>A further client ({@code pkce.clients}) with {@code pkce.<name>.protected-paths} has a filter of its own on
 * them (init-param {@value #CLIENT_PARAMETER}): a navigation without that client's token starts its authorization.
 *
 * <p>The path of a signed-in request with a fresh token does no I/O, parsing or locking: one session attribute
 * read and a time comparison, and, for a user whose ID token was verified at login, a request wrapper that gives
 * the container's {@code getUserPrincipal()} and {@code isUserInRole} ({@link SignedInRequest}). Within {@code pkce.refresh-skew} of expiry (at most half the token's lifetime) the
 * token is refreshed first, once per session: {@link TokenRefresher} decides what becomes of the request, this
 * filter applies it.
 */
public class PkceFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    /** The request attribute that holds the default client's current {@link TokenSet}. */
    public static final String TOKENS_ATTRIBUTE = "dev.pkcefilter.current-tokens";

    /** The init-param that names the further client ({@code pkce.clients}) a filter or callback servlet is of. */
    static final String CLIENT_PARAMETER = "dev.pkcefilter.client";

    private transient PkceContext context;
    private transient Clock clock;
    private transient SessionStore store;
    private transient LoginStarter loginStarter;
    private transient TokenRefresher refresher;
    private transient long refreshSkewMillis;
    private transient List<String> publicPaths;
    private transient String tokensAttribute;
    private transient boolean signIn;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        super.init(filterConfig);
        context = PkceContext.of(filterConfig.getServletContext());
        String name = filterConfig.getInitParameter(CLIENT_PARAMETER);
        PkceClient client = name == null ? context.signIn() : context.further(name).orElseThrow();
        clock = context.clock();
        store = client.store();
        loginStarter = client.loginStarter();
        refresher = client.refresher();
        ClientConfiguration config = client.config();
        refreshSkewMillis = config.timeouts().refreshSkew().toMillis();
        publicPaths = config.paths().publicPaths();
        tokensAttribute = client.requestAttribute();
        signIn = name == null;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String servletPath = request.getServletPath();
        if (context.isOwnEndpoint(servletPath) || isPublic(request, servletPath)) {
            chain.doFilter(request, response);
            return;
        }
        HttpSession session = request.getSession(false);
        TokenSet tokens = session == null ? null : store.tokensOrNull(session);
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

    private void pass(TokenSet tokens, HttpServletRequest request, HttpServletResponse response,
                      FilterChain chain) throws IOException, ServletException {
        request.setAttribute(tokensAttribute, tokens);
        VerifiedUser user = signIn ? tokens.userOrNull() : null; // the container's user is the default client's
        chain.doFilter(user == null ? request : new SignedInRequest(request, user), response);
    }

    private boolean isPublic(HttpServletRequest request, String servletPath) {
        if (publicPaths.isEmpty()) {
            return false;
        }
        return UrlPattern.matchesAny(publicPaths, servletPath, request.getPathInfo());
    }
}
