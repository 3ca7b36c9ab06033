package dev.pkcefilter.it.app;

import java.io.IOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pkcefilter.SignedInUser;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** What a servlet sees of the signed-in user: the container's principal and roles, and {@link SignedInUser}. */
@WebServlet("/app/user")
public class UserServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    SignedInUser user;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Principal principal = request.getUserPrincipal();
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("principal", principal == null ? null : principal.getName());
        seen.put("remoteUser", request.getRemoteUser());
        seen.put("admin", request.isUserInRole("admin"));
        seen.put("present", user.isPresent());
        seen.put("name", user.isPresent() ? user.name() : null);
        seen.put("roles", user.roles());
        seen.put("email", user.claims().get("email"));
        response.setContentType("application/json");
        try (Jsonb jsonb = JsonbBuilder.create()) {
            response.getWriter().write(jsonb.toJson(seen));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
