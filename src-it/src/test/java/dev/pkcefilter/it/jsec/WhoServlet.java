package dev.pkcefilter.it.jsec;

import java.io.IOException;
import java.security.Principal;

import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Who the container says the caller is, on a path pkce-filter's filter does not guard ({@code /plain/*}, outside
 * the example's {@code /app/*}), so no request wrapper answers: {@code request.getUserPrincipal()},
 * {@code isUserInRole("admin")} and Jakarta Security's {@code SecurityContext}, as
 * {@code {"user":"alice","admin":true,"caller":"alice","callerAdmin":true}} ({@code null} names for nobody).
 */
@WebServlet("/plain/who")
public class WhoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient SecurityContext security;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Principal caller = security.getCallerPrincipal();
        Json.write(response, 200, "{\"user\":" + Json.name(request.getUserPrincipal())
                + ",\"admin\":" + request.isUserInRole("admin")
                + ",\"caller\":" + Json.name(caller)
                + ",\"callerAdmin\":" + security.isCallerInRole("admin") + "}");
    }
}
