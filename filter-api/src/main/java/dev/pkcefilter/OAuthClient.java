package dev.pkcefilter;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;

/**
 * Names a further client ({@code pkce.clients}) whose {@link AccessToken} to inject: the user's token at another
 * authorization server, such as an API vendor's, once the user connected it ({@code {context}/oauth/connect/<name>}).
 *
 * <pre>{@code
 * @Inject @OAuthClient("loom") AccessToken loom;
 *
 * if (loom.isPresent()) { ... loom.authorizationHeader() ... } // else: not connected, offer the link
 * }</pre>
 *
 * <p>The injected object may be kept anywhere (an application scoped bean too): each call reads the current
 * request's session, refreshing the token first when it comes due (once per session and client, whichever request
 * asks). {@link AccessToken#isPresent()} is {@code false} when the client is not connected, its grant ended, or the
 * call is outside an HTTP request. A name that {@code pkce.clients} does not list fails the injection with a
 * {@link PkceFilterException}. For names known only at run time (and for programmatic lookup), inject
 * {@link AccessTokens}.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface OAuthClient {

    /** @return the client's name, as {@code pkce.clients} lists it */
    @Nonbinding
    String value();
}
