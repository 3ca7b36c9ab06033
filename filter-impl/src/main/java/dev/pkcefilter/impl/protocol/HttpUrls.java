package dev.pkcefilter.impl.protocol;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The one check of what pkce-filter accepts as an endpoint or redirect URL. */
public final class HttpUrls {

    /** The key that allows {@code http} to a host that is not loopback ({@code ConfigKey.ALLOW_INSECURE_HTTP}). */
    public static final String ALLOW_INSECURE_HTTP_KEY = "pkce.allow-insecure-http";

    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private HttpUrls() {
    }

    /**
     * An absolute {@code http} or {@code https} URL with a host and no fragment: a fragment would swallow the
     * parameters appended to it, which then never reach the server (RFC 6749 §3.1, §3.1.2).
     *
     * @param value the text
     * @return the URL, or empty when the text is not such a URL
     */
    public static Optional<URI> parse(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme();
            if (uri.isAbsolute() && uri.getHost() != null && uri.getRawFragment() == null
                    && ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // not a URL at all
        }
        return Optional.empty();
    }

    /**
     * Whether the URL's host is loopback, read from its text alone, never through DNS: {@code localhost}, an IPv4
     * address in 127.0.0.0/8, or the IPv6 address {@code ::1} (in any of its spellings).
     *
     * @param uri an absolute URL
     * @return whether traffic to it stays on this machine
     */
    public static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        if (host.toLowerCase(Locale.ROOT).equals("localhost") || LOOPBACK_IPV4.matcher(host).matches()) {
            return true;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            try { // an IPv6 literal in brackets: parsed, never looked up
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether the URL sends in clear text to another machine: {@code http} to a host that is not loopback. Tokens,
     * codes with their verifiers and client secrets must not travel so (RFC 6749 §3.1, §3.2, §10.9; RFC 9700 §2.6).
     *
     * @param uri an absolute URL
     * @return whether it needs {@value #ALLOW_INSECURE_HTTP_KEY}
     */
    public static boolean isInsecure(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) && !isLoopback(uri);
    }

    /** @return the URL without user info, query or fragment, for a log line */
    public static String forLog(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : RemoteText.clean(uri.getRawPath(), 200));
    }
}
