package dev.pkcefilter.example;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.Context;

/**
 * For users with the role {@code admin} only: the container's own annotation, enforced from the user and roles
 * pkce-filter verified ({@code pkce.roles-claim}). Others get 403.
 */
@Path("admin")
@RequestScoped
@RolesAllowed("admin")
public class AdminResource {

    @Context
    SecurityContext security;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response admin() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("admin", security.isUserInRole("admin"));
        facts.put("name", security.getUserPrincipal().getName());
        facts.put("authenticationScheme", security.getAuthenticationScheme());
        return SignedInResource.json(200, facts);
    }
}
