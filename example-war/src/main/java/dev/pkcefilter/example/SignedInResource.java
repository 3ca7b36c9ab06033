package dev.pkcefilter.example;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.pkcefilter.AccessToken;
import dev.pkcefilter.AccessTokens;
import dev.pkcefilter.SignedInUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/**
 * The signed-in part of the example: a page for people, the token's facts as JSON, and an API call; and the further
 * clients ({@code pkce.clients}, the demo's {@code partner}) that the user may connect, each with its own token.
 */
@Path("/")
@RequestScoped
public class SignedInResource {

    @Inject
    AccessToken token;

    @Inject
    SignedInUser user;

    @Inject
    AccessTokens tokens;

    @Inject
    ApiClient api;

    @Context
    UriInfo uri;

    /** The page a signed-in person sees. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    public String page() {
        ApiClient.Answer me = api.me();
        String name = user.isPresent() ? user.name() : "there"; // verified by pkce-filter at sign-in
        return Html.page("Signed in", "<h1>Hello, " + Html.escape(name) + "</h1>"
                + "<p class=\"lead\">You are signed in. This page got an access token from the authorization server"
                + " and used it to call an API on your behalf.</p>"
                + "<table>"
                + row("Roles", user.isPresent() ? String.join(", ", user.roles()) : "")
                + row("Token type", token.type())
                + row("Expires", token.expiresAt().map(Instant::toString).orElse("not said"))
                + row("Scopes", String.join(" ", token.scopes()))
                + row("Token SHA-256", sha256(token.value()).substring(0, 16) + "…")
                + row("API answered", me.status() == 200 ? "200 OK" : "HTTP " + me.status())
                + "</table>"
                + connections()
                + "<p><a href=\"me\">Who you are (JSON)</a> · <a href=\"token\">Token facts (JSON)</a>"
                + " · <a href=\"userinfo\">What the API said (JSON)</a> · <a href=\"admin\">Admins only</a>"
                + " · <a href=\"../\">Home</a></p>"
                // pkce-filter's logout endpoint (pkce.logout-path): a POST, so that no other site can sign you out
                + "<form method=\"post\" action=\"../oauth/logout\"><button type=\"submit\">Sign out</button></form>");
    }

    /**
     * Each further client: a link that connects it (pkce-filter's {@code /oauth/connect/<name>}, back to this page),
     * or, once connected, its token's facts and a button that disconnects it.
     */
    private String connections() {
        StringBuilder html = new StringBuilder();
        // this page's path, context root included (/example/app/): where pkce-filter sends the browser back to
        String back = URLEncoder.encode(uri.getBaseUri().getRawPath(), StandardCharsets.UTF_8);
        for (String name : tokens.clients()) {
            AccessToken connected = tokens.get(name);
            String id = Html.escape(name);
            html.append("<h2>").append(Html.escape(capitalized(name))).append("</h2>");
            if (!connected.isPresent()) {
                html.append("<p id=\"").append(id).append("-not-connected\">Not connected. <a id=\"connect-")
                        .append(id).append("\" href=\"../oauth/connect/").append(id).append("?return=").append(back)
                        .append("\">Connect ").append(id).append("</a></p>");
                continue;
            }
            html.append("<table id=\"").append(id).append("-facts\">")
                    .append(row("Token type", connected.type()))
                    .append(row("Expires", connected.expiresAt().map(Instant::toString).orElse("not said")))
                    .append(row("Scopes", String.join(" ", connected.scopes())))
                    .append(row("Token SHA-256", sha256(connected.value()).substring(0, 16) + "…"))
                    .append("</table>")
                    .append("<p><a href=\"connections/").append(id).append("/token\">")
                    .append(id).append(" token facts (JSON)</a></p>")
                    // a POST, as for sign-out: no other site can disconnect it (pkce-filter refuses cross-origin)
                    .append("<form method=\"post\" action=\"../oauth/disconnect/").append(id).append("?return=")
                    .append(back).append("\"><button type=\"submit\" id=\"disconnect-").append(id)
                    .append("\">Disconnect ").append(id).append("</button></form>");
        }
        return html.toString();
    }

    /** The token's facts, never the token itself. */
    @GET
    @Path("token")
    @Produces(MediaType.APPLICATION_JSON)
    public Response token() {
        return json(200, facts(token));
    }

    /**
     * A further client's token facts, as {@link #token()} gives the sign-in token's: {@code "present":false} while
     * the user has not connected it; 404 for a name {@code pkce.clients} does not list.
     */
    @GET
    @Path("connections/{name}/token")
    @Produces(MediaType.APPLICATION_JSON)
    public Response connectionToken(@PathParam("name") String name) {
        if (!tokens.clients().contains(name)) { // tokens.get would throw PkceFilterException
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("error", "unknown_client");
            error.put("clients", tokens.clients());
            return json(404, error);
        }
        return json(200, facts(tokens.get(name)));
    }

    private static Map<String, Object> facts(AccessToken token) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("present", token.isPresent());
        if (token.isPresent()) {
            facts.put("tokenType", token.type());
            facts.put("expiresAt", token.expiresAt().map(Instant::toString).orElse(null));
            facts.put("scope", String.join(" ", token.scopes()));
            facts.put("tokenSha256", sha256(token.value()));
        }
        return facts;
    }

    /** The verified user. */
    @GET
    @Path("me")
    @Produces(MediaType.APPLICATION_JSON)
    public Response me() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("name", user.isPresent() ? user.name() : null);
        facts.put("subject", user.isPresent() ? user.subject() : null);
        facts.put("issuer", user.isPresent() ? user.issuer() : null);
        facts.put("roles", user.roles());
        facts.put("verified", user.isPresent());
        return json(200, facts);
    }

    /** Calls the API with the user's bearer token and answers what it said. */
    @GET
    @Path("userinfo")
    @Produces(MediaType.APPLICATION_JSON)
    public Response userinfo() {
        ApiClient.Answer answer = api.me();
        if (answer.status() == 200 && answer.json().isPresent()) {
            return json(200, answer.json().get());
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", "api_call_failed");
        error.put("apiStatus", answer.status());
        return json(502, error);
    }

    private static String capitalized(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    private static String row(String label, String value) {
        return "<tr><th>" + Html.escape(label) + "</th><td>" + Html.escape(value) + "</td></tr>";
    }

    static Response json(int status, Map<String, Object> body) {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .header("Cache-Control", "no-store").entity(jsonb.toJson(body)).build();
        } catch (Exception e) {
            throw new IllegalStateException("JSON-B failed", e);
        }
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
