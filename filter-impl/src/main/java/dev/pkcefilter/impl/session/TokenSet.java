package dev.pkcefilter.impl.session;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.TokenResponse;

/**
 * The tokens of a signed-in session, stored server side as one small immutable value. Absent parts are held as
 * {@code null} internally because {@link Optional} is not {@link Serializable}; the accessors return
 * {@code Optional}. {@code toString()} shows no token.
 *
 * <p>Its serialized form is part of the session a cluster replicates, and a session written by one version of the
 * library must be read by the next and the one before (a rolling update): {@code serialVersionUID} and the fields,
 * their names and types stay as they are. A field may be added (a compatible change, Java Object Serialization
 * Specification §5.6.2: an older node ignores it, a newer one reads it as 0 or {@code null} from older bytes):
 * version 2 added {@link #issuedAtMillis}, version 3 {@link #user} (the verified user's fields as one array, the
 * smallest form Java serialization has for them: a signed-in session with Keycloak's tokens stays under 4 KB),
 * version 4 {@link #dpopKey} (the login's DPoP key pair as its {@value DpopKey#ENCODED_LENGTH} bytes, RFC 9449; an
 * older form reads as {@code null}, no key). {@code SerializedFormTest} reads bytes written by each format.
 */
@Immutable
public final class TokenSet implements Serializable {

    private static final long serialVersionUID = 1L;

    /** {@link #expiresAtMillis} of a token whose lifetime the server did not give. */
    private static final long UNKNOWN = Long.MAX_VALUE;

    private final String accessToken;
    private final String tokenType;
    private final long expiresAtMillis;
    private final String scope;
    private final String refreshToken;
    private final String idToken;
    /** When the access token's lifetime began (the response arrived), epoch milliseconds; 0 when not known. */
    private final long issuedAtMillis;
    /** Who the verified ID token names; {@code null} without one (and in a session of a version before 3). */
    private final String[] user;
    /** {@link #user} as the object it stands for; made again after deserialization, at the first read. */
    private transient VerifiedUser verifiedUser;
    /**
     * The login's DPoP key pair ({@link DpopKey#toBytes()}, RFC 9449 §4): a private key, kept as the tokens are;
     * {@code null} without {@code pkce.dpop} (and in a session of a version before 4).
     */
    private final byte[] dpopKey;
    /** {@link #dpopKey} as the object it stands for; made again after deserialization, at the first use. */
    private transient DpopKey dpop;

    private TokenSet(String accessToken, String tokenType, long expiresAtMillis, String scope, String refreshToken,
                     String idToken, long issuedAtMillis, VerifiedUser user, DpopKey dpopKey) {
        this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
        this.tokenType = Objects.requireNonNull(tokenType, "tokenType");
        this.expiresAtMillis = expiresAtMillis;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.refreshToken = refreshToken;
        this.idToken = idToken;
        this.issuedAtMillis = issuedAtMillis;
        this.user = user == null ? null : user.toParts();
        this.verifiedUser = user;
        this.dpopKey = dpopKey == null ? null : dpopKey.toBytes();
        this.dpop = dpopKey;
    }

    /**
     * The tokens of a token response.
     *
     * @param response the response
     * @param requestedScope the scope asked for, granted when the response lists none (RFC 6749 §5.1)
     * @param receivedAt when the response arrived: the start of the access token's lifetime
     * @param user who the response's verified ID token names, or {@code null} when it had none
     * @return the token set
     */
    public static TokenSet from(TokenResponse response, String requestedScope, Instant receivedAt, VerifiedUser user) {
        return from(response, requestedScope, receivedAt, user, null);
    }

    /**
     * The tokens of a token response to a request with a DPoP proof.
     *
     * @param dpopKey the login's DPoP key, kept for the proofs of every later request (RFC 9449 §4), or {@code null}
     * @see #from(TokenResponse, String, Instant, VerifiedUser)
     */
    public static TokenSet from(TokenResponse response, String requestedScope, Instant receivedAt, VerifiedUser user,
                                DpopKey dpopKey) {
        return new TokenSet(response.accessToken(), response.tokenType(),
                response.expiresAt().map(Instant::toEpochMilli).orElse(UNKNOWN),
                response.scope().orElse(requestedScope), response.refreshToken().orElse(null),
                response.idToken().orElse(null), receivedAt.toEpochMilli(), user, dpopKey);
    }

    /** The tokens of a token response without an ID token. */
    public static TokenSet from(TokenResponse response, String requestedScope, Instant receivedAt) {
        return from(response, requestedScope, receivedAt, null);
    }

    /**
     * The tokens of a token response whose arrival is not known (tests, figures): {@link #isFreshAt} then keeps the
     * whole refresh skew, as for a session written before version 2.
     */
    public static TokenSet from(TokenResponse response, String requestedScope) {
        return new TokenSet(response.accessToken(), response.tokenType(),
                response.expiresAt().map(Instant::toEpochMilli).orElse(UNKNOWN),
                response.scope().orElse(requestedScope), response.refreshToken().orElse(null),
                response.idToken().orElse(null), 0, null, null);
    }

