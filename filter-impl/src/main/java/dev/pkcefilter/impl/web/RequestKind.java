package dev.pkcefilter.impl.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells a browser's page navigation, which may be redirected to log in, from an XHR, {@code fetch} or API call,
 * which gets 401 instead: a redirect to a login page is useless to a script.
 */
final class RequestKind {

    private RequestKind() {
    }

    /**
     * A navigation has no {@code X-Requested-With: XMLHttpRequest}, a {@code Sec-Fetch-Mode} that is absent or
     * {@code navigate} (Fetch Metadata), and an {@code Accept} that names {@code text/html}.
     *
     * @return whether the request is a page navigation
     */
    static boolean isNavigation(HttpServletRequest request) {
        return isNavigation(request.getHeader("X-Requested-With"), request.getHeader("Sec-Fetch-Mode"),
                request.getHeader("Accept"));
    }

    static boolean isNavigation(String requestedWith, String fetchMode, String accept) {
        if (requestedWith != null && requestedWith.equalsIgnoreCase("XMLHttpRequest")) {
            return false;
        }
        if (fetchMode != null && !fetchMode.equalsIgnoreCase("navigate")) {
            return false;
        }
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
    }
}
