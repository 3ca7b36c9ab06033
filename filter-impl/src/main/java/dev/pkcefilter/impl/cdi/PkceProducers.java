package dev.pkcefilter.impl.cdi;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.AccessTokens;
import dev.pkcefilter.OAuthClient;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.SignedInUser;
import dev.pkcefilter.AuthorizationServer;
import dev.pkcefilter.impl.config.ConfigKey;
import dev.pkcefilter.impl.events.CurrentAccessToken;
import dev.pkcefilter.impl.events.CurrentUser;
import dev.pkcefilter.impl.session.TokenSet;
import dev.pkcefilter.impl.web.PkceClient;
import dev.pkcefilter.impl.web.PkceContext;
import dev.pkcefilter.impl.web.PkceFilter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Makes {@link AccessToken} and {@link SignedInUser} (request scoped), a further client's
 * {@code @OAuthClient("name") AccessToken}, {@link AccessTokens} and {@link AuthorizationServer} injectable.
 * The token and user are the ones the filter put on the current HTTP request; on any other request it is absent instead of failing.
 */
@ApplicationScoped
public class PkceProducers {

    @Produces
    @RequestScoped
    AccessToken accessToken(HttpServletRequest request, ServletContext servletContext) {
        PkceContext context = PkceContext.of(servletContext);
        return new CurrentAccessToken(tokens(request), context.jsonb(), context.apiOrigins(), context.signIn().dpop());
    }

    @Produces
    @RequestScoped
    SignedInUser signedInUser(HttpServletRequest request, ServletContext servletContext) {
        PkceContext context = PkceContext.of(servletContext);
        return new CurrentUser(tokens(request), context.config().server().issuer().map(Object::toString).orElse(""),
                context.jsonb());
    }

    /**
     * A further client's token, {@code @Inject @OAuthClient("loom") AccessToken}: dependent, because each injection
     * point names its client, and safe to keep in a bean of any scope, because each call reads the current request.
     *
     * @throws PkceFilterException when {@code pkce.clients} does not list the name
     */
    @Produces
    @OAuthClient("")
    AccessToken furtherAccessToken(InjectionPoint injectionPoint, HttpServletRequest request,
                                   ServletContext servletContext) {
        String name = injectionPoint.getQualifiers().stream().filter(OAuthClient.class::isInstance)
                .map(q -> ((OAuthClient) q).value()).findFirst().orElse("");
        return further(PkceContext.of(servletContext), name, request);
    }

    /** {@link AccessTokens}: every client's token by name. */
    @Produces
    @ApplicationScoped
    AccessTokens accessTokens(AccessToken signIn, HttpServletRequest request, ServletContext servletContext) {
        PkceContext context = PkceContext.of(servletContext);
        return new AccessTokens() {
            @Override
            public AccessToken get(String client) {
                return further(context, client, request);
            }

            @Override
            public AccessToken signIn() {
                return signIn;
            }

            @Override
            public List<String> clients() {
                return context.furtherNames();
            }

            @Override
            public String toString() {
                return "AccessTokens" + context.furtherNames();
            }
        };
    }

    private static AccessToken further(PkceContext context, String name, HttpServletRequest request) {
        PkceClient client = context.further(name).orElseThrow(() -> new PkceFilterException("pkce-filter has no"
                + " client '" + name + "': " + ConfigKey.CLIENTS.key() + " lists "
                + (context.furtherNames().isEmpty() ? "none" : String.join(", ", context.furtherNames()))));
        return new FurtherAccessToken(client, request, context.jsonb());
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