    /**
     * The tokens of a refresh's response (RFC 6749 §6): a rotated refresh token replaces this one, a missing one
     * keeps it (§5.1: the server may issue a new one); likewise a missing scope or ID token keeps this one's. The DPoP
     * key stays: the refresh's proof was signed with it, so the new access token is bound to it (RFC 9449 §5).
     *
     * @param response the refresh response
     * @param receivedAt when the response arrived: the start of the new access token's lifetime
     * @param refreshedUser the user as the refresh's verified tokens name them (roles read again), or
     *        {@code null} to keep this one's
     * @return the new token set
     */
    public TokenSet refreshedBy(TokenResponse response, Instant receivedAt, VerifiedUser refreshedUser) {
        return new TokenSet(response.accessToken(), response.tokenType(),
                response.expiresAt().map(Instant::toEpochMilli).orElse(UNKNOWN),
                response.scope().orElse(scope), response.refreshToken().orElse(refreshToken),
                response.idToken().orElse(idToken), receivedAt.toEpochMilli(),
                refreshedUser != null ? refreshedUser : userOrNull(), dpopKeyOrNull());
    }

    /** The tokens of a refresh's response that names the same user, as {@link #refreshedBy(TokenResponse, Instant, VerifiedUser)}. */
    public TokenSet refreshedBy(TokenResponse response, Instant receivedAt) {
        return refreshedBy(response, receivedAt, null);
    }

    /** @return the access token; never log it */
    public String accessToken() {
        return accessToken;
    }

    /** @return the token type, normally {@code Bearer} */
    public String tokenType() {
        return tokenType;
    }

    /** @return when the access token expires, if the server said */
    public Optional<Instant> expiresAt() {
        return expiresAtMillis == UNKNOWN ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAtMillis));
    }

    /** @return the granted scope, space separated */
    public String scope() {
        return scope;
    }

    /** @return the refresh token, if any; never sent to the browser */
    public Optional<String> refreshToken() {
        return Optional.ofNullable(refreshToken);
    }

    /** @return the ID token, if any */
    public Optional<String> idToken() {
        return Optional.ofNullable(idToken);
    }

    /** @return who the verified ID token names, if the login had one */
    public Optional<VerifiedUser> user() {
        return Optional.ofNullable(userOrNull());
    }

    /** The hot path's allocation-free read of {@link #user()} (after a deserialization, its first read makes it). */
    public VerifiedUser userOrNull() {
        VerifiedUser known = verifiedUser;
        if (known == null && user != null) {
            known = VerifiedUser.fromParts(user); // a benign race: equal immutable values
            verifiedUser = known;
        }
        return known;
    }

    /** @return the login's DPoP key, if the tokens are bound to one (RFC 9449 §6); a private key, never log it */
    public Optional<DpopKey> dpopKey() {
        return Optional.ofNullable(dpopKeyOrNull());
    }

    private DpopKey dpopKeyOrNull() {
        DpopKey known = dpop;
        if (known == null && dpopKey != null) {
            known = DpopKey.fromBytes(dpopKey); // a benign race: equal immutable values
            dpop = known;
        }
        return known;
    }

    /**
     * Whether the access token is still valid at a time; cheap, for the filter's hot path.
     *
     * @param nowMillis the time, epoch milliseconds
     * @return whether it has not expired
     */
    public boolean isValidAt(long nowMillis) {
        return nowMillis < expiresAtMillis;
    }

    /**
     * Whether the access token is still far enough from its expiry not to be refreshed yet; cheap, for the filter's
     * hot path. The refresh is due {@code skewMillis} before expiry, or half the token's lifetime before when that
     * is shorter: a token that lives less than twice the skew is refreshed at most once per half lifetime, not on
     * every request (a server issuing 10-second tokens under a 30-second skew).
     *
     * @param nowMillis the time, epoch milliseconds
     * @param skewMillis {@code pkce.refresh-skew}
     * @return whether no refresh is due yet
     */
    public boolean isFreshAt(long nowMillis, long skewMillis) {
        long skew = skewMillis;
        if (issuedAtMillis != 0 && expiresAtMillis != UNKNOWN) {
            skew = Math.min(skewMillis, Math.max(0, expiresAtMillis - issuedAtMillis) / 2);
        }
        return nowMillis < expiresAtMillis - skew;
    }

    @Override
    public String toString() {
        return "TokenSet[tokenType=" + tokenType + ", expiresAt=" + expiresAt().map(Instant::toString).orElse("unknown")
                + ", scope=" + scope + ", refreshToken=" + (refreshToken != null ? "present" : "absent")
                + ", idToken=" + (idToken != null ? "present" : "absent") + ", user=" + (user != null ? "verified" : "none")
                + (dpopKey != null ? ", dpop=bound" : "") + "]";
    }
}
