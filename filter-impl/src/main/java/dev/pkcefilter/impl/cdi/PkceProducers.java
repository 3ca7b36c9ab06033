package dev.pkcefilter.impl.cdi;

import java.net.URI;
import java.util.Optional;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.SignedInUser;
import dev.pkcefilter.AuthorizationServer;
import dev.pkcefilter.impl.events.CurrentAccessToken;
import dev.pkcefilter.impl.events.CurrentUser;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.web.PkceContext;
import dev.pkcefilter.impl.web.PkceFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Makes {@link AccessToken} and {@link SignedInUser} (request scoped) and {@link AuthorizationServer} injectable.
 * The token and user are the ones the filter put on the current HTTP request; on any other request it is absent instead of failing.
 */
@ApplicationScoped
public class PkceProducers {

    @Produces
    @RequestScoped
    AccessToken accessToken(HttpServletRequest request, ServletContext servletContext) {
        PkceContext context = PkceContext.of(servletContext);
        return new CurrentAccessToken(tokens(request), context.jsonb(), context.apiOrigins());
    }

    @Produces
    @RequestScoped
    SignedInUser signedInUser(HttpServletRequest request, ServletContext servletContext) {
        PkceContext context = PkceContext.of(servletContext);
        return new CurrentUser(tokens(request), context.config().server().issuer().map(Object::toString).orElse(""),
                context.jsonb());
    }

    /** @return the tokens the filter put on the request, or {@code null} */
    private static TokenSet tokens(HttpServletRequest request) {
        try {
            return request.getAttribute(PkceFilter.TOKENS_ATTRIBUTE) instanceof TokenSet t ? t : null;
        } catch (RuntimeException e) { // a request context without an HTTP request (timer, message)
            return null;
        }
    }

    @Produces
    @ApplicationScoped
    AuthorizationServer authorizationServer(ServletContext servletContext) {
        PkceContext context = PkceContext.of(servletContext);
        return new AuthorizationServer() {
            @Override
            public Optional<URI> issuer() {
                return context.config().server().issuer();
            }

            @Override
            public Optional<URI> userinfoEndpoint() {
                return context.endpoints().get().userinfoEndpoint();
            }

            @Override
            public String toString() {
                return "AuthorizationServer[" + issuer().map(URI::toString).orElse("no issuer") + "]";
            }
        };
    }
}
