package dev.pkcefilter.impl.web;

import java.security.Principal;

import dev.pkcefilter.impl.session.VerifiedUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A protected request of a user whose ID token was verified: {@link #getUserPrincipal()}, {@link #getRemoteUser()}
 * and {@link #isUserInRole(String)} answer from that user (Jakarta Servlet 6.0 §13.3), and so do the JAX-RS
 * {@code SecurityContext} and {@code @RolesAllowed} on the resources, which read them from the request. The only
 * allocation of a signed-in request: the user is its own {@link Principal}.
 */
final class SignedInRequest extends HttpServletRequestWrapper {

    /** {@link #getAuthType()}: the user was authenticated by an OpenID Connect provider. */
    static final String AUTH_TYPE = "OIDC";

    private final VerifiedUser user;

    SignedInRequest(HttpServletRequest request, VerifiedUser user) {
        super(request);
        this.user = user;
    }

    @Override
    public Principal getUserPrincipal() {
        return user;
    }

    @Override
    public String getRemoteUser() {
        return user.name();
    }

    @Override
    public boolean isUserInRole(String role) {
        return user.hasRole(role);
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }
}
