package dev.pkcefilter.impl.identity;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jose.util.JSONObjectUtils;

import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.ClientSecret;
import dev.pkcefilter.impl.protocol.Nonce;
import dev.pkcefilter.impl.protocol.ProviderMetadata;
import dev.pkcefilter.impl.protocol.RemoteText;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.session.VerifiedUser;

/**
 * Checks the ID token of a token response before anything of it is used (OpenID Connect Core 1.0 §3.1.3.7), and
 * reads the user it names:
 * <ol>
 *   <li>a JWS (an encrypted or unsigned one is refused), signed with an algorithm of
 *       {@code pkce.id-token-algorithms}: RS256, PS256 and ES256 by default; {@code none} never; HMAC only when
 *       listed, and then keyed with the client secret alone, never with a public key (algorithm confusion);</li>
 *   <li>the signature, with a key of the issuer's JWK set ({@link IssuerKeys});</li>
 *   <li>{@code iss} exactly the issuer, {@code aud} holding the client id, {@code azp} the client id when present
 *       and required when there are several audiences;</li>
 *   <li>{@code exp} not passed and {@code iat} not in the future, each within {@code pkce.clock-skew};</li>
 *   <li>{@code nonce} the one the login sent (§3.1.2.1), {@code at_hash} the access token's when present
 *       (§3.1.3.6), a {@code sub};</li>
 *   <li>after a refresh, the same {@code iss} and {@code sub} as at login (§12.2).</li>
 * </ol>
 * The user's name comes from {@code pkce.principal-claim} (default {@code preferred_username}, then {@code sub}),
 * the roles from {@code pkce.roles-claim} in the ID token, or in the access token when {@code pkce.roles-source}
 * says so and it is a JWT that the issuer's keys verify (RFC 9068). Runs at login and refresh only.
 */
public final class IdTokenValidator {

    private static final System.Logger LOG = System.getLogger(IdTokenValidator.class.getName());

    /** The most roles kept per user, and the longest role name: the session stays small. */
    static final int MAX_ROLES = 100;
    static final int MAX_ROLE_LENGTH = 200;
    private static final long WARN_INTERVAL_MILLIS = 60_000;

    private final IssuerKeys keys;
    private final String clientId;
    private final Optional<ClientSecret> secret;
    private final ClientConfiguration.Identity identity;
    private final Clock clock;
    private final long skewMillis;
    private final AtomicLong rolesWarnedAt = new AtomicLong(-WARN_INTERVAL_MILLIS);

    public IdTokenValidator(IssuerKeys keys, String clientId, Optional<ClientSecret> secret,
                            ClientConfiguration.Identity identity, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.skewMillis = identity.clockSkew().toMillis();
    }

    /**
     * Checks a login's ID token.
     *
     * @param tokens the token response, with an ID token
     * @param metadata the issuer's metadata
     * @param nonce the nonce the login sent, if it sent one
     * @return the user it names
     * @throws IdTokenException when it may not be used, or the keys to check it could not be fetched
     */
    public VerifiedUser atLogin(TokenResponse tokens, ProviderMetadata metadata, Optional<Nonce> nonce)
            throws IdTokenException {
        URI issuer = issuer(metadata);
        JWTClaimsSet claims = verify(tokens.idToken().orElseThrow(), tokens.accessToken(), issuer, metadata);
        if (nonce.isPresent()) {
            String sent = stringClaim(claims, "nonce");
            if (!nonce.get().matches(sent)) {
                throw invalid(sent == null ? "has no nonce, but the login sent one (OpenID Connect Core 1.0"
                        + " §3.1.3.7 item 11)" : "has another nonce than the login sent: it was issued for another"
                        + " login (a replayed or injected ID token)");
            }
        }
        return user(claims, tokens.accessToken(), issuer, metadata);
    }

