package dev.pkcefilter.it.app;

import dev.pkcefilter.AccessToken;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;

/** A JAX-RS resource that uses the token, at {@code /app/rest/token}. */
@Path("token")
@RequestScoped
public class TokenResource {

    @Inject
    AccessToken token;

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String sha() {
        return token.isPresent() ? TokenBean.sha256(token.value()) : "absent";
    }

    /** The JAX-RS application of the test WAR. */
    @ApplicationPath("/app/rest")
    public static class RestApplication extends Application {
    }
}
