package dev.pkcefilter.it.app;

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
 * Calls an API with the JAX-RS client and pkce-filter's {@link BearerTokenFilter}, at {@code /app/rest/api}: answers
 * the API's status and body, or {@code refused } and the message when the filter refused the URL.
 */
@Path("api")
@RequestScoped
public class ApiCallResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String call(@QueryParam("url") String url) {
        Client client = ClientBuilder.newClient().register(BearerTokenFilter.class);
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
