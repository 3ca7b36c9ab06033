package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The responses pkce-filter writes itself: redirects, 401 for scripts and error pages. Each carries
 * {@code Cache-Control: no-store} and {@code Referrer-Policy: no-referrer} (RFC 9700 §4.2.4), and every
 * piece of text from a request or a server is HTML-escaped.
 */
final class Responses {

    private Responses() {
    }

    static void noStore(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    /** A 302 to {@code location}, which is either a same-origin path or the authorization endpoint. */
    static void redirect(HttpServletResponse response, String location) {
        noStore(response);
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", location);
    }

    /** 303: the answer to a POST is a GET of {@code location} (RFC 9110 §15.4.4). */
    static void seeOther(HttpServletResponse response, String location) {
        noStore(response);
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", location);
    }

    /** 401 with {@code WWW-Authenticate: Bearer} (RFC 6750 §3) and a short JSON body. */
    static void unauthorized(HttpServletResponse response) throws IOException {
        noStore(response);
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/json;charset=UTF-8");
        response.getOutputStream().write(("{\"error\":\"unauthorized\",\"message\":\"Not signed in: open a page"
                + " of this application in the browser to sign in.\"}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * 503 for a script whose token expired while it cannot be renewed now.
     *
     * @param retryAfterSeconds when to try again ({@code Retry-After}, RFC 9110 §10.2.3)
     */
    static void serviceUnavailable(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        noStore(response);
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        response.setContentType("application/json;charset=UTF-8");
        response.getOutputStream().write(("{\"error\":\"temporarily_unavailable\",\"message\":\"The session's"
                + " token expired and the authorization server cannot renew it now. Try again shortly.\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An error page.
     *
     * @param status the HTTP status
     * @param title a constant title
     * @param message a constant message, or one built only from escaped text
     * @param detail text from a request or a remote server, escaped here; may be {@code null}
     * @param againHref where "start again" leads, a same-origin path
     */
    static void errorPage(HttpServletResponse response, int status, String title, String message, String detail,
                          String againHref) throws IOException {
        noStore(response);
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title><style>"
                + "body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}"
                + "h1{font-size:1.4rem}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}"
                + ".status{color:#888}</style></head><body>"
                + "<p class=\"status\">Error " + status + "</p><h1>" + escape(title) + "</h1>"
                + "<p>" + escape(message) + "</p>"
                + (detail == null ? "" : "<p><code>" + escape(detail) + "</code></p>")
                + "<p><a href=\"" + escape(againHref) + "\">Start again</a></p></body></html>\n";
        response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The page a logout GET without same-origin evidence gets: a button that POSTs to the logout endpoint, so that
     * the user can still sign out, while an image tag on another site cannot sign them out.
     *
     * @param action the logout endpoint's path
     */
    static void signOutPage(HttpServletResponse response, String action) throws IOException {
        confirmPage(response, action, "Sign out", "Do you want to sign out of this application?");
    }

    /**
     * The page that asks before a state-changing request that the user may not have made: one button that POSTs
     * to {@code action}.
     *
     * @param title the heading and the button's label
     * @param question what the user is asked
     */
    static void confirmPage(HttpServletResponse response, String action, String title, String question)
            throws IOException {
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        // not no-referrer: with it a browser sends "Origin: null" on the form's POST (Fetch §3.1), and the logout
        // endpoint could no longer tell its own page from another site's
        response.setHeader("Referrer-Policy", "same-origin");
        // no form-action: the POST is redirected on to the authorization server's end-session endpoint
        response.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline';"
                + " frame-ancestors 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/html;charset=UTF-8");
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title><style>"
                + "body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}"
                + "h1{font-size:1.4rem}button{font-size:1rem;padding:.4rem 1.2rem}</style></head><body>"
                + "<h1>" + escape(title) + "</h1><p>" + escape(question) + "</p>"
                + "<form method=\"post\" action=\"" + escape(action) + "\">"
                + "<button type=\"submit\">" + escape(title) + "</button></form></body></html>\n";
        response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
