package dev.pkcefilter.it.jsec;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /secured/*}, which the test's {@code web.xml} gives a {@code <security-constraint>} for the role
 * {@code admin}: the container lets only such callers in; the answer names the caller.
 */
@WebServlet("/secured/*")
public class SecuredServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Json.write(response, 200, "{\"secured\":" + Json.name(request.getUserPrincipal()) + "}");
    }
}
