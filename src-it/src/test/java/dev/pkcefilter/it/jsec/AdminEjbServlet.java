package dev.pkcefilter.it.jsec;

import java.io.IOException;

import jakarta.ejb.EJB;
import jakarta.ejb.EJBAccessException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Calls {@link AdminBean}: {@code {"ejbCaller":"alice"}} for a caller with the role, 403 when the EJB container
 * refuses the call ({@link EJBAccessException}).
 */
@WebServlet("/plain/admin-ejb")
public class AdminEjbServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    transient AdminBean admin;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String caller;
        try {
            caller = admin.callerName();
        } catch (EJBAccessException e) {
            Json.write(response, 403, "{\"refused\":\"" + e.getClass().getSimpleName() + "\"}");
            return;
        }
        Json.write(response, 200, "{\"ejbCaller\":\"" + caller + "\"}");
    }
}
