package dev.pkcefilter.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An in-process authorization server for fault injection and for asserting exactly what the client sent: the
 * JDK's HTTP server on 127.0.0.1. It approves every authorization request at once (no login page), issues codes
 * bound to the request's challenge and redirect URI, and answers the token endpoint as {@link #answerTokenRequests} says.
 * It revokes tokens (RFC 7009, {@code /revoke}, failing with {@link #revocationStatus} when told) and ends
 * sessions ({@code /end-session}, redirecting to {@code post_logout_redirect_uri}). Every request it receives is
 * recorded, and every secret it issued or received is remembered ({@link #secrets()}). An authorization request
 * with {@code login_hint} signs in the user it names, as if that person had typed their name at a login page.
 *
 * <p>It can stand for an API vendor's server with quirks: one that requires an Auth0-style {@code audience} on every
 * token request ({@link #requireAudience}), that gives the lifetime under another name ({@link #lifetimeMember}, e.g.
 * {@code expiry}), that sends {@code iss} with its authorization responses (RFC 9207, {@link #sendIssInAuthorizationResponse});
 * {@link Recorded#clientAuthentication()} tells how a request authenticated the client. Several fakes run at once in
 * one JVM, each on its own port with its own state (it has no static mutable state).
 *
 * <p>It is an OpenID provider whose ID tokens validate (OpenID Connect Core 1.0 §2, §3.1.3.7): signed RS256 with an
 * RSA key it generates at start and publishes at {@code jwks_uri} ({@code /jwks}, RFC 7517 §5), with {@code iss},
 * {@code sub}, {@code aud} and {@code azp} (the client of the authorization request), {@code exp}, {@code iat},
 * {@code auth_time}, {@code nonce} (the authorization request's, at login only: §12.2), {@code at_hash} (§3.1.3.6),
 * {@code preferred_username} and, for users given roles ({@link #grantRoles}), Keycloak's
 * {@code realm_access.roles}. {@link #forgeIdTokens} makes it issue each kind of bad ID token instead,
 * {@link #rotateKeys()} changes its signing key, and {@link #answerJwksWith} takes its key set down.
 *
 * <p>It takes pushed authorization requests (RFC 9126) at {@code /par}, published in its discovery document as
 * {@code pushed_authorization_request_endpoint}: it checks the client's authentication as {@code /token} does and
 * answers 201 with a {@code request_uri} that {@code /authorize} takes once, within {@link #parRequestsExpireIn}
 * seconds, using the pushed parameters as if they had been in the URL (§4). With {@link #requirePar} its metadata says
 * {@code require_pushed_authorization_requests} and {@code /authorize} refuses a request without a
 * {@code request_uri} (as Keycloak's FAPI 2.0 policies do: an {@code invalid_request} error to the redirect URI).
 * {@link #answerParWith} and {@link #parTakes} make the PAR endpoint fail or slow.
 *
 * <p>It does DPoP (RFC 9449) as an authorization server and as a resource server ({@code /userinfo}, and
 * {@code /api/...}, an API that answers who called it). A {@code DPoP} proof is checked wherever one is sent, and
 * wherever a DPoP-bound token needs one ({@link DpopVerifier}: typ, alg, public jwk, signature, htm, htu, iat,
 * replayed jti, ath, key). At PAR it binds the code to the proof's key (§10; as a {@code dpop_jkt} parameter does);
 * at the token endpoint it issues {@code token_type: DPoP} tokens bound to the proof's key ({@link #confirmation}),
 * a public client's refresh tokens bound too (§5), unless {@link #answerBearerToDpop}. A bad proof is answered 400
 * {@code invalid_dpop_proof} at PAR, token and revocation, and 401 {@code WWW-Authenticate: DPoP
 * error="invalid_dpop_proof"} at a resource ({@code error="invalid_token"} for a bad or wrongly presented token),
 * each recorded in {@link #dpopRefusals()}. {@link #requireDpop} needs a proof on every grant,
 * {@link #requireDpopNonce()} the nonce dance (§8, §9), and {@link Recorded#dpopProof()} reads what the client sent.
 */
public final class FakeAuthorizationServer implements AutoCloseable {

    /** How the token endpoint answers. */
    public enum TokenMode {
        /** Checks the code, verifier, redirect URI and client authentication, then issues tokens. */
        NORMAL,
        /** 400 with {@code {"error":"invalid_grant"}}. */
        INVALID_GRANT,
        /** 500 with an HTML body. */
        SERVER_ERROR_HTML,
        /** 200 with a body that is not JSON. */
        NOT_JSON,
        /** 200 JSON without {@code access_token}. */
        NO_ACCESS_TOKEN,
        /** Answers after {@link FakeAuthorizationServer#slowAnswersTake}. */
        SLOW,
        /** 200 with {@link FakeAuthorizationServer#customTokenBody} as it is, of type {@link FakeAuthorizationServer#customTokenContentType}. */
        CUSTOM
    }

    /**
     * A bad ID token the fake issues instead of the right one ({@link #forgeIdTokens}); each breaks one rule of
     * OpenID Connect Core 1.0 §3.1.3.7 (or RFC 8725 §2.1 and §3.1) and is otherwise right.
     */
    public enum Forgery {
        /** The right ID token. */
        NONE,
        /** A right token with one byte of its RS256 signature flipped. */
        BAD_SIGNATURE,
        /** The right claims unsigned: header {@code {"alg":"none"}} and an empty signature (RFC 7519 §6). */
        ALG_NONE,
        /**
         * Algorithm confusion (RFC 8725 §2.1): an HS256 MAC whose key is the public key's encoded bytes (X.509
         * SubjectPublicKeyInfo, DER), with the {@code kid} of the real key.
         */
        HS256_WITH_PUBLIC_KEY,
        /** Signed RS256 by another key, whose {@code kid} the key set never lists. */
        UNKNOWN_KID,
        /** {@code iss} names another issuer. */
        WRONG_ISS,
        /** {@code aud} (and {@code azp}) name another client, {@link FakeAuthorizationServer#OTHER_CLIENT}. */
        WRONG_AUD,
        /** {@code exp} 10 minutes ago, {@code iat} 20 minutes ago. */
        EXPIRED,
        /** {@code iat} 10 minutes ahead, {@code exp} its lifetime after that. */
        IAT_IN_FUTURE,
        /** No {@code nonce}, although the authorization request had one. */
        NO_NONCE,
        /** A {@code nonce} of its own, not the authorization request's. */
        WRONG_NONCE,
        /** An {@code at_hash} of another access token. */
        WRONG_AT_HASH,
        /**
         * On refresh responses only (at login the ID token is right): a properly signed ID token of another
         * {@code sub}, {@link FakeAuthorizationServer#OTHER_SUBJECT} (§12.2 requires the same).
         */
        REFRESH_OTHER_SUB
    }

    /** The client that {@link Forgery#WRONG_AUD} tokens are issued to. */
    public static final String OTHER_CLIENT = "another-client";
    /** The issuer of {@link Forgery#WRONG_ISS} tokens. */
    public static final String OTHER_ISSUER = "https://attacker.example";
    /** The {@code sub} of {@link Forgery#REFRESH_OTHER_SUB} tokens. */
    public static final String OTHER_SUBJECT = "someone-else";

    /** A request as received. */
    public record Recorded(String method, String path, String query, Headers headers, String body) {
        /** @return the form body's parameters, decoded (first value of each) */
        public Map<String, String> form() {
            return parseQuery(body);
        }

        public Map<String, String> queryParameters() {
            return parseQuery(query);
        }

        public String header(String name) {
            return headers.getFirst(name);
        }

        /** @return every {@code DPoP} header of the request (RFC 9449 §4.1: a client sends at most one) */
        public List<String> dpopHeaders() {
            List<String> values = headers.get("DPoP");
            return values == null ? List.of() : List.copyOf(values);
        }

        /**
         * @return the request's DPoP proof (RFC 9449 §4.2), read but not checked; empty without a {@code DPoP}
         *     header or when it is not a JWS
         */
        public java.util.Optional<DpopProof> dpopProof() {
            String value = header("DPoP");
            if (value == null) {
                return java.util.Optional.empty();
            }
            try {
                return java.util.Optional.of(DpopProof.parse(value));
            } catch (java.text.ParseException | RuntimeException e) {
                return java.util.Optional.empty();
            }
        }

        /** @return a token request's parameters, from its form or, with {@code Content-Type: application/json}, its JSON body */
        public Map<String, String> parameters() {
            String type = header("Content-Type");
            return type != null && type.startsWith("application/json") ? json(body) : form();
        }

        /**
         * @return how this token (or revocation) request authenticated the client (RFC 6749 §2.3.1):
         *     {@code client_secret_basic} (an {@code Authorization: Basic} header), {@code client_secret_post}
         *     ({@code client_secret} among the parameters), {@code private_key_jwt} or {@code client_secret_jwt}
         *     (a {@code client_assertion}, RFC 7523 §2.2, by its algorithm), or {@code none}
         */
        public String clientAuthentication() {
            String authorization = header("Authorization");
            if (authorization != null && authorization.startsWith("Basic ")) {
                return "client_secret_basic";
            }
            String assertion = parameters().get("client_assertion");
            if (assertion != null) {
                try {
                    return SignedJWT.parse(assertion).getHeader().getAlgorithm().getName().startsWith("HS")
                            ? "client_secret_jwt" : "private_key_jwt";
                } catch (java.text.ParseException e) {
                    return "a client_assertion that is not a JWS";
                }
            }
            return parameters().containsKey("client_secret") ? "client_secret_post" : "none";
        }
    }

    /** A revocation request as received: the token, its hint, and whether the token was live until then. */
    public record Revocation(String token, String hint, boolean wasLive, String clientId) {
    }

    /** A pushed request: its parameters, for whom, until when. */
    private record PushedRequest(Map<String, String> parameters, String clientId, Instant expiresAt) {
    }

    /** A code, with the thumbprint it is bound to ({@code dpop_jkt}, RFC 9449 §10) or {@code null}. */
    private record IssuedCode(String clientId, String redirectUri, String challenge, String nonce, Grant grant,
            String dpopJkt) {
    }

    /**
     * A DPoP proof the fake refused, or the nonce it asked for.
     *
     * @param path the endpoint
     * @param error {@code invalid_dpop_proof}, {@code use_dpop_nonce} or, at a resource, {@code invalid_token}
     * @param reason what was wrong, e.g. {@code jti already used}
     */
    public record DpopRefusal(String path, String error, String reason) {
    }

    /** Who signed in, to which client, and when: kept with a code and with each refresh token issued from it. */
    private record Grant(String user, String clientId, Instant authTime) {
    }

    private HttpServer server;
    private final int port;
    private final String base;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final Map<String, IssuedCode> codes = new ConcurrentHashMap<>();
    private final Map<String, String> accessTokens = new ConcurrentHashMap<>();
    /** Every code, access, refresh and ID token issued and every code_verifier received, for leak checks. */
    private final java.util.Set<String> secrets = ConcurrentHashMap.newKeySet();

    private volatile TokenMode tokenMode = TokenMode.NORMAL;
    private volatile long slowMillis = 3000;
    /** The body of {@link TokenMode#CUSTOM} answers. */
    private volatile String tokenBody = "";
    private volatile String tokenContentType = "application/json";
    /** The {@code token_type} of the tokens it issues. */
    private volatile String tokenType = "Bearer";
    /** The status of the discovery document; anything but 200 comes with an HTML body. */
    private volatile int discoveryStatus = 200;
    /** When set, the discovery document served instead of the right one. */
    private volatile String discoveryDocument;
    /** When set, the authorize endpoint answers {@code error=} with it instead of a code. */
    private volatile String authorizeError;
    private volatile String authorizeErrorDescription;
    /** The expected client secret; {@code null} for a public client. */
    private volatile String clientSecret;
    /** When set, the public key that client assertions ({@code private_key_jwt}) must verify with. */
    private volatile JWK clientKey;
    /** Whether client assertions MACed with {@link #clientSecret} ({@code client_secret_jwt}) are required. */
    private volatile boolean clientSecretJwt;
    /** Every {@code jti} of a client assertion accepted: one seen again is a replay (RFC 7523 §3 item 7). */
    private final java.util.Set<String> assertionIds = ConcurrentHashMap.newKeySet();
    /** When set, every client assertion is refused as a replay, as a server that already saw its jti would. */
    private volatile boolean refuseAssertionsAsReplayed;
    private final List<String> refusedAssertions = new CopyOnWriteArrayList<>();
    /** The user name the fake signs in. */
    private volatile String user = "fake-user";
    /** The {@code expires_in} of the access tokens it issues. */
    private volatile int expiresIn = 300;
    /** How long a refresh grant takes to answer, so that concurrent requests pile up behind it. */
    private volatile long refreshDelayMillis;
    /** Whether token responses carry a {@code refresh_token}. */
    private volatile boolean issueRefreshToken = true;
    /** When set, refresh grants are answered with this OAuth error (400). */
    private volatile String refreshError;
    /** The status of the revocation endpoint's answers; anything but 200 revokes nothing. */
    private volatile int revocationStatus = 200;
    private final List<Revocation> revocations = new CopyOnWriteArrayList<>();
    private volatile String lastIdToken;
    private volatile String lastAccessToken;
    /** JSON members the userinfo endpoint adds to {@code sub} and {@code preferred_username}. */
    private volatile String userinfoExtra = "";
    /** When set, the {@code sub} the userinfo endpoint answers instead of the user's. */
    private volatile String userinfoSubject;
    private volatile int userinfoStatus = 200;
    /** When set, every token request (code and refresh grants) must carry this {@code audience}. */
    private volatile String requiredAudience;
    /** The JSON member of token responses that holds the lifetime in seconds. */
    private volatile String lifetimeMember = "expires_in";
    /** Whether authorization responses carry {@code iss} (RFC 9207 §2). */
    private volatile boolean sendIss;
    /** Whether authorization requests must be pushed (RFC 9126 §5 {@code require_pushed_authorization_requests}). */
    private volatile boolean requirePar;
    /** The request_uri values issued and not yet used, each with its pushed request. */
    private final Map<String, PushedRequest> pushed = new ConcurrentHashMap<>();
    /** The lifetime of a request_uri, in seconds. */
    private volatile int parExpiresIn = 60;
    /** When set, the PAR endpoint answers this status with {@link #parBody} instead of a request_uri. */
    private volatile int parStatus;
    private volatile String parBody;
    /** How long the PAR endpoint takes to answer, in milliseconds. */
    private volatile long parDelayMillis;

    /** Checks DPoP proofs and remembers their {@code jti} (RFC 9449 §4.3, §11.1). */
    private final DpopVerifier dpop = new DpopVerifier();
    /** Whether every token request (code and refresh grants) must carry a DPoP proof. */
    private volatile boolean requireDpop;
    /** The nonce proofs must carry (RFC 9449 §8, §9), {@code null}: none asked for. */
    private volatile String dpopNonce;
    /** Whether every proof is answered {@code use_dpop_nonce} with a new nonce, as a server gone wrong would. */
    private volatile boolean refuseEveryDpopNonce;
    /** Whether tokens are issued as Bearer, unbound, although the request carried a proof. */
    private volatile boolean answerBearerToDpop;
    /** The thumbprint each DPoP-bound access token is bound to: what its {@code cnf.jkt} says (RFC 9449 §6). */
    private final Map<String, String> accessTokenJkt = new ConcurrentHashMap<>();
    /** The thumbprint each refresh token of a public client is bound to (RFC 9449 §5). */
    private final Map<String, String> refreshTokenJkt = new ConcurrentHashMap<>();
    private final List<DpopRefusal> dpopRefusals = new CopyOnWriteArrayList<>();

    /** Live refresh tokens; each is rotated on use (the old one is refused afterwards). */
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final AtomicInteger refreshGrants = new AtomicInteger();
    private final AtomicInteger refusedRefreshes = new AtomicInteger();

    /** The key that signs ID tokens. */
    private volatile RSAKey signingKey;
    /** The keys {@code /jwks} lists: the signing key and, after a rotation, the ones before it. */
    private final List<RSAKey> publishedKeys = new CopyOnWriteArrayList<>();
    /** The key of {@link Forgery#UNKNOWN_KID} tokens, never published; made when first needed. */
    private RSAKey strangerKey;
    private volatile Forgery forgery = Forgery.NONE;
    /** The status of {@code /jwks}; anything but 200 comes with an HTML body. */
    private volatile int jwksStatus = 200;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    /** The roles of each user, in {@code realm_access.roles}. */
    private final Map<String, List<String>> roles = new ConcurrentHashMap<>();

    /** A fake on a free port. */
    public FakeAuthorizationServer() throws IOException {
        this(0);
    }

    /** A fake on a fixed port, for configuration that must name it before the test starts. */
    public FakeAuthorizationServer(int fixedPort) throws IOException {
        signingKey = newKey();
        publishedKeys.add(signingKey);
        server = start(fixedPort);
        port = server.getAddress().getPort();
        base = "http://127.0.0.1:" + port;
    }

    private HttpServer start(int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 50);
        http.createContext("/.well-known/openid-configuration", this::discovery);
        http.createContext("/authorize", this::authorize);
        http.createContext("/token", this::token);
        http.createContext("/par", this::par);
        http.createContext("/userinfo", this::userinfo);
        http.createContext("/api", this::api);
        http.createContext("/revoke", this::revoke);
        http.createContext("/end-session", this::endSession);
        http.createContext("/jwks", this::jwks);
        http.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
        http.start();
        return http;
    }

    /** Stops listening: connections to the port are refused until {@link #resume()}. */
    public synchronized void pause() {
        stop(server);
    }

    /** Listens again on the same port. */
    public synchronized void resume() throws IOException {
        server = start(port);
    }

    /** How the token endpoint answers from now on (normal, slow, an error, a custom body). @return this server */
    public FakeAuthorizationServer answerTokenRequests(TokenMode tokenMode) {
        this.tokenMode = tokenMode;
        return this;
    }

    /** How long a {@link TokenMode#SLOW} answer takes, in milliseconds (default 3000). @return this server */
    public FakeAuthorizationServer slowAnswersTake(long slowMillis) {
        this.slowMillis = slowMillis;
        return this;
    }

    /** The body of {@link TokenMode#CUSTOM} answers. @return this server */
    public FakeAuthorizationServer customTokenBody(String tokenBody) {
        this.tokenBody = tokenBody;
        return this;
    }

    /** The content type of {@link TokenMode#CUSTOM} answers (default {@code application/json}). @return this server */
    public FakeAuthorizationServer customTokenContentType(String tokenContentType) {
        this.tokenContentType = tokenContentType;
        return this;
    }

    /** The {@code token_type} of the tokens it issues (default {@code Bearer}). @return this server */
    public FakeAuthorizationServer issueTokenType(String tokenType) {
        this.tokenType = tokenType;
        return this;
    }

    /** The status of the discovery document; anything but 200 comes with an HTML body. @return this server */
    public FakeAuthorizationServer answerDiscoveryWith(int discoveryStatus) {
        this.discoveryStatus = discoveryStatus;
        return this;
    }

    /** The discovery document served instead of the right one; {@code null}: the right one. @return this server */
    public FakeAuthorizationServer serveDiscoveryDocument(String discoveryDocument) {
        this.discoveryDocument = discoveryDocument;
        return this;
    }

    /** The authorize endpoint answers {@code error=} with this instead of a code; {@code null}: a code. @return this server */
    public FakeAuthorizationServer denyAuthorization(String authorizeError) {
        this.authorizeError = authorizeError;
        return this;
    }

    /** The {@code error_description} sent with {@link #denyAuthorization}. @return this server */
    public FakeAuthorizationServer authorizationErrorDescription(String authorizeErrorDescription) {
        this.authorizeErrorDescription = authorizeErrorDescription;
        return this;
    }

    /** The client secret it expects; {@code null} for a public client. @return this server */
    public FakeAuthorizationServer requireClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
        return this;
    }

    /**
     * Makes the token and revocation endpoints require {@code private_key_jwt} (RFC 7523 §2.2, §3; OpenID Connect
     * Core 1.0 §9) with this public key: a {@code client_assertion} of type {@code jwt-bearer}, signed by the key
     * (RS256, PS256 or ES256), {@code iss} and {@code sub} the client id (and {@code client_id}, when sent, too),
     * {@code aud} this server's issuer, {@code exp} in the future, {@code iat} not ahead, and a {@code jti} never
     * seen before. Anything else is refused with 401 {@code invalid_client} ({@link #refusedAssertions()}).
     * {@code null}: no assertion needed. Kept across {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer registerClientKey(JWK publicKey) {
        if (publicKey != null && publicKey.isPrivate()) {
            throw new IllegalArgumentException("register the public key only");
        }
        this.clientKey = publicKey;
        return this;
    }

    /**
     * Makes the token and revocation endpoints require {@code client_secret_jwt}: the checks of
     * {@link #registerClientKey}, with an HS256 MAC keyed by {@link #requireClientSecret the secret}. Kept across
     * {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer requireClientSecretJwt(boolean required) {
        this.clientSecretJwt = required;
        return this;
    }

    /**
     * Refuses every client assertion, right or not, with 401 {@code invalid_client} "jti already used", as a
     * server that saw its {@code jti} before would; until {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer refuseAssertionsAsReplayed(boolean refuse) {
        this.refuseAssertionsAsReplayed = refuse;
        return this;
    }

    /** @return why each refused client assertion was refused, in order, since the last {@link #reset()} */
    public List<String> refusedAssertions() {
        return List.copyOf(refusedAssertions);
    }

    /** The user name it signs in (default {@code fake-user}). @return this server */
    public FakeAuthorizationServer signInAs(String user) {
        this.user = user;
        return this;
    }

    /**
     * The lifetime of the access tokens it issues, in seconds (default 300), sent as {@link #lifetimeMember}.
     * @return this server
     */
    public FakeAuthorizationServer tokensExpireIn(int expiresIn) {
        this.expiresIn = expiresIn;
        return this;
    }

    /**
     * Token requests, code and refresh grants alike, without this {@code audience} (Auth0-style) are refused with
     * 400 {@code invalid_request}, and a refused refresh leaves the refresh token valid; {@code null}: none needed
     * (the default). Kept across {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer requireAudience(String audience) {
        this.requiredAudience = audience;
        return this;
    }

    /**
     * The JSON member of token responses that holds the lifetime in seconds, e.g. {@code expiry} as some vendors
     * send it; default {@code expires_in} (RFC 6749 §5.1). Only this member is sent. Kept across {@link #reset()}.
     * @return this server
     */
    public FakeAuthorizationServer lifetimeMember(String member) {
        this.lifetimeMember = java.util.Objects.requireNonNull(member, "member");
        return this;
    }

    /**
     * Whether authorization responses (codes and errors) carry {@code iss}, this server's issuer (RFC 9207 §2);
     * default no. Kept across {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer sendIssInAuthorizationResponse(boolean sendIss) {
        this.sendIss = sendIss;
        return this;
    }

    /**
     * Whether authorization requests must be pushed (RFC 9126 §5): the metadata says
     * {@code require_pushed_authorization_requests: true}, and {@code /authorize} refuses a request without a
     * {@code request_uri} with {@code error=invalid_request} to its redirect URI. Default no; kept across
     * {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer requirePar(boolean requirePar) {
        this.requirePar = requirePar;
        return this;
    }

    /**
     * The PAR endpoint answers this status and body (as JSON when it starts with <code>{</code>, else as HTML)
     * instead of a request_uri; status 0: a request_uri (the default). Reset by {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer answerParWith(int status, String body) {
        this.parStatus = status;
        this.parBody = body;
        return this;
    }

    /** How long the PAR endpoint takes to answer, in milliseconds (default 0). Reset by {@link #reset()}. @return this server */
    public FakeAuthorizationServer parTakes(long millis) {
        this.parDelayMillis = millis;
        return this;
    }

    /** The lifetime of the request_uri values it issues, in seconds (default 60). Reset by {@link #reset()}. @return this server */
    public FakeAuthorizationServer parRequestsExpireIn(int seconds) {
        this.parExpiresIn = seconds;
        return this;
    }

    /** How long a refresh grant takes to answer, in milliseconds, so that concurrent requests pile up behind it. @return this server */
    public FakeAuthorizationServer refreshesTake(long refreshDelayMillis) {
        this.refreshDelayMillis = refreshDelayMillis;
        return this;
    }

    /** Whether token responses carry a {@code refresh_token} (default yes). @return this server */
    public FakeAuthorizationServer issueRefreshTokens(boolean issueRefreshToken) {
        this.issueRefreshToken = issueRefreshToken;
        return this;
    }

    /** Refresh grants are answered with this OAuth error (400); {@code null}: granted. @return this server */
    public FakeAuthorizationServer refuseRefreshesWith(String refreshError) {
        this.refreshError = refreshError;
        return this;
    }

    /** The status of the revocation endpoint's answers; anything but 200 revokes nothing. @return this server */
    public FakeAuthorizationServer answerRevocationsWith(int revocationStatus) {
        this.revocationStatus = revocationStatus;
        return this;
    }

    /**
     * The ID tokens it issues from now on until {@link #reset()}: forged this way; {@code null} or
     * {@link Forgery#NONE}: the right ones. @return this server
     */
    public FakeAuthorizationServer forgeIdTokens(Forgery forgery) {
        this.forgery = forgery == null ? Forgery.NONE : forgery;
        return this;
    }

    /**
     * The roles of a user, put into its ID tokens as Keycloak does ({@code "realm_access":{"roles":[...]}}); no
     * roles: none, and no {@code realm_access} claim (the default). Kept across {@link #reset()}, like
     * {@link #signInAs}. @return this server
     */
    public FakeAuthorizationServer grantRoles(String user, String... roles) {
        if (roles.length == 0) {
            this.roles.remove(user);
        } else {
            this.roles.put(user, List.of(roles));
        }
        return this;
    }

    /**
     * A new signing key (a new {@code kid}) signs every ID token from now on; the key set lists it and keeps the
     * keys before it, as a provider does while tokens signed with them may still be in use ({@link #dropOldKeys()}).
     * @return this server
     */
    public FakeAuthorizationServer rotateKeys() {
        return rotateKeys(true);
    }

    /**
     * A new signing key (a new {@code kid}) signs every ID token from now on; the key set lists it, and the keys
     * before it only if {@code keepOldKeys}. @return this server
     */
    public synchronized FakeAuthorizationServer rotateKeys(boolean keepOldKeys) {
        RSAKey next = newKey();
        if (!keepOldKeys) {
            publishedKeys.clear();
        }
        publishedKeys.add(0, next);
        signingKey = next;
        return this;
    }

    /** The key set lists the signing key only, not the keys before a {@link #rotateKeys()}. @return this server */
    public synchronized FakeAuthorizationServer dropOldKeys() {
        publishedKeys.retainAll(List.of(signingKey));
        return this;
    }

    /** @return the {@code kid} of the key that signs ID tokens now */
    public String signingKeyId() {
        return signingKey.getKeyID();
    }

    /** The status of {@code /jwks} (default 200); anything but 200 comes with an HTML body. @return this server */
    public FakeAuthorizationServer answerJwksWith(int jwksStatus) {
        this.jwksStatus = jwksStatus;
        return this;
    }

    /**
     * @return how many requests {@code /jwks} received since this server started ({@link #reset()} does not count
     *     them anew; {@code requests("/jwks")} are those since the last reset)
     */
    public int jwksRequests() {
        return jwksRequests.get();
    }

    /** JSON members ({@code "email":"a@example.org","groups":["admin"]}) the userinfo endpoint adds. @return this server */
    public FakeAuthorizationServer userinfoAdds(String members) {
        this.userinfoExtra = members;
        return this;
    }

    /** The {@code sub} the userinfo endpoint answers instead of the user's; {@code null}: the user's. @return this server */
    public FakeAuthorizationServer userinfoNames(String subject) {
        this.userinfoSubject = subject;
        return this;
    }

    /** The status of the userinfo endpoint's answers; anything but 200 comes with an HTML body. @return this server */
    public FakeAuthorizationServer answerUserinfoWith(int status) {
        this.userinfoStatus = status;
        return this;
    }

    /**
     * Whether every token request, code and refresh grants alike, must carry a DPoP proof (RFC 9449 §5), as
     * Keycloak's {@code dpop.bound.access.tokens} client asks; refused without one with 400
     * {@code invalid_dpop_proof} "DPoP proof is missing". Default no: a proof is checked when one is sent. Kept
     * across {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer requireDpop(boolean required) {
        this.requireDpop = required;
        return this;
    }

    /**
     * Makes every DPoP proof carry the server's nonce (RFC 9449 §8, §9), a new one from now: a proof without it, or
     * with another, is answered 400 {@code use_dpop_nonce} with a {@code DPoP-Nonce} header at PAR, token and
     * revocation, and 401 {@code WWW-Authenticate: DPoP error="use_dpop_nonce"} with {@code DPoP-Nonce} at
     * userinfo and {@code /api}. One nonce serves every endpoint (one origin); every answer to a proof carries it.
     * Until {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer requireDpopNonce() {
        this.dpopNonce = "n-" + UUID.randomUUID();
        return this;
    }

    /** A new nonce replaces the current one (RFC 9449 §8.2), after {@link #requireDpopNonce()}. @return this server */
    public FakeAuthorizationServer rotateDpopNonce() {
        if (dpopNonce == null) {
            throw new IllegalStateException("requireDpopNonce() first");
        }
        return requireDpopNonce();
    }

    /** @return the nonce proofs must carry now, {@code null} when none is asked for */
    public String dpopNonce() {
        return dpopNonce;
    }

    /**
     * Every proof is refused for its nonce, each time with a new one, as a server whose nonces never last would:
     * a client must give up after one retry (RFC 9449 §8, §9). Until {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer refuseEveryDpopNonce() {
        requireDpopNonce();
        this.refuseEveryDpopNonce = true;
        return this;
    }

    /**
     * Tokens are issued as {@code token_type: Bearer} and bound to nothing although the request carried a valid
     * proof, as a server that does not do DPoP answers (RFC 9449 §5: the client must then see it is not DPoP).
     * Until {@link #reset()}. @return this server
     */
    public FakeAuthorizationServer answerBearerToDpop() {
        this.answerBearerToDpop = true;
        return this;
    }

    /**
     * @return the thumbprint an access token is bound to, what its {@code cnf.jkt} says (RFC 9449 §6.1; the tokens
     *     are opaque and the binding is the fake's, as an introspection response would give it, §6.2); empty for a
     *     Bearer token or one the fake never issued
     */
    public java.util.Optional<String> confirmation(String accessToken) {
        return java.util.Optional.ofNullable(accessTokenJkt.get(accessToken));
    }

    /** @return every DPoP proof refused (and nonce asked for), in order, since the last {@link #reset()} */
    public List<DpopRefusal> dpopRefusals() {
        return List.copyOf(dpopRefusals);
    }

    /** @return the issuer, {@code http://127.0.0.1:PORT} */
    public String issuer() {
        return base;
    }

    /** @return every request received so far */
    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** @return the requests received at a path */
    public List<Recorded> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /**
     * Restores the defaults of every fault: the right ID tokens, a key set that answers, the token endpoint
     * normal, tokens for 300 s. Its keys, users and roles, client secret, counts of {@link #jwksRequests()} and its
     * vendor quirks ({@link #requireAudience}, {@link #lifetimeMember}, {@link #sendIssInAuthorizationResponse}) stay.
     */
    public void reset() {
        forgery = Forgery.NONE;
        jwksStatus = 200;
        userinfoExtra = "";
        userinfoSubject = null;
        userinfoStatus = 200;
        requests.clear();
        refreshGrants.set(0);
        refusedRefreshes.set(0);
        expiresIn = 300;
        refreshDelayMillis = 0;
        refreshError = null;
        issueRefreshToken = true;
        tokenMode = TokenMode.NORMAL;
        authorizeError = null;
        authorizeErrorDescription = null;
        revocationStatus = 200;
        revocations.clear();
        tokenType = "Bearer";
        discoveryStatus = 200;
        discoveryDocument = null;
        refuseAssertionsAsReplayed = false;
        refusedAssertions.clear();
        parStatus = 0;
        parBody = null;
        parDelayMillis = 0;
        parExpiresIn = 60;
        dpopNonce = null;
        refuseEveryDpopNonce = false;
        answerBearerToDpop = false;
        dpopRefusals.clear();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        record(exchange, "");
        if (discoveryStatus != 200 || discoveryDocument != null) {
            send(exchange, discoveryStatus, discoveryStatus == 200 ? "application/json" : "text/html",
                    discoveryStatus == 200 ? discoveryDocument : "<html><body>No such document</body></html>");
            return;
        }
        send(exchange, 200, "application/json", """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                 "userinfo_endpoint":"%1$s/userinfo","code_challenge_methods_supported":["S256"],
                 "revocation_endpoint":"%1$s/revoke","end_session_endpoint":"%1$s/end-session",
                 "jwks_uri":"%1$s/jwks","response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"],
                 "pushed_authorization_request_endpoint":"%1$s/par",
                 "dpop_signing_alg_values_supported":[%3$s]%2$s}
                """.formatted(base, requirePar ? ",\"require_pushed_authorization_requests\":true" : "",
                        algorithms()));
    }

    /** The public keys (RFC 7517 §5), or an HTML error page when {@link #answerJwksWith} says so. */
    private void jwks(HttpExchange exchange) throws IOException {
        record(exchange, "");
        jwksRequests.incrementAndGet();
        int status = jwksStatus;
        if (status != 200) {
            send(exchange, status, "text/html", "<html><body>Service unavailable</body></html>");
            return;
        }
        send(exchange, 200, "application/json", new JWKSet(List.<JWK>copyOf(publishedKeys)).toString(true));
    }

    /**
     * The PAR endpoint (RFC 9126 §2): the client authenticated as at {@code /token}, the parameters those of a code
     * flow request with PKCE and no {@code request_uri} (§2.1), then 201 with a one-time {@code request_uri} (§2.2);
     * or the fault {@link #answerParWith} sets.
     */
    private void par(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Recorded request = record(exchange, body);
        sleep(parDelayMillis);
        if (parStatus != 0) {
            send(exchange, parStatus, parBody.startsWith("{") ? "application/json" : "text/html", parBody);
            return;
        }
        if (!"POST".equals(request.method())) {
            send(exchange, 405, "application/json", "{\"error\":\"invalid_request\"}");
            return;
        }
        Map<String, String> form = request.form();
        String clientId = basicClientId(request);
        if (clientId == null) {
            clientId = form.get("client_id");
        }
        if (clientId == null || !clientAuthenticated(request, form, clientId)) {
            send(exchange, 401, "application/json", "{\"error\":\"invalid_client\"}");
            return;
        }
        String jkt = proofAtAuthorizationServer(exchange, request, false, null, null); // RFC 9449 §10.1
        if (jkt == null) {
            return;
        }
        if (!jkt.isEmpty() && form.containsKey("dpop_jkt") && !jkt.equals(form.get("dpop_jkt"))) {
            refuseProof(exchange, request, 400, "invalid_dpop_proof", "dpop_jkt is not the proof's key");
            return;
        }
        String problem = form.containsKey("request_uri") ? "request_uri must not be pushed"
                : !clientId.equals(form.get("client_id")) ? "client_id differs from the authenticated client"
                : authorizationProblem(form);
        if (problem != null) {
            send(exchange, 400, "application/json",
                    "{\"error\":\"invalid_request\",\"error_description\":\"" + problem + "\"}");
            return;
        }
        String requestUri = "urn:ietf:params:oauth:request_uri:" + UUID.randomUUID();
        secrets.add(requestUri);
        Map<String, String> parameters = new LinkedHashMap<>(form);
        parameters.remove("client_secret");
        if (!jkt.isEmpty()) {
            parameters.put("dpop_jkt", jkt); // §10.1: the code is bound to the proof's key, as dpop_jkt binds it
        }
        pushed.put(requestUri, new PushedRequest(parameters, clientId, Instant.now().plusSeconds(parExpiresIn)));
        send(exchange, 201, "application/json",
                "{\"request_uri\":\"" + requestUri + "\",\"expires_in\":" + parExpiresIn + "}");
    }

    /** @return the client id of an {@code Authorization: Basic} header, or {@code null} */
    private static String basicClientId(Recorded request) {
        String basic = request.header("Authorization");
        if (basic == null || !basic.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
    }

    /** @return what is missing from a code flow request with PKCE S256, or {@code null} */
    private static String authorizationProblem(Map<String, String> q) {
        return q.get("redirect_uri") == null ? "redirect_uri is missing"
                : !"code".equals(q.get("response_type")) ? "response_type is not code"
                : q.get("client_id") == null ? "client_id is missing"
                : !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                        ? "PKCE S256 is missing" : null;
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Recorded request = record(exchange, "");
        Map<String, String> q = request.queryParameters();
        if (q.containsKey("request_uri")) { // RFC 9126 §4: the pushed parameters, as if they were in the URL
            PushedRequest push = pushed.remove(q.get("request_uri")); // one use
            if (push == null || push.expiresAt().isBefore(Instant.now())
                    || !push.clientId().equals(q.get("client_id"))) {
                send(exchange, 400, "text/plain", "invalid_request_uri: " + (push == null ? "unknown or used"
                        : push.expiresAt().isBefore(Instant.now()) ? "expired" : "another client's"));
                return;
            }
            q = push.parameters();
        } else if (requirePar) {
            if (q.get("redirect_uri") == null || q.get("state") == null) {
                send(exchange, 400, "text/plain", "invalid_request: pushed authorization request required");
                return;
            }
            String target = q.get("redirect_uri") + "?error=invalid_request&error_description="
                    + enc("Pushed authorization request required") + "&state=" + enc(q.get("state"))
                    + (sendIss ? "&iss=" + enc(base) : "");
            exchange.getResponseHeaders().set("Location", target);
            send(exchange, 302, "text/plain", "");
            return;
        }
        String redirectUri = q.get("redirect_uri");
        String state = q.get("state");
        if (redirectUri == null || !"code".equals(q.get("response_type")) || q.get("client_id") == null
                || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null) {
            send(exchange, 400, "text/plain", "bad authorization request");
            return;
        }
        String target;
        if (authorizeError != null) {
            target = redirectUri + "?error=" + enc(authorizeError)
                    + (authorizeErrorDescription == null ? "" : "&error_description=" + enc(authorizeErrorDescription))
                    + "&state=" + enc(state);
        } else {
            String code = UUID.randomUUID().toString();
            secrets.add(code);
            codes.put(code, new IssuedCode(q.get("client_id"), redirectUri, q.get("code_challenge"), q.get("nonce"),
                    new Grant(q.getOrDefault("login_hint", user), q.get("client_id"), Instant.now()),
                    q.get("dpop_jkt")));
            target = redirectUri + "?code=" + enc(code) + "&state=" + enc(state);
        }
        if (sendIss) {
            target += "&iss=" + enc(base); // RFC 9207 §2
        }
        exchange.getResponseHeaders().set("Location", target);
        send(exchange, 302, "text/plain", "");
    }

    private void token(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Recorded request = record(exchange, body);
        if (!assertionAccepted(exchange, request)) {
            return;
        }
        // RFC 9449 §5: a proof where one is sent or needed, by the key a public client's refresh token or a code
        // (dpop_jkt, §10) is bound to
        boolean refresh = "refresh_token".equals(parameters(request).get("grant_type"));
        IssuedCode code = refresh ? null : codes.get(String.valueOf(parameters(request).get("code")));
        String boundJkt = refresh ? refreshTokenJkt.get(String.valueOf(parameters(request).get("refresh_token")))
                : code == null ? null : code.dpopJkt();
        String jkt = proofAtAuthorizationServer(exchange, request, requireDpop || boundJkt != null, null, boundJkt);
        if (jkt == null) {
            return;
        }
        jkt = jkt.isEmpty() ? null : jkt;
        if (refresh) {
            refresh(exchange, parameters(request), jkt);
            return;
        }
        switch (tokenMode) {
            case INVALID_GRANT -> send(exchange, 400, "application/json",
                    "{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}");
            case SERVER_ERROR_HTML -> send(exchange, 500, "text/html", "<html><body>Internal error</body></html>");
            case NOT_JSON -> send(exchange, 200, "text/plain", "this is not json");
            case NO_ACCESS_TOKEN -> send(exchange, 200, "application/json", "{\"token_type\":\"Bearer\"}");
            case SLOW -> {
                sleep(slowMillis);
                issue(exchange, request, jkt);
            }
            case CUSTOM -> send(exchange, 200, tokenContentType, tokenBody);
            case NORMAL -> issue(exchange, request, jkt);
        }
    }

    /** A token request's parameters, from a form or a JSON body. */
    private static Map<String, String> parameters(Recorded request) {
        return request.parameters();
    }

    /** @return why a token request lacks the {@link #requireAudience required audience}, or {@code null} */
    private String audienceProblem(Map<String, String> parameters) {
        String required = requiredAudience;
        if (required == null || required.equals(parameters.get("audience"))) {
            return null;
        }
        return parameters.get("audience") == null ? "audience is missing" : "audience is not " + required;
    }

    private void issue(HttpExchange exchange, Recorded request, String jkt) throws IOException {
        Map<String, String> form = parameters(request);
        if (form.get("code_verifier") != null) {
            secrets.add(form.get("code_verifier"));
        }
        IssuedCode issued = codes.remove(String.valueOf(form.get("code")));
        String problem = issued == null ? "unknown code"
                : !issued.redirectUri().equals(form.get("redirect_uri")) ? "redirect_uri differs"
                : form.get("code_verifier") == null ? "no code_verifier"
                : !s256(form.get("code_verifier")).equals(issued.challenge()) ? "code_verifier does not match"
                : !clientAuthenticated(request, form, issued.clientId()) ? "client authentication failed"
                : null;
        String audience = audienceProblem(form);
        if (problem == null && audience != null) {
            send(exchange, 400, "application/json",
                    "{\"error\":\"invalid_request\",\"error_description\":\"" + audience + "\"}");
            return;
        }
        if (problem != null) {
            send(exchange, 400, "application/json",
                    "{\"error\":\"invalid_grant\",\"error_description\":\"" + problem + "\"}");
            return;
        }
        sendTokens(exchange, issued.grant(), issued.nonce(), false, jkt);
    }

    private void refresh(HttpExchange exchange, Map<String, String> form, String jkt) throws IOException {
        refreshGrants.incrementAndGet();
        sleep(refreshDelayMillis);
        if (refreshError != null) {
            send(exchange, 400, "application/json", "{\"error\":\"" + refreshError + "\"}");
            return;
        }
        String audience = audienceProblem(form);
        if (audience != null) {
            send(exchange, 400, "application/json",
                    "{\"error\":\"invalid_request\",\"error_description\":\"" + audience + "\"}");
            return;
        }
        Grant grant = refreshTokens.remove(String.valueOf(form.get("refresh_token"))); // rotation: one use
        refreshTokenJkt.remove(String.valueOf(form.get("refresh_token")));
        if (grant == null) {
            refusedRefreshes.incrementAndGet();
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token not valid\"}");
            return;
        }
        sendTokens(exchange, grant, null, true, jkt); // OpenID Connect Core 1.0 §12.2: no nonce in a refreshed ID token
    }

    /** @param jkt the thumbprint of the request's DPoP proof, {@code null} without one */
    private void sendTokens(HttpExchange exchange, Grant grant, String nonce, boolean refresh, String jkt)
            throws IOException {
        String accessToken = "at-" + UUID.randomUUID();
        String refreshToken = "rt-" + UUID.randomUUID();
        String idToken = idToken(grant, nonce, accessToken, refresh);
        secrets.addAll(List.of(accessToken, idToken));
        accessTokens.put(accessToken, grant.user());
        if (issueRefreshToken) {
            secrets.add(refreshToken);
            refreshTokens.put(refreshToken, grant);
        }
        lastIdToken = idToken;
        lastAccessToken = accessToken;
        boolean bound = jkt != null && !answerBearerToDpop;
        if (bound) {
            accessTokenJkt.put(accessToken, jkt); // RFC 9449 §6: the token's cnf.jkt
            if (issueRefreshToken && clientSecret == null && clientKey == null) {
                refreshTokenJkt.put(refreshToken, jkt); // §5: a public client's refresh token is bound too
            }
        }
        send(exchange, 200, "application/json", """
                {"access_token":"%s","token_type":"%s","%s":%d,%s"scope":"openid profile",
                 "id_token":"%s"}
                """.formatted(accessToken, bound ? "DPoP" : tokenType, lifetimeMember, expiresIn,
                        issueRefreshToken ? "\"refresh_token\":\"" + refreshToken + "\"," : "", idToken));
    }

    /**
     * An ID token (OpenID Connect Core 1.0 §2) for {@code grant}, signed RS256 by the signing key, or forged as
     * {@link #forgeIdTokens} says.
     *
     * @param nonce the authorization request's {@code nonce}, {@code null} if it had none or for a refresh
     * @param accessToken the access token of the same response, for {@code at_hash}
     */
    private String idToken(Grant grant, String nonce, String accessToken, boolean refresh) {
        Forgery forge = forgery;
        Instant now = Instant.now();
        Instant issuedAt = switch (forge) {
            case EXPIRED -> now.minusSeconds(20 * 60);
            case IAT_IN_FUTURE -> now.plusSeconds(10 * 60);
            default -> now;
        };
        Instant expires = forge == Forgery.EXPIRED ? now.minusSeconds(10 * 60) : issuedAt.plusSeconds(expiresIn);
        String subject = forge == Forgery.REFRESH_OTHER_SUB && refresh ? OTHER_SUBJECT : grant.user();
        String audience = forge == Forgery.WRONG_AUD ? OTHER_CLIENT : grant.clientId();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(forge == Forgery.WRONG_ISS ? OTHER_ISSUER : base)
                .subject(subject)
                .audience(audience)
                .claim("azp", audience)
                .expirationTime(Date.from(expires))
                .issueTime(Date.from(issuedAt))
                .claim("auth_time", grant.authTime().getEpochSecond()) // §12.2: the time of the original login
                .jwtID(UUID.randomUUID().toString())
                .claim("preferred_username", subject)
                .claim("at_hash", atHash(forge == Forgery.WRONG_AT_HASH ? "at-" + UUID.randomUUID() : accessToken));
        if (forge == Forgery.WRONG_NONCE) {
            claims.claim("nonce", UUID.randomUUID().toString());
        } else if (nonce != null && forge != Forgery.NO_NONCE) {
            claims.claim("nonce", nonce);
        }
        List<String> granted = roles.get(subject);
        if (granted != null) {
            claims.claim("realm_access", Map.of("roles", granted));
        }
        JWTClaimsSet claimSet = claims.build();
        try {
            return switch (forge) {
                case ALG_NONE -> new PlainJWT(claimSet).serialize();
                case HS256_WITH_PUBLIC_KEY -> {
                    RSAKey key = signingKey;
                    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT).build(), claimSet);
                    jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
                    yield jwt.serialize();
                }
                case UNKNOWN_KID -> signed(strangerKey(), claimSet);
                case BAD_SIGNATURE -> flipSignatureByte(signed(signingKey, claimSet));
                default -> signed(signingKey, claimSet);
            };
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signed(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** The same JWS with the middle byte of its signature inverted. */
    private static String flipSignatureByte(String jws) {
        int dot = jws.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(jws.substring(dot + 1));
        signature[signature.length / 2] ^= (byte) 0xFF;
        return jws.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /**
     * @return {@code at_hash} of an access token for RS256: the base64url encoding of the left half of its ASCII
     *     octets' SHA-256 (OpenID Connect Core 1.0 §3.1.3.6)
     */
    public static String atHash(String accessToken) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, digest.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized RSAKey strangerKey() {
        if (strangerKey == null) {
            strangerKey = newKey();
        }
        return strangerKey;
    }

    /** An RSA 2048 signing key with a random {@code kid}. */
    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return every code, access token, refresh token and ID token this server issued and every {@code code_verifier}
     *     it received since it started, and the client secret it expects if any
     */
    public java.util.Set<String> secrets() {
        java.util.Set<String> all = new java.util.HashSet<>(secrets);
        if (clientSecret != null) {
            all.add(clientSecret);
        }
        return all;
    }

    /** @return the access token issued last, {@code null} before the first */
    public String lastAccessToken() {
        return lastAccessToken;
    }

    /** @return the ID token issued last (forged or not) */
    public String lastIdToken() {
        return lastIdToken;
    }

    private void revoke(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Recorded request = record(exchange, body);
        if (!assertionAccepted(exchange, request)) {
            return;
        }
        Map<String, String> form = request.form();
        String token = String.valueOf(form.get("token"));
        // a DPoP-bound token is revoked only with a proof of its key, with ath for an access token (as Keycloak does)
        String boundJkt = accessTokenJkt.containsKey(token) ? accessTokenJkt.get(token) : refreshTokenJkt.get(token);
        if (proofAtAuthorizationServer(exchange, request, boundJkt != null,
                accessTokenJkt.containsKey(token) ? token : null, boundJkt) == null) {
            return;
        }
        int status = revocationStatus;
        boolean live = accessTokens.containsKey(token) || refreshTokens.containsKey(token);
        revocations.add(new Revocation(token, form.get("token_type_hint"), live, form.get("client_id")));
        if (status != 200) {
            send(exchange, status, "text/html", "<html><body>Revocation failed</body></html>");
            return;
        }
        accessTokens.remove(token); // RFC 7009 §2.2: 200 also for a token that was not valid
        refreshTokens.remove(token);
        send(exchange, 200, "text/plain", "");
    }

    /** @return every revocation request received since the last {@link #reset()}, in order */
    public List<Revocation> revocations() {
        return List.copyOf(revocations);
    }

    private void endSession(HttpExchange exchange) throws IOException {
        Recorded request = record(exchange, "");
        String after = request.queryParameters().get("post_logout_redirect_uri");
        if (after == null) {
            send(exchange, 200, "text/html", "<html><body>Signed out</body></html>");
            return;
        }
        exchange.getResponseHeaders().set("Location", after);
        send(exchange, 302, "text/plain", "");
    }

    /** @return how many refresh grants arrived */
    public int refreshGrants() {
        return refreshGrants.get();
    }

    /** @return how many refresh grants carried a refresh token that was not (or no longer) valid */
    public int refusedRefreshes() {
        return refusedRefreshes.get();
    }

    /**
     * When assertions are required ({@link #registerClientKey}, {@link #requireClientSecretJwt}): checks the
     * request's, or answers 401 {@code invalid_client} (RFC 6749 §5.2) and returns false.
     */
    private boolean assertionAccepted(HttpExchange exchange, Recorded request) throws IOException {
        if (clientKey == null && !clientSecretJwt) {
            return true;
        }
        String problem = assertionProblem(request);
        if (problem == null) {
            return true;
        }
        refusedAssertions.add(problem);
        send(exchange, 401, "application/json",
                "{\"error\":\"invalid_client\",\"error_description\":\"" + problem + "\"}");
        return false;
    }

    /** @return why the request's client assertion is not accepted (RFC 7523 §3), or {@code null} */
    private String assertionProblem(Recorded request) {
        Map<String, String> params = request.parameters();
        if (request.header("Authorization") != null || params.containsKey("client_secret")) {
            return "another client authentication besides the assertion";
        }
        if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(params.get("client_assertion_type"))) {
            return "client_assertion_type is not jwt-bearer";
        }
        String assertion = params.get("client_assertion");
        if (assertion == null) {
            return "no client_assertion";
        }
        secrets.add(assertion); // a credential for its lifetime: the leak checks look for it too
        try {
            SignedJWT jwt = SignedJWT.parse(assertion);
            JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
            com.nimbusds.jose.JWSVerifier verifier;
            if (clientKey != null) {
                if (!(clientKey instanceof RSAKey ? List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256)
                        : List.of(JWSAlgorithm.ES256)).contains(alg)) {
                    return "algorithm " + alg + " does not fit the registered key";
                }
                if (clientKey.getKeyID() != null && !clientKey.getKeyID().equals(jwt.getHeader().getKeyID())) {
                    return "kid is not the registered key's";
                }
                verifier = clientKey instanceof RSAKey rsa ? new com.nimbusds.jose.crypto.RSASSAVerifier(rsa)
                        : new com.nimbusds.jose.crypto.ECDSAVerifier((com.nimbusds.jose.jwk.ECKey) clientKey);
            } else {
                if (!JWSAlgorithm.HS256.equals(alg) || clientSecret == null) {
                    return "client_secret_jwt needs HS256 and a registered secret";
                }
                verifier = new com.nimbusds.jose.crypto.MACVerifier(clientSecret.getBytes(StandardCharsets.UTF_8));
            }
            if (!jwt.verify(verifier)) {
                return "bad signature";
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date now = new Date();
            if (claims.getIssuer() == null || !claims.getIssuer().equals(claims.getSubject())) {
                return "iss and sub are not both the client id";
            }
            if (params.get("client_id") != null && !params.get("client_id").equals(claims.getIssuer())) {
                return "client_id is not the assertion's iss";
            }
            if (claims.getAudience() == null || !claims.getAudience().equals(List.of(base))) {
                return "aud is not the issuer " + base;
            }
            if (claims.getExpirationTime() == null || !claims.getExpirationTime().after(now)) {
                return "expired";
            }
            if (claims.getIssueTime() != null && claims.getIssueTime().getTime() > now.getTime() + 5_000) {
                return "iat in the future";
            }
            if (claims.getJWTID() == null) {
                return "no jti";
            }
            if (refuseAssertionsAsReplayed || !assertionIds.add(claims.getJWTID())) {
                return "jti already used";
            }
            return null;
        } catch (java.text.ParseException | JOSEException e) {
            return "not a signed JWT";
        }
    }

    private boolean clientAuthenticated(Recorded request, Map<String, String> form, String clientId) {
        if (clientKey != null || clientSecretJwt) { // checked by assertionAccepted; the client is the code's
            return clientId.equals(form.get("client_id"));
        }
        if (clientSecret == null) {
            return clientId.equals(form.get("client_id"));
        }
        String basic = request.header("Authorization");
        if (basic != null && basic.startsWith("Basic ")) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8).equals(clientId)
                    && URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8).equals(clientSecret);
        }
        return clientId.equals(form.get("client_id")) && clientSecret.equals(form.get("client_secret"));
    }

    private void userinfo(HttpExchange exchange) throws IOException {
        Recorded request = record(exchange, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String user = resourceUser(exchange, request);
        if (user == null) {
            return;
        }
        if (userinfoStatus != 200) {
            send(exchange, userinfoStatus, "text/html", "<html><body>Userinfo failed</body></html>");
            return;
        }
        send(exchange, 200, "application/json", "{\"sub\":\"" + (userinfoSubject != null ? userinfoSubject : user)
                + "\",\"preferred_username\":\"" + user + "\"" + (userinfoExtra.isEmpty() ? "" : "," + userinfoExtra) + "}");
    }

    /** A protected API ({@code /api/...}, any method): answers who called it, with which scheme, once authorized. */
    private void api(HttpExchange exchange) throws IOException {
        Recorded request = record(exchange, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String user = resourceUser(exchange, request);
        if (user == null) {
            return;
        }
        String authorization = request.header("Authorization");
        send(exchange, 200, "application/json", "{\"sub\":\"" + user + "\",\"method\":\"" + request.method()
                + "\",\"path\":\"" + request.path() + "\",\"scheme\":\""
                + authorization.substring(0, authorization.indexOf(' ')) + "\"}");
    }

    /**
     * Authorizes a request at a resource (userinfo, {@code /api}): a Bearer token as {@code Bearer} (RFC 6750
     * §2.1), a DPoP-bound one only as {@code DPoP} with a proof of its key carrying {@code ath} (RFC 9449 §7.1),
     * or answers 401 itself.
     *
     * @return the token's user, or {@code null} when refused and answered
     */
    private String resourceUser(HttpExchange exchange, Recorded request) throws IOException {
        String authorization = request.header("Authorization");
        int space = authorization == null ? -1 : authorization.indexOf(' ');
        String scheme = space < 0 ? "" : authorization.substring(0, space);
        String token = space < 0 ? "" : authorization.substring(space + 1).trim();
        boolean dpopScheme = "DPoP".equalsIgnoreCase(scheme); // RFC 9110 §11.1: a scheme in any case
        String user = accessTokens.get(token);
        String jkt = accessTokenJkt.get(token);
        if (user == null || !dpopScheme && !"Bearer".equalsIgnoreCase(scheme)) {
            if (!dpopScheme && jkt == null) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
                send(exchange, 401, "application/json", "{\"error\":\"invalid_token\"}");
                return null;
            }
            refuseProof(exchange, request, 401, "invalid_token", "the token is not valid");
            return null;
        }
        if (!dpopScheme && jkt != null) {
            refuseProof(exchange, request, 401, "invalid_token", "a DPoP-bound token sent as Bearer"); // §7.2
            return null;
        }
        if (dpopScheme && jkt == null) {
            refuseProof(exchange, request, 401, "invalid_token", "not a DPoP-bound token");
            return null;
        }
        if (dpopScheme) {
            DpopVerifier.Outcome outcome = checkProof(exchange, request, token, jkt);
            if (!outcome.accepted()) {
                if (outcome.needsNonce()) {
                    exchange.getResponseHeaders().set("DPoP-Nonce", dpopNonce); // §9
                    refuseProof(exchange, request, 401, "use_dpop_nonce", outcome.problem());
                } else {
                    refuseProof(exchange, request, 401, "invalid_dpop_proof", outcome.problem());
                }
                return null;
            }
            announceNonce(exchange);
        }
        return user;
    }

    /**
     * Checks a request's DPoP proof at an authorization server endpoint (RFC 9449 §5, §8, §10.1) when it carries
     * one or needs one, and answers a refusal itself: 400 {@code invalid_dpop_proof}, or {@code use_dpop_nonce} with
     * the nonce in {@code DPoP-Nonce}.
     *
     * @param required whether a proof must be there
     * @param accessToken the access token the request presents (revocation), for {@code ath}; {@code null} if none
     * @param boundJkt the thumbprint the proof's key must have, or {@code null}
     * @return the proof's thumbprint, {@code ""} for no proof, or {@code null} when it was refused and answered
     */
    private String proofAtAuthorizationServer(HttpExchange exchange, Recorded request, boolean required,
            String accessToken, String boundJkt) throws IOException {
        if (request.dpopHeaders().isEmpty() && !required) {
            return "";
        }
        DpopVerifier.Outcome outcome = checkProof(exchange, request, accessToken, boundJkt);
        if (outcome.accepted()) {
            announceNonce(exchange);
            return outcome.jkt();
        }
        if (outcome.needsNonce()) {
            exchange.getResponseHeaders().set("DPoP-Nonce", dpopNonce); // §8
            refuseProof(exchange, request, 400, "use_dpop_nonce", outcome.problem());
        } else {
            refuseProof(exchange, request, 400, "invalid_dpop_proof", outcome.problem());
        }
        return null;
    }

    private DpopVerifier.Outcome checkProof(HttpExchange exchange, Recorded request, String accessToken,
            String boundJkt) {
        if (refuseEveryDpopNonce) {
            requireDpopNonce(); // a new nonce each time: never the one the proof carries
        }
        request.dpopHeaders().forEach(secrets::add); // a credential for its short life: the leak checks look for it
        String host = request.header("Host");
        URI target = URI.create("http://" + (host != null ? host : "127.0.0.1:" + port)
                + exchange.getRequestURI().getRawPath()); // the URI the client addressed (RFC 9449 §4.3 item 9)
        return dpop.check(request.dpopHeaders(), request.method(), target, accessToken, boundJkt, dpopNonce);
    }

    /** Every answer to a proof carries the current nonce when one is asked for (RFC 9449 §8.2, §9). */
    private void announceNonce(HttpExchange exchange) {
        String nonce = dpopNonce;
        if (nonce != null) {
            exchange.getResponseHeaders().set("DPoP-Nonce", nonce);
        }
    }

    /**
     * Answers a refused proof or token and records it: at the authorization server (400) an OAuth error body
     * (RFC 9449 §5, §8), at a resource (401) a {@code DPoP} challenge (§7.1, §9) with the algorithms it takes.
     */
    private void refuseProof(HttpExchange exchange, Recorded request, int status, String error, String reason)
            throws IOException {
        dpopRefusals.add(new DpopRefusal(request.path(), error, reason));
        if (status == 401) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "DPoP error=\"" + error
                    + "\", error_description=\"" + reason + "\", algs=\"" + algorithms().replace("\"", "")
                            .replace(',', ' ') + "\"");
        }
        send(exchange, status, "application/json",
                "{\"error\":\"" + error + "\",\"error_description\":\"" + reason + "\"}");
    }

    /** @return the DPoP algorithms it takes, as a JSON array's members */
    private static String algorithms() {
        return DpopVerifier.ALGORITHMS.stream().map(a -> "\"" + a.getName() + "\"")
                .collect(java.util.stream.Collectors.joining(","));
    }

    private Recorded record(HttpExchange exchange, String body) {
        Recorded recorded = new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
        requests.add(recorded);
        return recorded;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public static Map<String, String> parseQuery(String encoded) {
        Map<String, String> params = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return params;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    /** A flat JSON object of strings, as the client writes its JSON token requests. */
    public static Map<String, String> json(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]+)\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }

    /** @return {@code BASE64URL(SHA256(verifier))} (RFC 7636 §4.2) */
    public static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        stop(server);
    }

    private static void stop(HttpServer http) {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }

    /** @return the URI of a path on this server */
    public URI uri(String path) {
        return URI.create(base + path);
    }
}
