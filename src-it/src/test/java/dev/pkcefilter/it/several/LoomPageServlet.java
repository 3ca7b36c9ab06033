package dev.pkcefilter.it.several;

import java.io.IOException;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.OAuthClient;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A page under the {@code loom} client's own protected paths ({@code pkce.loom.protected-paths=/loom/*}), with its
 * token injected by name: {@code {"present":…,"tokenSha256":"…","expiresAt":"…"}}.
 */
@WebServlet("/loom/page")
public class LoomPageServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    @OAuthClient("loom")
    AccessToken loom;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(ConnectionsServlet.facts(loom));
    }
}
