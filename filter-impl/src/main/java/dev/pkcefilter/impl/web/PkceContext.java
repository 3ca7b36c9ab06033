package dev.pkcefilter.impl.web;

import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.config.ApplicationConfiguration;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.events.ApiOrigins;
import dev.pkcefilter.impl.session.SessionStore;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.ServletContext;

/**
 * Everything one application's pkce-filter shares: the default client users sign in with and the further clients
 * of {@code pkce.clients} ({@link PkceClient}), the logout and connection endpoints. One per web application, kept as
 * a {@link ServletContext} attribute; no static state, so two applications in one server each have their own.
 */
public final class PkceContext implements AutoCloseable {

    static final String ATTRIBUTE = PkceContext.class.getName();

    /** The servlet path of {@code {context}/oauth/connect/<name>}. */
    static final String CONNECT_PATH = "/oauth/connect";
    /** The servlet path of {@code {context}/oauth/disconnect/<name>}. */
    static final String DISCONNECT_PATH = "/oauth/disconnect";

    private final Clock clock;
    private final Jsonb jsonb;
    private final PkceClient signIn;
    private final Map<String, PkceClient> further;
    private final List<PkceClient> all;
    /** The servlet paths of pkce-filter's own endpoints, which no filter of it guards. */
    private final Set<String> ownPaths;
    private final LogoutHandler logoutHandler;
    private final Connections connections;

    /**
     * @param distributable whether the application is {@code <distributable/>} ({@link Distributable})
     */
    PkceContext(ApplicationConfiguration config, Clock clock, boolean distributable) {
        this(config, clock, null, distributable);
    }

    /** The default client alone. */
    PkceContext(ClientConfiguration config, Clock clock, boolean distributable) {
        this(ApplicationConfiguration.of(config), clock, null, distributable);
    }

    /** The default client alone, with the given HTTP client towards its server (the benchmarks answer in-process). */
    PkceContext(ClientConfiguration config, Clock clock, HttpClient http, boolean distributable) {
        this(ApplicationConfiguration.of(config), clock, http, distributable);
    }

    private PkceContext(ApplicationConfiguration config, Clock clock, HttpClient http, boolean distributable) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jsonb = JsonbBuilder.create();
        SecureRandom random = new SecureRandom();
        this.signIn = new PkceClient(Optional.empty(), config.signIn(), clock,
                http != null ? http : httpClient(config.signIn()), random, jsonb, distributable);
        Map<String, PkceClient> named = new LinkedHashMap<>();
        config.further().forEach((name, client) -> named.put(name, new PkceClient(Optional.of(name), client, clock,
                http != null ? http : httpClient(client), random, jsonb, distributable)));
        this.further = Collections.unmodifiableMap(named);
        List<PkceClient> clients = new ArrayList<>(List.of(signIn));
        clients.addAll(named.values());
        this.all = List.copyOf(clients);
        Set<String> paths = new HashSet<>();
        paths.add(config.signIn().paths().logoutPath());
        all.forEach(client -> paths.add(client.config().paths().callbackPath()));
        if (!named.isEmpty()) {
            paths.add(CONNECT_PATH);
            paths.add(DISCONNECT_PATH);
        }
        this.ownPaths = Set.copyOf(paths);
        this.logoutHandler = new LogoutHandler(signIn, all);
        this.connections = new Connections(this);
    }

    private static HttpClient httpClient(ClientConfiguration config) {
        return HttpClient.newBuilder()
                .connectTimeout(config.timeouts().httpTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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

    /** @return the default client's configuration */
    public ClientConfiguration config() {
        return signIn.config();
    }

    public Clock clock() {
        return clock;
    }

    /** @return the default client's endpoints */
    public Endpoints endpoints() {
        return signIn.endpoints();
    }

    /** @return the default client's session store */
    SessionStore store() {
        return signIn.store();
    }

    /** @return the JSON-B instance of this application's pkce-filter */
    public Jsonb jsonb() {
        return jsonb;
    }

    /** @return the origins the default client's access token may be sent to ({@code pkce.api-origins}) */
    public ApiOrigins apiOrigins() {
        return signIn.apiOrigins();
    }

    /** @return the default client, which users sign in with */
    public PkceClient signIn() {
        return signIn;
    }

    /** @return the further client of that name, if {@code pkce.clients} lists it */
    public Optional<PkceClient> further(String name) {
        return Optional.ofNullable(further.get(name));
    }

    /** @return the further clients' names, in the order {@code pkce.clients} lists them */
    public List<String> furtherNames() {
        return List.copyOf(further.keySet());
    }

    /** @return every client, the default one first */
    List<PkceClient> clients() {
        return all;
    }

    /** @return whether a servlet path is one of pkce-filter's own endpoints (callbacks, logout, connections) */
    boolean isOwnEndpoint(String servletPath) {
        return ownPaths.contains(servletPath);
    }

    /** @return the default client's refresher */
    dev.pkcefilter.impl.refresh.TokenRefresher refresher() {
        return signIn.refresher();
    }

    /** @return step 1 of the default client's code flow: the login start */
    LoginStarter loginStarter() {
        return signIn.loginStarter();
    }

    /** @return step 2 of the default client's code flow: the callback */
    CallbackHandler callbackHandler() {
        return signIn.callbackHandler();
    }

    /** @return the logout endpoint's logic */
    LogoutHandler logoutHandler() {
        return logoutHandler;
    }

    /** @return the connect and disconnect endpoints' logic */
    Connections connections() {
        return connections;
    }

    /** Forgets what the refreshers remember of a session that ended (a logout, a timeout). */
    void forget(String sessionId) {
        all.forEach(client -> client.refresher().forget(sessionId));
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
