package dev.pkcefilter.impl.jaxrs;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Enforces {@code @RolesAllowed}, {@code @DenyAll} and {@code @PermitAll} (Jakarta Annotations 2.1 §3.2 to §3.4) on
 * JAX-RS resource methods, from the request's {@link SecurityContext}: on a protected request of a verified user,
 * pkce-filter's user and roles. Neither server enforces them on plain resources with pkce-filter's user by itself:
 * WildFly's RESTEasy not at all unless {@code resteasy.role.based.security} is set, and Payara's own feature asks
 * the container's identity, which only {@code pkce.container-security} sets (turn Payara's off with
 * {@code <jaxrs-roles-allowed-enabled>false</jaxrs-roles-allowed-enabled>} in {@code glassfish-web.xml}).
 *
 * <p>Found in the jar by the servers' scanning ({@link Provider}); an application whose {@code Application}
 * lists its classes adds this one to them. A method's annotation wins over its class's. No user gives 401,
 * a user without any of the roles 403.
 */
@Provider
public final class RolesAllowedFeature implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resourceInfo, FeatureContext context) {
        Method method = resourceInfo.getResourceMethod();
        Class<?> type = resourceInfo.getResourceClass();
        for (AnnotatedElement element : new AnnotatedElement[] {method, type}) {
            if (element == null) {
                continue;
            }
            if (element.isAnnotationPresent(DenyAll.class)) {
                context.register(new Check(List.of()));
                return;
            }
            RolesAllowed roles = element.getAnnotation(RolesAllowed.class);
            if (roles != null) {
                context.register(new Check(List.of(roles.value())));
                return;
            }
            if (element.isAnnotationPresent(PermitAll.class)) {
                return;
            }
        }
    }

    /** The check of one resource method: any of {@code roles}, none for {@code @DenyAll}. */
    @Priority(Priorities.AUTHORIZATION)
    static final class Check implements ContainerRequestFilter {

        private final List<String> roles;

        Check(List<String> roles) {
            this.roles = roles;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            SecurityContext security = request.getSecurityContext();
            if (security.getUserPrincipal() == null && !roles.isEmpty()) {
                request.abortWith(Response.status(Response.Status.UNAUTHORIZED).build());
                return;
            }
            for (String role : roles) {
                if (security.isUserInRole(role)) {
                    return;
                }
            }
            request.abortWith(Response.status(Response.Status.FORBIDDEN).build());
        }
    }
}
