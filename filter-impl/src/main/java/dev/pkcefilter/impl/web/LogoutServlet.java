package dev.pkcefilter.impl.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The logout endpoint ({@code pkce.logout-path}); hands off to {@link LogoutHandler}. POST logs out; GET only
 * when the browser shows that a page of the application sent it, else it answers a page with a "Sign out" button.
 */
public class LogoutServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient LogoutHandler handler;

    @Override
    public void init() throws ServletException {
        handler = PkceContext.of(getServletContext()).logoutHandler();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handler.handle(request, response); // also HEAD, whose method the handler sees: it never logs out
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handler.handle(request, response);
    }
}
