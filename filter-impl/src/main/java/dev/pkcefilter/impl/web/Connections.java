package dev.pkcefilter.impl.web;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;

import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The endpoints of the further clients ({@code pkce.clients}):
 * <ul>
 *   <li>{@code GET {context}/oauth/connect/<name>?return=<path>} starts that client's authorization (RFC 6749
 *       §4.1.1, with its own state, PKCE and nonce), whether or not the user signed in with the default client;
 *       its callback comes back to the return path.</li>
 *   <li>{@code POST {context}/oauth/disconnect/<name>?return=<path>}, with the logout endpoint's same-origin rules
 *       ({@link LogoutHandler#answer}): drops that client's tokens and revokes them (RFC 7009 §2), and leaves every
 *       other client's alone.</li>
 * </ul>
 * The return path is a path inside the application, including its context path ({@code /shop/app/}); any other
 * value (another origin, a path outside the application) returns to the context root, so that the parameter makes no
 * open redirect (RFC 9700 §4.11).
 */
final class Connections {

    private static final System.Logger LOG = System.getLogger(Connections.class.getName());

    private final PkceContext context;

    Connections(PkceContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    void connect(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<PkceClient> client = client(request, response);
        if (client.isPresent()) {
            client.get().loginStarter().start(request, response, returnPath(request));
        }
    }

    void disconnect(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<PkceClient> client = client(request, response);
        if (client.isEmpty()) {
            return;
        }
        String name = client.get().name().orElseThrow();
        switch (LogoutHandler.answer(request, LogoutHandler.ownOrigins(request, context.config()))) {
            case LOG_OUT -> {
                disconnect(request, client.get());
                Responses.seeOther(response, returnPath(request));
            }
            case CONFIRM -> Responses.confirmPage(response, request.getRequestURI()
                    + (request.getQueryString() == null ? "" : "?" + request.getQueryString()),
                    "Disconnect " + name, "Do you want this application to stop using your " + name + " account?");
            case FORBIDDEN -> {
                LOG.log(Level.INFO, "Refused a disconnect request that another origin sent or that no user asked for");
                Responses.errorPage(response, HttpServletResponse.SC_FORBIDDEN, "Disconnect refused",
                        "This request was sent by another site, or by a page element rather than by you, so "
                                + name + " stays connected.", null, request.getContextPath() + "/");
            }
        }
    }

    /** Drops the client's tokens first, so that no request uses them while they are revoked. */
    private static void disconnect(HttpServletRequest request, PkceClient client) {
        HttpSession session = request.getSession(false);
        Optional<TokenSet> tokens = client.store().tokens(session);
        if (tokens.isEmpty()) {
            return;
        }
        try {
            client.store().dropTokens(session);
            client.refresher().forget(session.getId());
        } catch (IllegalStateException e) { // invalidated meanwhile (a logout): revoked there already
            return;
        }
        request.removeAttribute(client.requestAttribute());
        client.events().loggedOut();
        client.revoke(tokens.get());
    }

    /** @return the further client the path names; empty after answering 404 */
    private Optional<PkceClient> client(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String pathInfo = request.getPathInfo();
        Optional<PkceClient> client = pathInfo == null || pathInfo.length() < 2 ? Optional.empty()
                : context.further(pathInfo.substring(1));
        if (client.isEmpty()) {
            Responses.errorPage(response, HttpServletResponse.SC_NOT_FOUND, "Unknown connection", "This application"
                    + " has no connection of that name.", null, request.getContextPath() + "/");
        }
        return client;
    }

    /** @return the {@code return} parameter when it is a safe path inside the application, else the context root */
    static String returnPath(HttpServletRequest request) {
        String root = request.getContextPath() + "/";
        String[] values = request.getParameterValues("return");
        if (values == null || values.length != 1) {
            return root;
        }
        String target = values[0];
        boolean inside = target.equals(request.getContextPath()) || target.startsWith(root);
        return inside && ReturnPath.isSafe(target) ? target : root;
    }
}
