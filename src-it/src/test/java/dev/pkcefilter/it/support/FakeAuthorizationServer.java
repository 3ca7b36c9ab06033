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

    private record IssuedCode(String clientId, String redirectUri, String challenge, String nonce, Grant grant) {
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
                 "pushed_authorization_request_endpoint":"%1$s/par"%2$s}
                """.formatted(base, requirePar ? ",\"require_pushed_authorization_requests\":true" : ""));
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
                    new Grant(q.getOrDefault("login_hint", user), q.get("client_id"), Instant.now())));
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
        if ("refresh_token".equals(parameters(request).get("grant_type"))) {
            refresh(exchange, parameters(request));
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
                issue(exchange, request);
            }
            case CUSTOM -> send(exchange, 200, tokenContentType, tokenBody);
            case NORMAL -> issue(exchange, request);
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

    private void issue(HttpExchange exchange, Recorded request) throws IOException {
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
        sendTokens(exchange, issued.grant(), issued.nonce(), false);
    }

    private void refresh(HttpExchange exchange, Map<String, String> form) throws IOException {
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
        if (grant == null) {
            refusedRefreshes.incrementAndGet();
            send(exchange, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"Refresh token not valid\"}");
            return;
        }
        sendTokens(exchange, grant, null, true); // OpenID Connect Core 1.0 §12.2: no nonce in a refreshed ID token
    }

    private void sendTokens(HttpExchange exchange, Grant grant, String nonce, boolean refresh) throws IOException {
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
        send(exchange, 200, "application/json", """
                {"access_token":"%s","token_type":"%s","%s":%d,%s"scope":"openid profile",
                 "id_token":"%s"}
                """.formatted(accessToken, tokenType, lifetimeMember, expiresIn,
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
        record(exchange, "");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String user = authorization != null && authorization.startsWith("Bearer ")
                ? accessTokens.get(authorization.substring(7)) : null;
        if (user == null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            send(exchange, 401, "application/json", "{\"error\":\"invalid_token\"}");
            return;
        }
        if (userinfoStatus != 200) {
            send(exchange, userinfoStatus, "text/html", "<html><body>Userinfo failed</body></html>");
            return;
        }
        send(exchange, 200, "application/json", "{\"sub\":\"" + (userinfoSubject != null ? userinfoSubject : user)
                + "\",\"preferred_username\":\"" + user + "\"" + (userinfoExtra.isEmpty() ? "" : "," + userinfoExtra) + "}");
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