    /**
     * Checks the ID token of a refresh's response (OpenID Connect Core 1.0 §12.2), or, without one, reads the roles
     * of the new access token.
     *
     * @param tokens the refresh's response
     * @param metadata the issuer's metadata
     * @param before the user of the session
     * @return the user with the roles read again
     * @throws IdTokenException when the new ID token may not be used or names someone else
     */
    public VerifiedUser atRefresh(TokenResponse tokens, ProviderMetadata metadata, VerifiedUser before)
            throws IdTokenException {
        URI issuer = issuer(metadata);
        if (tokens.idToken().isEmpty()) {
            return identity.rolesSource() == ClientConfiguration.RolesSource.ACCESS_TOKEN
                    ? before.withRoles(accessTokenRoles(tokens.accessToken(), issuer, metadata)) : before;
        }
        JWTClaimsSet claims = verify(tokens.idToken().get(), tokens.accessToken(), issuer, metadata);
        if (!before.subject().equals(claims.getSubject())) { // iss: verify() checked it is the issuer
            throw invalid("names another user (sub) than the session's login (OpenID Connect Core 1.0 §12.2)");
        }
        Map<String, Object> all = claims.toJSONObject();
        before.keptUserinfo().ifPresent(json -> all.putAll(parseKept(json)));
        List<String> roles = identity.rolesSource() == ClientConfiguration.RolesSource.ACCESS_TOKEN
                ? accessTokenRoles(tokens.accessToken(), issuer, metadata) : roles(all);
        return before.withRoles(roles);
    }

    /**
     * The user of a login with the claims of its userinfo answer added (OpenID Connect Core 1.0 §5.3.2): the name
     * and roles are read again from both, the answer's claims winning.
     *
     * @param user the user the verified ID token names
     * @param tokens the login's token response
     * @param metadata the issuer's metadata
     * @param userinfo the userinfo answer, whose {@code sub} was checked
     * @return the user
     * @throws IdTokenException when the ID token can no longer be read (it was verified a moment before)
     */
    public VerifiedUser withUserinfo(VerifiedUser user, TokenResponse tokens, ProviderMetadata metadata,
                                     UserinfoClient.Userinfo userinfo) throws IdTokenException {
        Map<String, Object> all = claims(signed(tokens.idToken().orElseThrow(), identity.idTokenAlgorithms()))
                .toJSONObject();
        all.putAll(userinfo.claims());
        VerifiedUser merged = user(all, user.subject(), tokens.accessToken(), issuer(metadata), metadata);
        return new VerifiedUser(user.subject(), merged.name(), merged.roles(),
                userinfo.kept().orElse(null));
    }

