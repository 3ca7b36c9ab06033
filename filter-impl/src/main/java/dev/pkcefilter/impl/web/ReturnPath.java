package dev.pkcefilter.impl.web;

import java.util.List;

import dev.pkcefilter.impl.config.UrlPattern;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Where to send the browser after login: only ever a path on the application's own origin (RFC 9700 §4.11,
 * no open redirect). It is taken from the request line itself, never from a parameter or header a third party
 * controls, and sent as a relative {@code Location}, so that no {@code Host} header can make it absolute.
 */
final class ReturnPath {

    /**
     * The longest return path kept: far above what a page address needs, and small enough that a pending login
     * stays small in a session that a cookieless request made (and a cluster replicates).
     */
    static final int MAX_LENGTH = 2048;

    private ReturnPath() {
    }

    /** {@link #of(HttpServletRequest, List)} for a filter that protects everything. */
    static String of(HttpServletRequest request) {
        return of(request, List.of());
    }

    /**
     * The path and query of a GET or HEAD request, to come back to after login; the context root for others
     * (their body cannot be replayed) and for a target that is not a safe path. A target longer than
     * {@value #MAX_LENGTH} characters returns to the root of the protected path instead ({@link #protectedRoot}).
     *
     * @param protectedPaths {@code pkce.protected-paths}
     * @return a same-origin path, starting with a single {@code /}
     */
    static String of(HttpServletRequest request, List<String> protectedPaths) {
        String root = request.getContextPath() + "/";
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return root;
        }
        String uri = request.getRequestURI();
        String query = request.getQueryString();
        if (uri.length() + (query == null ? 0 : query.length() + 1) > MAX_LENGTH) {
            return protectedRoot(request, protectedPaths);
        }
        String target = query == null ? uri : uri + "?" + query;
        return isSafe(target) ? target : root;
    }

    /**
     * The root of the protected path a request is in: for the first of {@code pkce.protected-paths} that matches
     * it, a prefix pattern's directory ({@code /app/*}: {@code <context>/app/}), an exact pattern itself
     * ({@code /admin}: {@code <context>/admin}), and the context root for {@code /*}, {@code /} and extension
     * patterns ({@code *.jsf}), or when none matches.
     *
     * @return a same-origin path inside the context
     */
    static String protectedRoot(HttpServletRequest request, List<String> protectedPaths) {
        String context = request.getContextPath();
        String servletPath = request.getServletPath();
        String path = request.getPathInfo() == null ? servletPath : servletPath + request.getPathInfo();
        for (String pattern : protectedPaths) {
            if (UrlPattern.matches(pattern, path)) {
                String root = pattern.endsWith("/*") ? context + pattern.substring(0, pattern.length() - 1)
                        : pattern.startsWith("/") ? context + pattern : context + "/";
                return isSafe(root) ? root : context + "/";
            }
        }
        return context + "/";
    }

    /**
     * Whether a target is a path on this origin: one leading {@code /} that is not followed by another {@code /}
     * or {@code \} (a protocol-relative URL), no control characters or backslashes anywhere, and at most
     * {@value #MAX_LENGTH} characters.
     *
     * @return whether it may be used as a {@code Location}
     */
    static boolean isSafe(String target) {
        if (target == null || target.length() > MAX_LENGTH || !target.startsWith("/")) {
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
