package dev.pkcefilter.impl.identity;

import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;

import dev.pkcefilter.impl.protocol.BoundedHttp;
import dev.pkcefilter.impl.protocol.HttpUrls;
import dev.pkcefilter.impl.protocol.TransportException;

/**
 * The issuer's public signing keys, its JWK set at {@code jwks_uri} (RFC 7517 §5, RFC 8414 §2), fetched at the
 * first login and kept. A token signed with a key the set does not hold makes it fetch the set once more at once (the
 * issuer rotated its keys: no redeployment is needed, OpenID Connect Core 1.0 §10.1.1), and again for another
 * unknown key at most once per {@link #REFETCH_INTERVAL}, so that tokens naming made-up keys cannot make it ask the
 * issuer on every login. A set older than {@link #MAX_AGE} is fetched again at its next use, so that a key the issuer
 * withdrew stops being accepted; if that fetch fails, the set known is used on, with a warning.
 *
 * <p>Used at login and refresh only, never on a signed-in request. Fetches are serialized; after a failed fetch
 * with no keys known, logins fail at once for {@link #FAILURE_BACK_OFF} instead of each waiting for the timeout.
 */
public final class IssuerKeys {

    private static final System.Logger LOG = System.getLogger(IssuerKeys.class.getName());

    /** How long a fetched set is used before it is fetched again at its next use. */
    static final Duration MAX_AGE = Duration.ofMinutes(15);
    /** An unknown key makes the set be fetched again at most this often. */
    static final Duration REFETCH_INTERVAL = Duration.ofSeconds(10);
    /** After a failed fetch with no keys known, none is tried again for this long. */
    static final Duration FAILURE_BACK_OFF = Duration.ofSeconds(5);

    private final BoundedHttp http;
    private final Clock clock;

    // guarded by this
    private URI fetchedFrom;
    private JWKSet keys;
    private long fetchedAt;
    private long failedAt = Long.MIN_VALUE / 2;
    /** When an unknown key last made the set be fetched again. */
    private long refetchedAt = Long.MIN_VALUE / 2;
    private int fetches;

    public IssuerKeys(BoundedHttp http, Clock clock) {
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The keys that may have signed a token with this header: of the header's key type and {@code kid}, for
     * signatures (RFC 7517 §4.2, §4.5).
     *
     * @param jwksUri where the issuer publishes its keys
     * @param header the token's header
     * @return the candidate keys, public parts only; empty when the issuer publishes none that fits, even after
     *         fetching its set once more
     * @throws IdTokenException ({@code UNAVAILABLE}) when no set could be fetched and none is known
     */
    public synchronized List<JWK> candidates(URI jwksUri, JWSHeader header) throws IdTokenException {
        long now = clock.millis();
        boolean fresh = false;
        if (keys == null || !jwksUri.equals(fetchedFrom) || now - fetchedAt >= MAX_AGE.toMillis()) {
            fresh = fetch(jwksUri, now);
        }
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        if (matcher == null) {
            return List.of(); // an algorithm without a key type
        }
        List<JWK> found = new JWKSelector(matcher).select(keys);
        if (found.isEmpty() && !fresh && now - refetchedAt >= REFETCH_INTERVAL.toMillis()) {
            refetchedAt = now;
            LOG.log(Level.INFO, "A token names a key (kid " + (header.getKeyID() == null ? "none"
                    : "'" + clean(header.getKeyID()) + "'") + ") that the issuer's key set does not hold: fetching"
                    + " it again from " + HttpUrls.forLog(jwksUri) + " (the issuer may have rotated its keys)");
            fetch(jwksUri, now);
            found = new JWKSelector(matcher).select(keys);
        }
        return found;
    }

    /** @return how many times the set was fetched, for tests and diagnostics */
    synchronized int fetches() {
        return fetches;
    }

    /** @return whether a new set is in use now; {@code false} when the fetch failed and an older one is used on */
    private boolean fetch(URI jwksUri, long now) throws IdTokenException {
        boolean known = keys != null && jwksUri.equals(fetchedFrom);
        if (!known && now - failedAt < FAILURE_BACK_OFF.toMillis()) {
            throw new IdTokenException(IdTokenException.Failure.UNAVAILABLE, "The issuer's keys at "
                    + HttpUrls.forLog(jwksUri) + " could not be fetched a moment ago; tried again in a few seconds");
        }
        fetches++;
        try {
            BoundedHttp.Response response = http.send(HttpRequest.newBuilder(jwksUri).timeout(http.timeout())
                    .header("Accept", "application/json, application/jwk-set+json").GET().build());
            if (response.status() != 200) {
                throw new IdTokenException(IdTokenException.Failure.UNAVAILABLE, "The issuer's keys at "
                        + HttpUrls.forLog(jwksUri) + " answered HTTP " + response.status());
            }
            JWKSet set = JWKSet.parse(response.body()).toPublicJWKSet();
            keys = set;
            fetchedFrom = jwksUri;
            fetchedAt = now;
            LOG.log(Level.DEBUG, () -> "Fetched the issuer's key set: " + set.getKeys().size() + " keys");
            return true;
        } catch (TransportException e) {
            return failed(known, now, new IdTokenException(IdTokenException.Failure.UNAVAILABLE,
                    "The issuer's keys at " + HttpUrls.forLog(jwksUri) + " " + e.getMessage(), e));
        } catch (ParseException e) {
            return failed(known, now, new IdTokenException(IdTokenException.Failure.UNAVAILABLE,
                    "The issuer's keys at " + HttpUrls.forLog(jwksUri) + " are not a JWK set (RFC 7517 §5)", null));
        } catch (IdTokenException e) {
            return failed(known, now, e);
        }
    }

    private boolean failed(boolean known, long now, IdTokenException e) throws IdTokenException {
        failedAt = now;
        if (!known) {
            throw e;
        }
        fetchedAt = now; // use the known set on for a while rather than ask on every login
        LOG.log(Level.WARNING, e.getMessage() + "; the keys fetched before are used on");
        return false;
    }

    private static String clean(String text) {
        return dev.pkcefilter.impl.protocol.RemoteText.clean(text, 100);
    }
}
