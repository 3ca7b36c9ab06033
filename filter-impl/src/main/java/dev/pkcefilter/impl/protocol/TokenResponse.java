package dev.pkcefilter.impl.protocol;

import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.json.bind.Jsonb;

/**
 * A successful token response (RFC 6749 §5.1), read leniently where servers differ in the wild:
 * <ul>
 *   <li>the lifetime from {@code expires_in} (RFC 6749), else {@code expiry} or {@code expires}: seconds from now,
 *       or, when the number is larger than {@value #EPOCH_THRESHOLD}, an absolute time in epoch seconds;</li>
 *   <li>{@code created_at} (epoch seconds) as the base of a relative lifetime instead of the time received, unless
 *       it lies more than {@link #MAX_CLOCK_SKEW} after that;</li>
 *   <li>no lifetime member, and an access token that is a JWT: its {@code exp}, for scheduling the refresh only;</li>
 *   <li>a lifetime ending more than {@link #MAX_LIFETIME} after the response arrived as ending then;</li>
 *   <li>a missing {@code token_type} as {@code Bearer}, any case of {@code bearer} as {@code Bearer}, of
 *       {@code dpop} as {@code DPoP} (RFC 9449 §5; RFC 6749 §7.1: case-insensitive);</li>
 *   <li>a missing {@code scope}: the requested scope was granted (RFC 6749 §5.1);</li>
 *   <li>a missing {@code refresh_token}.</li>
 * </ul>
 * {@code toString()} shows no token.
 *
 * @param accessToken the access token
 * @param tokenType the token type
 * @param expiresAt when the access token expires, if the server said
 * @param scope the granted scope, if the server listed it
 * @param refreshToken the refresh token, if any
 * @param idToken the OpenID Connect ID token, if any
 */