    private static Map<String, Object> parseKept(String json) {
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            return Map.of(); // written by this class from a JSON object: cannot happen
        }
    }

    private static URI issuer(ProviderMetadata metadata) throws IdTokenException {
        return metadata.issuer().orElseThrow(() -> new IdTokenException(IdTokenException.Failure.INVALID,
                "The token response has an ID token, but no issuer is configured to check it against: set"
                        + " pkce.issuer"));
    }

    /** Steps 1 to 5 but the nonce; returns the claims of a token that passed them. */
    private JWTClaimsSet verify(String idToken, String accessToken, URI issuer, ProviderMetadata metadata)
            throws IdTokenException {
        SignedJWT jwt = signed(idToken, identity.idTokenAlgorithms());
        verifySignature(jwt, metadata, true);
        JOSEObjectType type = jwt.getHeader().getType();
        if (type != null && type.getType().toLowerCase(java.util.Locale.ROOT).endsWith("at+jwt")) {
            throw invalid("is an access token (typ " + type + "), not an ID token (RFC 9068 §4)");
        }
        JWTClaimsSet claims = claims(jwt);
        checkIssuerAndTime(claims, issuer, "The ID token");
        List<String> audience = claims.getAudience();
        if (audience == null || !audience.contains(clientId)) {
            throw invalid("is for another client: its aud " + (audience == null || audience.isEmpty() ? "is missing"
                    : "lists " + clean(String.join(", ", audience))) + ", not " + clientId);
        }
        String azp = stringClaim(claims, "azp");
        if (azp != null && !azp.equals(clientId)) {
            throw invalid("was issued to another client: its azp is " + clean(azp) + ", not " + clientId);
        }
        if (azp == null && audience.size() > 1) {
            throw invalid("has several audiences and no azp naming this client (OpenID Connect Core 1.0 §3.1.3.7"
                    + " items 4 and 5)");
        }
        if (claims.getSubject() == null || claims.getSubject().isEmpty()) {
            throw invalid("names no user (no sub)");
        }
        String atHash = stringClaim(claims, "at_hash");
        if (atHash != null && !atHash.equals(halfHash(jwt.getHeader().getAlgorithm(), accessToken))) {
            throw invalid("does not belong to the access token it came with (at_hash, OpenID Connect Core 1.0"
                    + " §3.1.3.6)");
        }
        return claims;
    }

    /** {@code iss} exactly the issuer; {@code exp} not passed and {@code iat} not ahead, within the skew. */
    private void checkIssuerAndTime(JWTClaimsSet claims, URI issuer, String what) throws IdTokenException {
        if (!issuer.toString().equals(claims.getIssuer())) {
            throw new IdTokenException(IdTokenException.Failure.INVALID, what + " was issued by "
                    + (claims.getIssuer() == null ? "nobody (no iss)" : "'" + clean(claims.getIssuer()) + "'")
                    + ", not by the issuer " + issuer + " (OpenID Connect Core 1.0 §3.1.3.7 item 2)");
        }
        long now = clock.millis();
        Date exp = claims.getExpirationTime();
        if (exp == null || exp.getTime() + skewMillis <= now) {
            throw new IdTokenException(IdTokenException.Failure.INVALID, what + (exp == null ? " has no exp"
                    : " expired at " + exp.toInstant() + " (now " + clock.instant() + ", accepted skew "
                    + identity.clockSkew() + ")") + ": check the clocks of both servers");
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() - skewMillis > now) {
            throw new IdTokenException(IdTokenException.Failure.INVALID, what + " was issued in the future, at "
                    + iat.toInstant() + " (now " + clock.instant() + ", accepted skew " + identity.clockSkew()
                    + "): check the clocks of both servers");
        }
    }

    /** A JWS of one of {@code algorithms}; an unsigned (alg none) or encrypted JWT is refused. */
    private static SignedJWT signed(String token, List<String> algorithms) throws IdTokenException {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw invalid("is not a JWT (RFC 7519 §7.2)");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw invalid(jwt instanceof com.nimbusds.jwt.PlainJWT ? "is not signed (alg none)"
                    : "is encrypted, which pkce-filter does not support");
        }
        JWSAlgorithm algorithm = signed.getHeader().getAlgorithm();
        if (!algorithms.contains(algorithm.getName())) {
            throw invalid("is signed with " + clean(algorithm.getName()) + ", which is not among the accepted "
                    + String.join(", ", algorithms) + " (pkce.id-token-algorithms)");
        }
        return signed;
    }

    /** HMAC with the client secret (OpenID Connect Core 1.0 §10.1), anything else with the issuer's keys. */
    private void verifySignature(SignedJWT jwt, ProviderMetadata metadata, boolean macAllowed)
            throws IdTokenException {
        JWSHeader header = jwt.getHeader();
        try {
            if (JWSAlgorithm.Family.HMAC_SHA.contains(header.getAlgorithm())) {
                if (!macAllowed || secret.isEmpty()) {
                    throw invalid("is signed with " + header.getAlgorithm() + ", which needs the client secret");
                }
                JWSVerifier verifier = new MACVerifier(secret.get().value().getBytes(StandardCharsets.UTF_8));
                if (!jwt.verify(verifier)) {
                    throw invalid("has a signature that the client secret does not verify");
                }
                return;
            }
            URI jwksUri = metadata.jwksUri().orElseThrow(() -> new IdTokenException(
                    IdTokenException.Failure.INVALID, "The token response has an ID token, but the issuer's keys"
                    + " are not known: its metadata has no jwks_uri; set pkce.jwks-uri"));
            List<JWK> candidates = keys.candidates(jwksUri, header);
            if (candidates.isEmpty()) {
                throw invalid("is signed with a key (kid " + (header.getKeyID() == null ? "none"
                        : "'" + clean(header.getKeyID()) + "'") + ", " + header.getAlgorithm() + ") that the"
                        + " issuer does not publish at its jwks_uri");
            }
            DefaultJWSVerifierFactory factory = new DefaultJWSVerifierFactory();
            for (JWK candidate : candidates) {
                for (Key key : KeyConverter.toJavaKeys(List.of(candidate))) {
                    if (key instanceof PublicKey && jwt.verify(factory.createJWSVerifier(header, key))) {
                        return;
                    }
                }
            }
            throw invalid("has a signature that none of the issuer's keys verifies");
        } catch (JOSEException e) {
            throw invalid("could not be verified: " + clean(String.valueOf(e.getMessage())));
        }
    }

    private static JWTClaimsSet claims(SignedJWT jwt) throws IdTokenException {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw invalid("has claims that are not a JSON object of valid claims");
        }
    }

    private VerifiedUser user(JWTClaimsSet claims, String accessToken, URI issuer, ProviderMetadata metadata) {
        return user(claims.toJSONObject(), claims.getSubject(), accessToken, issuer, metadata);
    }

    private VerifiedUser user(Map<String, Object> all, String sub, String accessToken, URI issuer,
                              ProviderMetadata metadata) {
        String name = identity.principalClaim().map(claim -> Claims.string(all, claim))
                .orElseGet(() -> Claims.string(all, "preferred_username"));
        List<String> roles = identity.rolesSource() == ClientConfiguration.RolesSource.ACCESS_TOKEN
                ? accessTokenRoles(accessToken, issuer, metadata) : roles(all);
        return new VerifiedUser(sub, name == null || name.isEmpty() ? sub : name, roles);
    }

    /** The roles of an access token that is a JWT the issuer's keys verify; none otherwise, with a warning. */
    private List<String> accessTokenRoles(String accessToken, URI issuer, ProviderMetadata metadata) {
        if (identity.rolesClaim().isEmpty()) {
            return List.of();
        }
        try {
            SignedJWT jwt = signed(accessToken, identity.idTokenAlgorithms().stream()
                    .filter(a -> !a.startsWith("HS")).toList());
            verifySignature(jwt, metadata, false);
            JWTClaimsSet claims = claims(jwt);
            checkIssuerAndTime(claims, issuer, "The access token");
            return roles(claims.toJSONObject());
        } catch (IdTokenException e) {
            warnRoles("pkce.roles-source is access_token, but " + e.getMessage().replaceFirst("^The ID token",
                    "the access token") + "; the user has no roles");
            return List.of();
        }
    }

    private List<String> roles(Map<String, Object> claims) {
        if (identity.rolesClaim().isEmpty()) {
            return List.of();
        }
        List<String> roles = Claims.strings(claims, identity.rolesClaim().get());
        List<String> kept = roles.stream().filter(r -> !r.isEmpty() && r.length() <= MAX_ROLE_LENGTH)
                .limit(MAX_ROLES).toList();
        if (kept.size() < roles.size()) {
            warnRoles("The user has more than " + MAX_ROLES + " roles in " + identity.rolesClaim().get()
                    + ", or roles longer than " + MAX_ROLE_LENGTH + " characters: only the first " + kept.size()
                    + " are kept");
        }
        return kept;
    }

    private void warnRoles(String message) {
        long now = clock.millis();
        long last = rolesWarnedAt.get();
        if (now - last >= WARN_INTERVAL_MILLIS && rolesWarnedAt.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, message + " (logged at most once a minute)");
        }
    }

    /**
     * {@code at_hash} (OpenID Connect Core 1.0 §3.1.3.6): the base64url left half of the hash of the access token's
     * ASCII octets, the hash of the JWS algorithm (SHA-256 for RS256, PS256, ES256, HS256).
     */
    static String halfHash(JWSAlgorithm algorithm, String accessToken) {
        String bits = algorithm.getName().substring(algorithm.getName().length() - 3);
        String digest = switch (bits) {
            case "384" -> "SHA-384";
            case "512" -> "SHA-512";
            default -> "SHA-256";
        };
        try {
            byte[] hash = MessageDigest.getInstance(digest).digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, hash.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digest + " is missing from this JVM", e);
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) throws IdTokenException {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw invalid("has a " + name + " claim that is not a string");
        }
    }

    private static IdTokenException invalid(String what) {
        return new IdTokenException(IdTokenException.Failure.INVALID, "The ID token " + what);
    }

    private static String clean(String text) {
        return RemoteText.clean(text, 200);
    }
}
