package dev.pkcefilter.it.jsec;

import java.io.IOException;
import java.security.Principal;

import jakarta.servlet.http.HttpServletResponse;

/** The little JSON the servlets of this package answer. */
final class Json {

    private Json() {
    }

    static String name(Principal principal) {
        return principal == null ? "null" : "\"" + principal.getName().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static void write(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json);
    }
}
