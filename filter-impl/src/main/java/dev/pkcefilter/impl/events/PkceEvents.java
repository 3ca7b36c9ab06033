package dev.pkcefilter.impl.events;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import dev.pkcefilter.event.LoggedOut;
import dev.pkcefilter.event.LoginFailed;
import dev.pkcefilter.event.LoginSucceeded;
import dev.pkcefilter.event.RefreshFailed;
import dev.pkcefilter.event.TokenRefreshed;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.bind.Jsonb;

/**
 * Fires the {@code dev.pkcefilter.event} events to the application's observers. An observer that throws is
 * logged and does not change the response; an application without CDI simply gets no events.
 */
public final class PkceEvents {

    private static final System.Logger LOG = System.getLogger(PkceEvents.class.getName());

    private final Jsonb jsonb;
    private final ApiOrigins apiOrigins;
    private final Consumer<Object> sink;
    private final Optional<String> client;
    private final DpopProofs dpop;

    /** The default client's events to the application's CDI observers. */
    public PkceEvents(Jsonb jsonb, ApiOrigins apiOrigins) {
        this(jsonb, apiOrigins, PkceEvents::fireToCdi, Optional.empty());
    }

    /** The default client's events to {@code sink} (tests). */
    public PkceEvents(Jsonb jsonb, ApiOrigins apiOrigins, Consumer<Object> sink) {
        this(jsonb, apiOrigins, sink, Optional.empty());
    }

    /**
     * @param client the further client ({@code pkce.clients}) the events are of, empty for the default client
     */
    public PkceEvents(Jsonb jsonb, ApiOrigins apiOrigins, Optional<String> client) {
        this(jsonb, apiOrigins, PkceEvents::fireToCdi, client, new DpopProofs(java.time.Clock.systemUTC(), jsonb));
    }

    /**
     * @param client the further client ({@code pkce.clients}) the events are of, empty for the default client
     * @param dpop the client's DPoP proofs, for the events' tokens (RFC 9449)
     */
    public PkceEvents(Jsonb jsonb, ApiOrigins apiOrigins, Optional<String> client, DpopProofs dpop) {
        this(jsonb, apiOrigins, PkceEvents::fireToCdi, client, dpop);
    }

    private PkceEvents(Jsonb jsonb, ApiOrigins apiOrigins, Consumer<Object> sink, Optional<String> client) {
        this(jsonb, apiOrigins, sink, client, new DpopProofs(java.time.Clock.systemUTC(), jsonb));
    }

    private PkceEvents(Jsonb jsonb, ApiOrigins apiOrigins, Consumer<Object> sink, Optional<String> client,
                       DpopProofs dpop) {
        this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
        this.apiOrigins = Objects.requireNonNull(apiOrigins, "apiOrigins");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.client = Objects.requireNonNull(client, "client");
        this.dpop = Objects.requireNonNull(dpop, "dpop");
    }

    public void loginSucceeded(TokenSet tokens) {
        fire(new LoginSucceeded(new CurrentAccessToken(tokens, jsonb, apiOrigins, dpop), client));
    }

    public void loginFailed(int status, Optional<String> error, Optional<String> description, String reason) {
        fire(new LoginFailed(status, error, description, reason, client));
    }

    public void tokenRefreshed(TokenSet tokens) {
        fire(new TokenRefreshed(new CurrentAccessToken(tokens, jsonb, apiOrigins, dpop), client));
    }

    public void refreshFailed(boolean refused) {
        fire(new RefreshFailed(refused, client));
    }

    public void loggedOut() {
        fire(new LoggedOut(client));
    }

    private void fire(Object event) {
        sink.accept(event);
    }

    private static void fireToCdi(Object event) {
        try {
            CDI.current().getBeanManager().getEvent().fire(event);
        } catch (IllegalStateException e) { // no CDI container for this application
            LOG.log(Level.DEBUG, () -> "No CDI here: " + event.getClass().getSimpleName() + " not fired");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An observer of " + event.getClass().getSimpleName() + " failed", e);
        }
    }
}
