package dev.pkcefilter.impl.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A client's redirection endpoint ({@code pkce.callback-path}); hands off to its {@link CallbackHandler}. */
public class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient CallbackHandler handler;

    @Override
    public void init() throws ServletException {
        PkceContext context = PkceContext.of(getServletContext());
        String client = getInitParameter(PkceFilter.CLIENT_PARAMETER);
        handler = (client == null ? context.signIn() : context.further(client).orElseThrow()).callbackHandler();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handler.handle(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Responses.noStore(response);
        response.setHeader("Allow", "GET");
        response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                "The sign-in response is expected as a GET request (response_mode=query)");
    }
}
