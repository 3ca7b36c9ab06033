package dev.pkcefilter.impl.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where to send the browser after login: only ever a path on the application's own origin (RFC 9700 §4.11,
 * no open redirect). It is taken from the request line itself, never from a parameter or header a third party
 * controls, and sent as a relative {@code Location}, so that no {@code Host} header can make it absolute.
 */
final class ReturnPath {

    private ReturnPath() {
    }

    /**
     * The path and query of a GET or HEAD request, to come back to after login; the context root for others
     * (their body cannot be replayed).
     *
     * @return a same-origin path, starting with a single {@code /}
     */
    static String of(HttpServletRequest request) {
        String root = request.getContextPath() + "/";
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return root;
        }
        String query = request.getQueryString();
        String target = query == null ? request.getRequestURI() : request.getRequestURI() + "?" + query;
        return isSafe(target) ? target : root;
    }

    /**
     * Whether a target is a path on this origin: one leading {@code /} that is not followed by another {@code /}
     * or {@code \} (a protocol-relative URL), and no control characters or backslashes anywhere.
     *
     * @return whether it may be used as a {@code Location}
     */
    static boolean isSafe(String target) {
        if (target == null || target.length() > 8192 || !target.startsWith("/")) {
            return false;
        }
        if (target.length() > 1 && (target.charAt(1) == '/' || target.charAt(1) == '\\')) {
            return false;
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\' || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
