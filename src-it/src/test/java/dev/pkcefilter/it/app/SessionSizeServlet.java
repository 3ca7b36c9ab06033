package dev.pkcefilter.it.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Collections;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * How many bytes pkce-filter's attributes of this session take when serialized, as a cluster's session replication
 * would write them: {@code {"bytes":N,"attributes":M}}. It shows the size only, never the contents.
 */
@WebServlet("/public/session-size")
public class SessionSizeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int attributes = 0;
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            for (String name : session == null ? Collections.<String>emptyList()
                    : Collections.list(session.getAttributeNames())) {
                if (name.startsWith("dev.pkcefilter.")) {
                    out.writeUTF(name);
                    out.writeObject(session.getAttribute(name));
                    attributes++;
                }
            }
        }
        response.setContentType("application/json");
        response.getWriter().write("{\"bytes\":" + bytes.size() + ",\"attributes\":" + attributes + "}");
    }
}
