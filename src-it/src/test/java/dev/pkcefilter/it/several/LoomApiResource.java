package dev.pkcefilter.it.several;

import dev.pkcefilter.BearerTokenFilter;
import dev.pkcefilter.PkceFilterException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Calls an API on the user's behalf at Loom, with the JAX-RS client and {@code new BearerTokenFilter("loom")}, at
 * {@code /app/rest/loom-api?url=…}: answers the API's status and body, or {@code refused } and the message when the
 * filter refused the URL (an origin outside {@code pkce.loom.api-origins}).
 */
@Path("loom-api")
@RequestScoped
public class LoomApiResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String call(@QueryParam("url") String url) {
        Client client = ClientBuilder.newClient().register(new BearerTokenFilter("loom"));
        try (Response response = client.target(url).request(MediaType.APPLICATION_JSON).get()) {
            return response.getStatus() + " " + response.readEntity(String.class);
        } catch (RuntimeException e) { // the JAX-RS client wraps what a filter throws (ProcessingException)
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof PkceFilterException refused) {
                    return "refused " + refused.getMessage();
                }
            }
            throw e;
        } finally {
            client.close();
        }
    }
}
