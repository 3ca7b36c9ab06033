package dev.pkcefilter.example;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import dev.pkcefilter.AuthorizationServer;
import dev.pkcefilter.BearerTokenFilter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Calls the API on the signed-in user's behalf: a JAX-RS client with pkce-filter's {@link BearerTokenFilter},
 * which adds {@code Authorization: Bearer …} of the current request.
 */
@ApplicationScoped
public class ApiClient {

    /** What the API answered: its status (0 when it could not be reached) and its JSON object, if any. */
    public record Answer(int status, Optional<Map<String, Object>> json) {
    }

    private final Client client = ClientBuilder.newClient().register(BearerTokenFilter.class);

    @Inject
    AuthorizationServer server;

    /** @return what {@code example.api-url} (environment {@code EXAMPLE_API_URL}), else userinfo, answered */
    public Answer me() {
        Optional<URI> api = apiUrl();
        if (api.isEmpty()) {
            return new Answer(0, Optional.empty());
        }
        try (Response response = client.target(api.get()).request(MediaType.APPLICATION_JSON).get()) {
            if (response.getStatus() != 200) {
                return new Answer(response.getStatus(), Optional.empty());
            }
            return new Answer(200, Optional.of(response.readEntity(new GenericType<Map<String, Object>>() { })));
        } catch (ProcessingException e) { // unreachable, or a body that is not JSON
            return new Answer(0, Optional.empty());
        }
    }

    private Optional<URI> apiUrl() {
        String configured = Optional.ofNullable(System.getProperty("example.api-url"))
                .orElse(System.getenv("EXAMPLE_API_URL"));
        if (configured != null && !configured.isBlank()) {
            return Optional.of(URI.create(configured.trim()));
        }
        return server.userinfoEndpoint();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
