package dev.pkcefilter.impl.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code {context}/oauth/connect/<name>} (GET) and {@code {context}/oauth/disconnect/<name>} (POST) of the further
 * clients; hands off to {@link Connections}.
 */
public class ConnectServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient Connections connections;

    @Override
    public void init() throws ServletException {
        connections = PkceContext.of(getServletContext()).connections();
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean connect = PkceContext.CONNECT_PATH.equals(request.getServletPath());
        if (connect && "GET".equals(request.getMethod())) {
            connections.connect(request, response);
        } else if (connect) {
            Responses.noStore(response);
            response.setHeader("Allow", "GET");
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "A connection starts with a GET request");
        } else {
            connections.disconnect(request, response);
        }
    }
}
