package dev.pkcefilter.it.dpop;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import dev.pkcefilter.AccessToken;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Application code calling an API with {@code java.net.http} and {@link AccessToken#headersFor}, at
 * {@code /app/dpop/call?url=…}: one {@code GET}, and on a {@code 401} with {@code WWW-Authenticate: DPoP
 * error="use_dpop_nonce"} one retry with {@code headersFor(method, target, nonce)} (RFC 9449 §9). Answers the API's
 * status and body.
 */
@WebServlet("/app/dpop/call")
public class DpopCallServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    AccessToken token;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        URI target = URI.create(request.getParameter("url"));
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> answer = send(http, target, token.headersFor("GET", target));
            String nonce = answer.headers().firstValue("DPoP-Nonce").orElse(null);
            if (answer.statusCode() == 401 && nonce != null && answer.headers().firstValue("WWW-Authenticate")
                    .orElse("").contains("error=\"use_dpop_nonce\"")) {
                answer = send(http, target, token.headersFor("GET", target, nonce));
            }
            response.setContentType("text/plain");
            response.getWriter().write(answer.statusCode() + " " + answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static HttpResponse<String> send(HttpClient http, URI target, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).GET();
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
