package dev.pkcefilter.it.app;

import java.io.IOException;

import dev.pkcefilter.AccessToken;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Shows what a servlet and a CDI bean see of the injected token: its hash, never the token. */
@WebServlet({"/app/servlet", "/public/servlet"})
public class TokenEchoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    AccessToken token;

    @Inject
    TokenBean bean;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.getWriter().write("{\"present\":" + token.isPresent()
                + ",\"servlet\":\"" + (token.isPresent() ? TokenBean.sha256(token.value()) : "") + "\""
                + ",\"bean\":\"" + bean.tokenSha256() + "\""
                + ",\"toString\":\"" + token.toString().replace("\"", "'") + "\"}");
    }
}
