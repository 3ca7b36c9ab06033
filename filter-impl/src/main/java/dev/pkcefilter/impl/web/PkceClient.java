package dev.pkcefilter.impl.web;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.events.ApiOrigins;
import dev.pkcefilter.impl.events.PkceEvents;
import dev.pkcefilter.impl.identity.IdTokenValidator;
import dev.pkcefilter.impl.identity.IssuerKeys;
import dev.pkcefilter.impl.identity.LoginIdentity;
import dev.pkcefilter.impl.identity.UserinfoClient;
import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.ClientAuthentication;
import dev.pkcefilter.impl.protocol.Discovery;
import dev.pkcefilter.impl.protocol.DpopProofs;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.PushedAuthorizationRequestClient;
import dev.pkcefilter.impl.protocol.RevocationClient;
import dev.pkcefilter.impl.protocol.RevocationRequest;
import dev.pkcefilter.impl.protocol.RevocationRequest.TokenTypeHint;
import dev.pkcefilter.impl.protocol.TokenEndpointClient;
import dev.pkcefilter.impl.refresh.RefreshDecision;
import dev.pkcefilter.impl.refresh.RefreshExchange;
import dev.pkcefilter.impl.refresh.TokenRefresher;
import dev.pkcefilter.impl.session.SessionStore;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * One client of the application at its authorization server: the default client users sign in with, or a further
 * one of {@code pkce.clients} (an API vendor's server) that a signed-in user connects. Each has its own endpoints,
 * HTTP client, session attributes, single-flight refresher, login start and callback, so that nothing of one
 * client's login, tokens or failures reaches another's.
 */
public final class PkceClient {

    private static final System.Logger LOG = System.getLogger(PkceClient.class.getName());

    private final Optional<String> name;
    private final ClientConfiguration config;
    private final Clock clock;
    private final Endpoints endpoints;
    private final RevocationClient revocationClient;
    private final SessionStore store;
    private final ApiOrigins apiOrigins;
    private final PkceEvents events;
    private final TokenRefresher refresher;
    private final LoginStarter loginStarter;
    private final CallbackHandler callbackHandler;
    private final String requestAttribute;
    private final long refreshSkewMillis;
    /** This client's DPoP proofs and the nonces its servers gave (RFC 9449 §8, §9). */
    private final DpopProofs dpop;

    /**
     * @param name a further client's name, or empty for the default client
     * @param http the HTTP client towards its authorization server
     * @param distributable whether the application is {@code <distributable/>} ({@link Distributable})
     */
    PkceClient(Optional<String> name, ClientConfiguration config, Clock clock, HttpClient http, SecureRandom random,
               Jsonb jsonb, boolean distributable) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        String client = name.orElse(null);
        ClientConfiguration.Client registered = config.client();
        BoundedHttp bounded = new BoundedHttp(http, config.timeouts().httpTimeout());
        this.endpoints = new Endpoints(config.server(),
                new Discovery(bounded, jsonb, config.server().allowInsecureHttp()), clock);
        this.dpop = new DpopProofs(clock, jsonb);
        TokenEndpointClient tokenClient = new TokenEndpointClient(bounded, jsonb, registered.tokenRequestFormat(),
                clock, registered.acceptedTokenTypes(), dpop, registered.dpopAcceptBearer());
        this.revocationClient = new RevocationClient(bounded, jsonb, dpop);
        this.store = new SessionStore(config.timeouts().loginTimeout(), client);
        this.apiOrigins = new ApiOrigins(registered.apiOrigins(), config.server().issuer(),
                () -> endpoints.get().userinfoEndpoint(), client);
        this.events = new PkceEvents(jsonb, apiOrigins, name, dpop);
        IdTokenValidator validator = new IdTokenValidator(new IssuerKeys(bounded, clock), registered.id(),
                registered.secret(), config.identity(), clock);
        this.refresher = new TokenRefresher(new RefreshExchange(endpoints::get, tokenClient, validator,
                registered.authentication(), registered.audience(), clock), store, events, clock,
                config.timeouts().refreshSkew(), config.timeouts().httpTimeout(), distributable);
        this.loginStarter = new LoginStarter(name, config, endpoints, store, random, clock,
                new PushedAuthorizationRequestClient(bounded, jsonb, dpop), events);
        this.callbackHandler = new CallbackHandler(name, config, endpoints, store, tokenClient,
                new LoginIdentity(validator, new UserinfoClient(bounded, jsonb, dpop), config),
                new SignInSession(store, jsonb), events, clock);
        this.requestAttribute = client == null ? PkceFilter.TOKENS_ATTRIBUTE : PkceFilter.TOKENS_ATTRIBUTE + "." + client;
        this.refreshSkewMillis = config.timeouts().refreshSkew().toMillis();
    }

    /** @return the further client's name, or empty for the default client */
    public Optional<String> name() {
        return name;
    }

    public ClientConfiguration config() {
        return config;
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    SessionStore store() {
        return store;
    }

    /** @return this client's DPoP proofs and nonces (RFC 9449) */
    public DpopProofs dpop() {
        return dpop;
    }

    /** @return the origins this client's access token may be sent to ({@code pkce.api-origins}) */
    public ApiOrigins apiOrigins() {
        return apiOrigins;
    }

    PkceEvents events() {
        return events;
    }

    /** @return this client's one refresher: one refresh per session, whichever request asks */
    TokenRefresher refresher() {
        return refresher;
    }

    LoginStarter loginStarter() {
        return loginStarter;
    }

    CallbackHandler callbackHandler() {
        return callbackHandler;
    }

    /** @return the request attribute that holds this client's {@link TokenSet} on a request that passed its filter */
    String requestAttribute() {
        return requestAttribute;
    }

    /**
     * This client's tokens for a request, as application code asks for them outside its protected paths: the ones
     * its filter put on the request, else the session's, refreshed first when they come due (single flight with
     * every other request of the session). Kept on the request, so that one request reads them once.
     *
     * @return valid tokens, or {@code null} when the client is not connected, its grant ended, or it cannot be
     *         renewed and has expired
     */
    public TokenSet currentTokens(HttpServletRequest request) {
        if (request.getAttribute(requestAttribute) instanceof TokenSet known) {
            return known;
        }
        HttpSession session = request.getSession(false);
        TokenSet tokens = session == null ? null : store.tokensOrNull(session);
        if (tokens == null) {
            return null;
        }
        long now = clock.millis();
        TokenSet usable;
        if (tokens.isFreshAt(now, refreshSkewMillis)) {
            usable = tokens;
        } else if (tokens.refreshToken().isPresent()) {
            RefreshDecision decision = refresher.decide(session, tokens, false);
            usable = decision instanceof RefreshDecision.Pass pass ? pass.tokens() : null;
        } else {
            usable = tokens.isValidAt(now) ? tokens : null;
        }
        if (usable != null) {
            request.setAttribute(requestAttribute, usable);
        }
        return usable;
    }

    /**
     * Revokes the refresh token, then the access token (RFC 7009 §2.1: the refresh token first, which at most
     * servers also ends the grant's access tokens), best effort: a server that cannot be reached is logged.
     * DPoP-bound tokens go with a proof of their key each (RFC 9449 §5); a server that binds only the access token
     * (Keycloak, for a confidential client's refresh token) may refuse the first, and the access token is revoked
     * all the same.
     *
     * @param tokens tokens of this client
     */
    void revoke(TokenSet tokens) {
        Optional<URI> endpoint = knownEndpoints().flatMap(ProviderMetadata::revocationEndpoint);
        if (endpoint.isEmpty()) {
            return;
        }
        ClientAuthentication client = config.client().authentication();
        RevocationClient.Result result = RevocationClient.Result.REVOKED;
        if (tokens.refreshToken().isPresent()) {
            result = revocationClient.revoke(new RevocationRequest(endpoint.get(), tokens.refreshToken().get(),
                    TokenTypeHint.REFRESH_TOKEN, client, tokens.dpopKey()));
        }
        if (result == RevocationClient.Result.UNREACHABLE) {
            return; // one timeout is enough to wait for at logout; the warning is logged
        }
        revocationClient.revoke(new RevocationRequest(endpoint.get(), tokens.accessToken(),
                TokenTypeHint.ACCESS_TOKEN, client, tokens.dpopKey())); // RFC 9449 §5: with a proof of the key
    }

    /** @return the endpoints, discovered now if need be; empty (logged) when the server cannot be reached */
    Optional<ProviderMetadata> knownEndpoints() {
        try {
            return Optional.of(endpoints.get());
        } catch (Discovery.DiscoveryException e) {
            LOG.log(Level.WARNING, e.getMessage() + " Its tokens are dropped here without revoking them.");
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "PkceClient[" + name.orElse("default") + ", " + config.client().id() + "]";
    }
}
