package dev.pkcefilter.impl.web;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request was sent by a page of the application itself, so that another site cannot make a browser
 * log its user out (an {@code <img src=".../oauth/logout">}, a form posted from elsewhere). The browser's own
 * evidence is read, strongest first:
 * <ol>
 *   <li>{@code Origin} (RFC 6454 §7, Fetch §3.1), unless it is {@code null};</li>
 *   <li>{@code Sec-Fetch-Site} (Fetch Metadata Request Headers §2.1);</li>
 *   <li>{@code Referer}, its origin only.</li>
 * </ol>
 * {@code Origin: null} is cross-origin unless {@code Sec-Fetch-Site} says {@code same-origin}: a browser sends it
 * for a same-origin POST from a page with {@code Referrer-Policy: no-referrer} (Fetch §3.1 "append a request Origin
 * header"), and then also {@code Sec-Fetch-Site: same-origin}; but it sends {@code Origin: null} too from a
 * sandboxed frame, a {@code data:} URL or after a cross-origin redirect (RFC 6454 §7.3), none of which is the
 * application's own page, and a {@code Referer} cannot vouch for those.
 */
final class SameOrigin {

    /** What the evidence says. */
    enum Verdict {
        /** Sent by a page of one of the application's origins. */
        SAME_ORIGIN,
        /** Sent by another origin, or the browser says it was cross-site or same-site. */
        CROSS_ORIGIN,
        /** No evidence either way: a client that sends none of the headers, or {@code Sec-Fetch-Site: none}. */
        UNKNOWN
    }

    private SameOrigin() {
    }

    /**
     * @param origin the {@code Origin} header, may be {@code null}
     * @param fetchSite the {@code Sec-Fetch-Site} header, may be {@code null}
     * @param referer the {@code Referer} header, may be {@code null}
     * @param ownOrigins the application's origins, as {@link RequestOrigin#of(String)} writes them
     * @return the verdict
     */
    static Verdict decide(String origin, String fetchSite, String referer, Collection<String> ownOrigins) {
        if (origin != null && !origin.isBlank()) {
            if ("null".equals(origin.trim())) { // an opaque origin: only the browser's own word makes it ours
                return fetchSite != null && "same-origin".equalsIgnoreCase(fetchSite.trim())
                        ? Verdict.SAME_ORIGIN : Verdict.CROSS_ORIGIN;
            }
            return verdict(RequestOrigin.of(origin), ownOrigins);
        }
        if (fetchSite != null && !fetchSite.isBlank()) {
            return switch (fetchSite.trim().toLowerCase(Locale.ROOT)) {
                case "same-origin" -> Verdict.SAME_ORIGIN;
                case "none" -> Verdict.UNKNOWN; // a bookmark or a typed URL: the user's own doing, but not a page's
                default -> Verdict.CROSS_ORIGIN; // same-site, cross-site, or a value this code does not know
            };
        }
        if (referer != null && !referer.isBlank()) {
            return verdict(RequestOrigin.of(referer), ownOrigins);
        }
        return Verdict.UNKNOWN;
    }

    private static Verdict verdict(Optional<String> origin, Collection<String> ownOrigins) {
        return origin.isPresent() && ownOrigins.contains(origin.get()) ? Verdict.SAME_ORIGIN : Verdict.CROSS_ORIGIN;
    }
}
