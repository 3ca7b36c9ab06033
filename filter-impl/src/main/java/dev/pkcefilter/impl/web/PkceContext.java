package dev.pkcefilter.impl.web;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.events.ApiOrigins;
import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.RevocationClient;
import dev.pkcefilter.impl.protocol.TokenEndpointClient;
import dev.pkcefilter.impl.refresh.RefreshExchange;
import dev.pkcefilter.impl.refresh.TokenRefresher;
import dev.pkcefilter.impl.session.SessionStore;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.ServletContext;

/**
 * Everything one application's pkce-filter shares: its configuration, endpoints, HTTP client and session store.
 * One per web application, kept as a {@link ServletContext} attribute; no static state, so two applications in
 * one server each have their own.
 */
public final class PkceContext implements AutoCloseable {

    static final String ATTRIBUTE = PkceContext.class.getName();

    private final ClientConfiguration config;
    private final Clock clock;
    private final SecureRandom random;
    private final Jsonb jsonb;
    private final Endpoints endpoints;
    private final TokenEndpointClient tokenClient;
    private final RevocationClient revocationClient;
    private final SessionStore store;
    private final ApiOrigins apiOrigins;
    private final PkceEvents events;
    private final TokenRefresher refresher;

    /**
     * @param distributable whether the application is {@code <distributable/>} ({@link Distributable})
     */
    PkceContext(ClientConfiguration config, Clock clock, boolean distributable) {
        this(config, clock, HttpClient.newBuilder()
                .connectTimeout(config.httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), distributable);
    }

    /** With the given HTTP client towards the authorization server (the benchmarks answer in-process). */
    PkceContext(ClientConfiguration config, Clock clock, HttpClient client, boolean distributable) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new SecureRandom();
        this.jsonb = JsonbBuilder.create();
        BoundedHttp http = new BoundedHttp(client, config.httpTimeout());
        this.endpoints = new Endpoints(config, new Discovery(http, jsonb, config.allowInsecureHttp()), clock);
        this.tokenClient = new TokenEndpointClient(http, jsonb, config.tokenRequestFormat(), clock,
                config.acceptedTokenTypes());
        this.revocationClient = new RevocationClient(http, jsonb);
        this.store = new SessionStore(config.loginTimeout());
        this.apiOrigins = new ApiOrigins(config.apiOrigins(), config.issuer(),
                () -> endpoints.get().userinfoEndpoint());
        this.events = new PkceEvents(jsonb, apiOrigins);
        this.refresher = new TokenRefresher(new RefreshExchange(() -> endpoints.get().tokenEndpoint(), tokenClient,
                config.clientAuthentication(), config.audience(), clock), store, events, clock, config.refreshSkew(),
                config.httpTimeout(), distributable);
    }

    /**
     * The context of a web application.
     *
     * @throws PkceFilterException when pkce-filter did not start in this application
     */
    public static PkceContext of(ServletContext servletContext) {
        if (servletContext.getAttribute(ATTRIBUTE) instanceof PkceContext context) {
            return context;
        }
        throw new PkceFilterException("pkce-filter is not initialized in " + servletContext.getContextPath()
                + ": its ServletContainerInitializer did not run or failed; see the deployment log");
    }

    public ClientConfiguration config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    SecureRandom random() {
        return random;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    TokenEndpointClient tokenClient() {
        return tokenClient;
    }

    RevocationClient revocationClient() {
        return revocationClient;
    }

    SessionStore store() {
        return store;
    }

    /** @return the JSON-B instance of this application's pkce-filter */
    public Jsonb jsonb() {
        return jsonb;
    }

    PkceEvents events() {
        return events;
    }

    /** @return the origins the access token may be sent to ({@code pkce.api-origins}) */
    public ApiOrigins apiOrigins() {
        return apiOrigins;
    }

    /** @return the application's one refresher: one refresh per session, whichever filter instance asks */
    TokenRefresher refresher() {
        return refresher;
    }

    @Override
    public void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            // nothing to do at undeployment
        }
    }
}