public record TokenResponse(String accessToken, String tokenType, Optional<Instant> expiresAt, Optional<String> scope,
                            Optional<String> refreshToken, Optional<String> idToken) {

    /** Lifetimes above this many seconds (2001-09-09) are read as epoch seconds, not as seconds from now. */
    static final long EPOCH_THRESHOLD = 1_000_000_000L;

    /** The longest lifetime taken as given; a longer one is cut to it (and a warning logged). */
    static final Duration MAX_LIFETIME = Duration.ofDays(366);

    /** How far in the future a {@code created_at} may lie (another server's clock); later ones are not believed. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

    /** Access tokens longer than this are not read for their {@code exp} (a JWT in use is a few kilobytes). */
    static final int MAX_JWT_LENGTH = 16 * 1024;

    private static final System.Logger LOG = System.getLogger(TokenResponse.class.getName());

    public TokenResponse {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(idToken, "idToken");
    }

    /**
     * Reads a token endpoint's successful answer.
     *
     * @param jsonb the JSON-B instance
     * @param body the response body
     * @param receivedAt when the response arrived, the base of a relative lifetime
     * @return the response
     * @throws InvalidResponseException when the body is not a JSON object with an access token and valid lifetime
     */
    public static TokenResponse parse(Jsonb jsonb, String body, Instant receivedAt) {
        Map<String, Object> json = JsonObjects.read(jsonb, body, "the token response");
        String accessToken = JsonObjects.string(json, "access_token")
                .orElseThrow(() -> new InvalidResponseException("the token response has no access_token"));
        String tokenType = JsonObjects.string(json, "token_type")
                .map(t -> "bearer".equalsIgnoreCase(t) ? "Bearer" : "dpop".equalsIgnoreCase(t) ? "DPoP" : t)
                .orElse("Bearer");
        Optional<Instant> expiresAt = expiresAt(json, receivedAt).or(() -> jwtExpiry(jsonb, accessToken, receivedAt));
        return new TokenResponse(accessToken, tokenType, expiresAt,
                JsonObjects.string(json, "scope"), JsonObjects.string(json, "refresh_token"),
                JsonObjects.string(json, "id_token"));
    }

    /**
     * A response without a lifetime whose access token is a JWT (RFC 9068 §2.2): its {@code exp}, read without
     * verifying the token and used only to schedule the refresh (the access token is the resource server's to
     * check, not the client's). Anything unreadable, or an {@code exp} that is not a whole number of seconds,
     * leaves the lifetime unknown, as before.
     */
    private static Optional<Instant> jwtExpiry(Jsonb jsonb, String accessToken, Instant receivedAt) {
        if (accessToken.length() > MAX_JWT_LENGTH) {
            return Optional.empty();
        }
        try {
            return JsonObjects.number(IdTokenClaims.read(jsonb, accessToken), "exp")
                    .map(exp -> expiry("the access token's exp", exp, receivedAt, receivedAt, true));
        } catch (InvalidResponseException | ArithmeticException | NumberFormatException
                 | java.time.DateTimeException e) { // NumberFormatException: JsonObjects.NumberOutOfBounds too
            LOG.log(Level.DEBUG, "The access token's exp is not a lifetime pkce-filter can use; its lifetime is unknown");
            return Optional.empty();
        }
    }

    private static Optional<Instant> expiresAt(Map<String, Object> json, Instant receivedAt) {
        try {
            Instant base = JsonObjects.number(json, "created_at")
                    .map(createdAt -> createdAt(Instant.ofEpochSecond(createdAt.longValueExact()), receivedAt))
                    .orElse(receivedAt);
            Optional<BigDecimal> expiresIn = JsonObjects.number(json, "expires_in");
            if (expiresIn.isPresent()) {
                return Optional.of(expiry("expires_in", expiresIn.get(), base, receivedAt, false));
            }
            for (String name : new String[] {"expiry", "expires"}) {
                Optional<BigDecimal> value = JsonObjects.number(json, name);
                if (value.isPresent()) {
                    return Optional.of(expiry(name, value.get(), base, receivedAt,
                            value.get().compareTo(BigDecimal.valueOf(EPOCH_THRESHOLD)) > 0));
                }
            }
            return Optional.empty();
        } catch (JsonObjects.NumberOutOfBounds e) {
            throw new InvalidResponseException("the token response has " + e.getMessage());
        } catch (ArithmeticException | NumberFormatException | java.time.DateTimeException e) {
            throw new InvalidResponseException("the token response has a lifetime that is not a whole number of seconds");
        }
    }

    /**
     * {@code created_at}, the base of a relative lifetime, at most {@link #MAX_CLOCK_SKEW} after the response
     * arrived: a later one (a clock far ahead, a hostile value) would make the token look valid for longer than it
     * is, and is replaced by the time the response arrived, with a warning. An earlier one is taken as it is (a
     * server may hand out a token it issued before); if that makes the token expired on arrival, the login says so.
     */
    private static Instant createdAt(Instant createdAt, Instant receivedAt) {
        if (createdAt.isAfter(receivedAt.plus(MAX_CLOCK_SKEW))) {
            LOG.log(Level.WARNING, "The token response has created_at " + createdAt + ", later than its arrival ("
                    + receivedAt + ") by more than " + MAX_CLOCK_SKEW.toSeconds() + " s; pkce-filter counts the"
                    + " lifetime from the arrival. Check the authorization server's clock");
            return receivedAt;
        }
        return createdAt;
    }

    /**
     * The expiry a lifetime member gives: seconds after {@code base}, or epoch seconds when {@code absolute}. A
     * negative or fractional lifetime is a broken answer and refused. One that ends more than {@link #MAX_LIFETIME}
     * after the response arrived (a token "for ever", or a hostile number that would overflow the epoch
     * milliseconds a {@code TokenSet} keeps) is cut to that, with a warning: the token itself may well be good.
     * {@code value} is bounded ({@link JsonObjects#number}), so its plain form is short.
     */
    private static Instant expiry(String name, BigDecimal value, Instant base, Instant receivedAt, boolean absolute) {
        if (value.signum() < 0 || value.stripTrailingZeros().scale() > 0) {
            throw new InvalidResponseException("the token response has " + name + " "
                    + RemoteText.clean(value.toPlainString(), 40) + ", which is not a whole number of seconds of zero or more");
        }
        Instant latest = receivedAt.plus(MAX_LIFETIME);
        BigDecimal latestValue = BigDecimal.valueOf(latest.getEpochSecond() - (absolute ? 0 : base.getEpochSecond()));
        if (value.compareTo(latestValue) > 0) {
            LOG.log(Level.WARNING, "The token response has " + name + " " + RemoteText.clean(value.toPlainString(), 40)
                    + ", which ends more than " + MAX_LIFETIME.toDays() + " days from now; pkce-filter takes the"
                    + " token to expire at " + latest);
            return latest;
        }
        return absolute ? Instant.ofEpochSecond(value.longValue()) : base.plusSeconds(value.longValue());
    }

    @Override
    public String toString() {
        return "TokenResponse[tokenType=" + tokenType + ", expiresAt=" + expiresAt.map(Instant::toString).orElse("unknown")
                + ", scope=" + scope.orElse("(as requested)") + ", refreshToken=" + (refreshToken.isPresent() ? "present" : "absent")
                + ", idToken=" + (idToken.isPresent() ? "present" : "absent") + "]";
    }
}
