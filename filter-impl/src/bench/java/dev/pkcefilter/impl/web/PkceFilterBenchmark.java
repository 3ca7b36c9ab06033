package dev.pkcefilter.impl.web;

import dev.pkcefilter.impl.testing.TestIssuer;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.PendingLogin;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;

/**
 * pkce-filter's own CPU time and allocation per request, in one thread, with servlet stand-ins that cost next to
 * nothing ({@link BenchHttp}) and a token endpoint that answers at once ({@link InstantTokenEndpoint}):
 * <ul>
 *   <li>{@link #loggedIn}: a signed-in request with a fresh token, through {@link PkceFilter} to the chain;</li>
 *   <li>{@link #loggedInWithPublicPaths}: the same with {@code pkce.public-paths} set, which is checked first;</li>
 *   <li>{@link #startLogin}: a page navigation without a session: new state and verifier, pending login stored,
 *       302 to the authorization endpoint;</li>
 *   <li>{@link #loggedInVerifiedUser}: a signed-in request of a user whose ID token was verified: the same, and the
 *       request wrapper that gives the container's {@code getUserPrincipal()} and {@code isUserInRole};</li>
 *   <li>{@link #callback}: the callback with code and state: pending login taken, token request built and sent,
 *       a Keycloak-sized token response read, its RS256 ID token verified (keys already fetched), session id
 *       changed, tokens stored, 302 back;</li>
 *   <li>{@link #verifyIdToken}: the ID token's checks alone, the part of {@link #callback} that identity adds.</li>
 * </ul>
 * Run with {@code mvn -Pbench -DskipTests verify} (with {@code -prof gc} for bytes per operation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Thread)
public class PkceFilterBenchmark {

    private static final String SCOPE = "openid profile email";
    private static final URI ISSUER = URI.create("http://localhost:8180/realms/shop");
    private static final String STATE_VALUE = "callback-state-0123456789-0123456789-0123456789";

    private PkceContext context;
    private PkceFilter filter;
    private PkceFilter filterWithPublicPaths;
    private CallbackHandler callbackHandler;
    private final FilterChain chain = (request, response) -> { };

    private final BenchHttp.Request loggedInRequest = new BenchHttp.Request();
    private final BenchHttp.Request verifiedUserRequest = new BenchHttp.Request();
    private dev.pkcefilter.impl.identity.IdTokenValidator validator;
    private TokenResponse tokenResponse;
    private dev.pkcefilter.impl.protocol.ProviderMetadata metadata;
    private final BenchHttp.Response loggedInResponse = new BenchHttp.Response();
    private final BenchHttp.Request newVisitor = new BenchHttp.Request();
    private final BenchHttp.Response newVisitorResponse = new BenchHttp.Response();
    private final BenchHttp.Request callbackRequest = new BenchHttp.Request();
    private final BenchHttp.Response callbackResponse = new BenchHttp.Response();
    private final Map<String, Object> pendingLoginAttributes = new java.util.HashMap<>();

    @Setup
    public void setUp() throws ServletException {
        RecordingCdi.installWithoutObservers();
        String tokenJson = keycloakSizedTokenResponse();
        String jwks = TestIssuer.SHARED.jwks();
        context = context(List.of(), new InstantTokenEndpoint(tokenJson, jwks));
        filter = FakeHttp.initializedFilter(context);
        filterWithPublicPaths = FakeHttp.initializedFilter(context(List.of("/public/*", "*.css", "/health"),
                new InstantTokenEndpoint(tokenJson, jwks)));
        callbackHandler = context.callbackHandler();

        TokenSet tokens = TokenSet.from(TokenResponse.parse(context.jsonb(),
                tokenJson.replace("\"expires_in\":300", "\"expires_in\":86400"), Instant.now()), SCOPE);
        loggedInRequest.session = new BenchHttp.Session("signed-in");
        context.store().storeTokens(loggedInRequest.session, tokens);
        loggedInRequest.headers.put("Accept", "text/html");
        verifiedUserRequest.session = new BenchHttp.Session("verified");
        context.store().storeTokens(verifiedUserRequest.session, TokenSet.from(TokenResponse.parse(context.jsonb(),
                tokenJson.replace("\"expires_in\":300", "\"expires_in\":86400"), Instant.now()), SCOPE, Instant.now(),
                new dev.pkcefilter.impl.session.VerifiedUser("f5e2d6a8-3c1b-4e9f-9a7d-2b8c4d6e1f03",
                        "alice", List.of("admin", "offline_access", "default-roles-shop"))));
        verifiedUserRequest.headers.put("Accept", "text/html");

        validator = new dev.pkcefilter.impl.identity.IdTokenValidator(new dev.pkcefilter.impl.identity.IssuerKeys(
                new dev.pkcefilter.impl.protocol.BoundedHttp(new InstantTokenEndpoint(tokenJson, jwks),
                        java.time.Duration.ofSeconds(10)), Clock.systemUTC()), "shop", java.util.Optional.empty(),
                context.config().identity(), Clock.systemUTC());
        tokenResponse = TokenResponse.parse(context.jsonb(), tokenJson, Instant.now());
        metadata = context.endpoints().get();
        try {
            validator.atLogin(tokenResponse, metadata, java.util.Optional.empty()); // fetches the keys once
        } catch (dev.pkcefilter.impl.identity.IdTokenException e) {
            throw new IllegalStateException(e);
        }

        newVisitor.createsSession = true;
        newVisitor.headers.put("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        newVisitor.queryString = "page=2";

        callbackRequest.servletPath = "/oauth/callback";
        callbackRequest.pathInfo = null;
        callbackRequest.requestURI = "/shop/oauth/callback";
        callbackRequest.parameters.put("state", new String[] {STATE_VALUE});
        callbackRequest.parameters.put("code", new String[] {"a1b2c3d4-e5f6-4711-8000-0123456789ab.session.client"});
        BenchHttp.Session pending = new BenchHttp.Session("pending");
        Instant now = context.clock().instant();
        context.store().addPendingLogin(pending, new PendingLogin(new State(STATE_VALUE),
                CodeVerifier.generate(new java.security.SecureRandom()), URI.create("http://localhost:8080/shop/oauth/callback"),
                "/shop/app/orders", now), now);
        pendingLoginAttributes.putAll(pending.attributes);
    }

    @Benchmark
    public Object loggedIn() throws IOException, ServletException {
        filter.doFilter(loggedInRequest, loggedInResponse, chain);
        return loggedInRequest.getAttribute(PkceFilter.TOKENS_ATTRIBUTE);
    }

    @Benchmark
    public Object loggedInWithPublicPaths() throws IOException, ServletException {
        filterWithPublicPaths.doFilter(loggedInRequest, loggedInResponse, chain);
        return loggedInRequest.getAttribute(PkceFilter.TOKENS_ATTRIBUTE);
    }

    @Benchmark
    public Object loggedInVerifiedUser() throws IOException, ServletException {
        filter.doFilter(verifiedUserRequest, loggedInResponse, chain);
        return verifiedUserRequest.getAttribute(PkceFilter.TOKENS_ATTRIBUTE);
    }

    @Benchmark
    public Object verifyIdToken() throws dev.pkcefilter.impl.identity.IdTokenException {
        return validator.atLogin(tokenResponse, metadata, java.util.Optional.empty());
    }

    @Benchmark
    public String startLogin() throws IOException, ServletException {
        newVisitor.session = null;
        filter.doFilter(newVisitor, newVisitorResponse, chain);
        return newVisitorResponse.location();
    }

    @Benchmark
    public String callback() throws IOException {
        // a fresh session holding the one pending login the callback's state names (a few hundred bytes of it)
        BenchHttp.Session session = new BenchHttp.Session("pending");
        session.attributes.putAll(pendingLoginAttributes);
        callbackRequest.session = session;
        callbackHandler.handle(callbackRequest, callbackResponse);
        return callbackResponse.location();
    }

    private static PkceContext context(List<String> publicPaths, InstantTokenEndpoint tokenEndpoint) {
        URI server = URI.create("http://localhost:8180/realms/shop/protocol/openid-connect/");
        return new PkceContext(ClientConfiguration.builder().issuer(ISSUER)
                .authorizationEndpoint(server.resolve("auth")).tokenEndpoint(server.resolve("token"))
                .jwksUri(java.util.Optional.of(server.resolve("certs/jwks")))
                .clientId("shop").scope(SCOPE).publicPaths(publicPaths).build(), Clock.systemUTC(), tokenEndpoint,
                false);
    }

    /**
     * A token response the size of Keycloak's for a user with {@code openid profile email}: RS256 access and ID
     * tokens of about 1.4 and 1.2 KB, an HS512 refresh token of about 0.7 KB (random content, real lengths); the ID
     * token is a real one, signed RS256 by {@link TestIssuer#SHARED} with Keycloak's claims, valid for a day.
     */
    static String keycloakSizedTokenResponse() {
        SecureRandom random = new SecureRandom();
        Instant now = Instant.now();
        String idToken = TestIssuer.SHARED.sign(new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(ISSUER.toString())
                .audience("shop").subject("f5e2d6a8-3c1b-4e9f-9a7d-2b8c4d6e1f03")
                .issueTime(java.util.Date.from(now)).expirationTime(java.util.Date.from(now.plusSeconds(86_400)))
                .claim("azp", "shop").claim("typ", "ID").claim("auth_time", now.getEpochSecond())
                .claim("session_state", java.util.UUID.randomUUID().toString()).claim("acr", "1")
                .claim("email_verified", true).claim("name", "Alice Liddell").claim("preferred_username", "alice")
                .claim("given_name", "Alice").claim("family_name", "Liddell").claim("email", "alice@example.org")
                .build());
        return "{\"access_token\":\"" + jwt(random, 1050) + "\",\"expires_in\":300,\"refresh_expires_in\":1800,"
                + "\"refresh_token\":\"" + jwt(random, 420) + "\",\"token_type\":\"Bearer\",\"id_token\":\""
                + idToken + "\",\"not-before-policy\":0,\"session_state\":\"" + java.util.UUID.randomUUID()
                + "\",\"scope\":\"" + SCOPE + "\"}";
    }

    private static String jwt(SecureRandom random, int payloadChars) {
        return segment(random, 70) + "." + segment(random, payloadChars) + "." + segment(random, 342);
    }

    private static String segment(SecureRandom random, int chars) {
        byte[] bytes = new byte[chars * 3 / 4 + 3];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).substring(0, chars);
    }
}
