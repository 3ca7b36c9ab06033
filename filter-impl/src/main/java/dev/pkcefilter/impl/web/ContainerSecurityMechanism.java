package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.util.Set;

import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.session.VerifiedUser;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * {@code pkce.container-security=true}: reports the user pkce-filter verified at login (OpenID Connect Core 1.0
 * §3.1.3.7) to the container, through Jakarta Security 3.0 (§2.1 {@code HttpAuthenticationMechanism}), so that
 * EJB {@code @RolesAllowed}, {@code jakarta.security.enterprise.SecurityContext} and {@code web.xml}
 * {@code <security-constraint>}s know the user and the roles, not only the request wrapper ({@link SignedInRequest}).
 *
 * <p>The container calls it on every request, before any filter (so before {@link PkceFilter}), hence it reads the
 * session itself:
 * <ol>
 *   <li>a session whose tokens name a verified user, still valid or refreshable: that user and those roles
 *       ({@link HttpMessageContext#notifyContainerAboutLogin}), for this request only; the filter refreshes the
 *       tokens on its paths as before;</li>
 *   <li>else, on a resource a security constraint protects: pkce-filter's login, as {@link PkceFilter} starts it
 *       (a page is sent to the authorization server, a script gets 401; {@code SEND_CONTINUE});</li>
 *   <li>else nothing: the request goes on unauthenticated, and the filter decides on its own paths.</li>
 * </ol>
 * The callback and logout endpoints are never answered here, so that a constraint over them cannot loop.
 *
 * <p>Not a discovered bean: {@link ContainerSecurityExtension} adds it only when the key is
 * true, so an application that does not opt in has no mechanism at all (no cost, no clash with its own).
 */
public final class ContainerSecurityMechanism implements HttpAuthenticationMechanism {

    /** The application's pkce-filter; set on the first request, when the {@link ServletContext} is known. */
    private volatile PkceContext context;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext httpMessageContext) throws AuthenticationException {
        PkceContext pkce = context(request.getServletContext());
        if (pkce == null) { // pkce-filter failed to start here: the container decides alone
            return httpMessageContext.doNothing();
        }
        HttpSession session = request.getSession(false);
        TokenSet tokens = session == null ? null : pkce.store().tokensOrNull(session);
        VerifiedUser user = tokens == null ? null : tokens.userOrNull();
        if (user != null && (tokens.isValidAt(pkce.clock().millis()) || tokens.refreshToken().isPresent())) {
            return httpMessageContext.notifyContainerAboutLogin(user, Set.copyOf(user.roles()));
        }
        if (!httpMessageContext.isProtected() || isOwnEndpoint(request, pkce)) {
            return httpMessageContext.doNothing();
        }
        try {
            pkce.loginStarter().unauthenticated(request, response);
        } catch (IOException e) {
            throw new AuthenticationException("pkce-filter could not start a login", e);
        }
        return AuthenticationStatus.SEND_CONTINUE;
    }

    private PkceContext context(ServletContext servletContext) {
        PkceContext known = context;
        if (known == null && servletContext.getAttribute(PkceContext.ATTRIBUTE) instanceof PkceContext started) {
            context = started;
            known = started;
        }
        return known;
    }

    private static boolean isOwnEndpoint(HttpServletRequest request, PkceContext pkce) {
        return pkce.isOwnEndpoint(request.getServletPath());
    }
}
