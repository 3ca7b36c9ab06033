package dev.pkcefilter.it.dpop;

import java.io.IOException;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.it.app.TokenBean;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The token as the application sees it: {@code {"type":"DPoP","sha256":"…"}}, a hash, never the token. */
@WebServlet("/app/dpop/token")
public class DpopTokenServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    AccessToken token;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.getWriter().write("{\"type\":\"" + token.type() + "\",\"sha256\":\"" + TokenBean.sha256(token.value())
                + "\"}");
    }
}
