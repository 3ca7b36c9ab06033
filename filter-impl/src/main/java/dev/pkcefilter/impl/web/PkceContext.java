package dev.pkcefilter.impl.web;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.events.ApiOrigins;
import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.identity.IdTokenValidator;
import dev.pkcefilter.impl.identity.IssuerKeys;
import dev.pkcefilter.impl.identity.LoginIdentity;
import dev.pkcefilter.impl.identity.UserinfoClient;
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
    private final LoginStarter loginStarter;
    private final CallbackHandler callbackHandler;
    private final LogoutHandler logoutHandler;

    /**
     * @param distributable whether the application is {@code <distributable/>} ({@link Distributable})
     */
    PkceContext(ClientConfiguration config, Clock clock, boolean distributable) {
        this(config, clock, HttpClient.newBuilder()
                .connectTimeout(config.timeouts().httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build(), distributable);
    }

    /** With the given HTTP client towards the authorization server (the benchmarks answer in-process). */
    PkceContext(ClientConfiguration config, Clock clock, HttpClient http, boolean distributable) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new SecureRandom();
        this.jsonb = JsonbBuilder.create();
        ClientConfiguration.Client client = config.client();
        BoundedHttp bounded = new BoundedHttp(http, config.timeouts().httpTimeout());
        this.endpoints = new Endpoints(config.server(),
                new Discovery(bounded, jsonb, config.server().allowInsecureHttp()), clock);
        this.tokenClient = new TokenEndpointClient(bounded, jsonb, client.tokenRequestFormat(), clock,
                client.acceptedTokenTypes());
        this.revocationClient = new RevocationClient(bounded, jsonb);
        this.store = new SessionStore(config.timeouts().loginTimeout());
        this.apiOrigins = new ApiOrigins(client.apiOrigins(), config.server().issuer(),
                () -> endpoints.get().userinfoEndpoint());
        this.events = new PkceEvents(jsonb, apiOrigins);
        IdTokenValidator validator = new IdTokenValidator(new IssuerKeys(bounded, clock), client.id(),
                client.secret(), config.identity(), clock);
        this.refresher = new TokenRefresher(new RefreshExchange(endpoints::get, tokenClient, validator,
                client.authentication(), client.audience(), clock), store, events, clock,
                config.timeouts().refreshSkew(), config.timeouts().httpTimeout(), distributable);
        this.loginStarter = new LoginStarter(config, endpoints, store, random, clock);
        this.callbackHandler = new CallbackHandler(config, endpoints, store, tokenClient,
                new LoginIdentity(validator, new UserinfoClient(bounded, jsonb), config),
                new SignInSession(store, jsonb), events, clock);
        this.logoutHandler = new LogoutHandler(config, endpoints, revocationClient, events);
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



    SessionStore store() {
        return store;
    }

    /** @return the JSON-B instance of this application's pkce-filter */
    public Jsonb jsonb() {
        return jsonb;
    }


    /** @return the origins the access token may be sent to ({@code pkce.api-origins}) */
    public ApiOrigins apiOrigins() {
        return apiOrigins;
    }

    /** @return the application's one refresher: one refresh per session, whichever filter instance asks */
    TokenRefresher refresher() {
        return refresher;
    }

    /** @return step 1 of the code flow: the login start */
    LoginStarter loginStarter() {
        return loginStarter;
    }

    /** @return step 2 of the code flow: the callback */
    CallbackHandler callbackHandler() {
        return callbackHandler;
    }

    /** @return the logout endpoint's logic */
    LogoutHandler logoutHandler() {
        return logoutHandler;
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
