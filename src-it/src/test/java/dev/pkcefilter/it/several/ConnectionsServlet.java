package dev.pkcefilter.it.several;

import java.io.IOException;
import java.util.StringJoiner;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.AccessTokens;
import dev.pkcefilter.it.app.TokenBean;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What application code sees of every client on this request, looked up by name ({@link AccessTokens}), under the
 * default client's protected paths: {@code {"signIn":T,"clients":{"loom":T,"jsonapi":T}}}, each {@code T} being
 * {@code {"present":…,"tokenSha256":"…","expiresAt":"…"}} (a hash, never a token; empty strings when absent).
 * Each lookup refreshes that client's token first when it came due.
 */
@WebServlet("/app/connections")
public class ConnectionsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    AccessTokens tokens;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StringJoiner clients = new StringJoiner(",", "{", "}");
        for (String name : tokens.clients()) {
            clients.add("\"" + name + "\":" + facts(tokens.get(name)));
        }
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write("{\"signIn\":" + facts(tokens.signIn()) + ",\"clients\":" + clients + "}");
    }

    static String facts(AccessToken token) {
        boolean present = token.isPresent();
        return "{\"present\":" + present
                + ",\"tokenSha256\":\"" + (present ? TokenBean.sha256(token.value()) : "") + "\""
                + ",\"expiresAt\":\"" + (present ? token.expiresAt().map(Object::toString).orElse("") : "") + "\"}";
    }
}
