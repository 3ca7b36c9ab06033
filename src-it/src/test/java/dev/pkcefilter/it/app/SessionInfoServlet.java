package dev.pkcefilter.it.app;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The application's view of its session, an unprotected path: {@code ?cart=X} puts X into the session as the
 * application's own attribute (creating the session if needed), and the answer is
 * {@code {"session":true,"cart":"X","maxInactiveInterval":N,"applicationTimeout":M}}, with {@code M} the
 * application's session timeout in seconds ({@code ServletContext.getSessionTimeout()}, Servlet 4.0).
 */
@WebServlet("/public/session-info")
public class SessionInfoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String cart = request.getParameter("cart");
        HttpSession session = request.getSession(cart != null);
        if (cart != null) {
            session.setAttribute("cart", cart);
        }
        Object stored = session == null ? null : session.getAttribute("cart");
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write("{\"session\":" + (session != null)
                + ",\"cart\":" + (stored == null ? "null" : "\"" + stored + "\"")
                + ",\"maxInactiveInterval\":" + (session == null ? -1 : session.getMaxInactiveInterval())
                + ",\"applicationTimeout\":" + request.getServletContext().getSessionTimeout() * 60 + "}");
    }
}
