package dev.pkcefilter.impl.protocol;

import static dev.pkcefilter.impl.protocol.FakeServer.json;
import static dev.pkcefilter.impl.protocol.FakeServer.respond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.Discovery.DiscoveryException;
import dev.pkcefilter.impl.testing.LogCapture;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

class DiscoveryTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String OIDC_PATH = "/realms/x/.well-known/openid-configuration";
    private static final String RFC8414_PATH = "/.well-known/oauth-authorization-server/realms/x";

    private FakeServer server;
    private URI issuer;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeServer();
        issuer = server.uri("/realms/x");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @AfterAll
    static void closeJsonb() throws Exception {
        JSONB.close();
    }

    private static Discovery discovery() {
        return new Discovery(new BoundedHttp(HTTP, TIMEOUT), JSONB);
    }

    private String document(String issuerValue, String... members) {
        StringBuilder json = new StringBuilder("{\"issuer\":\"" + issuerValue + "\"");
        for (String member : members) {
            json.append(',').append(member);
        }
        return json.append('}').toString();
    }

    private String endpoints() {
        return "\"authorization_endpoint\":\"" + issuer + "/protocol/openid-connect/auth\","
                + "\"token_endpoint\":\"" + issuer + "/protocol/openid-connect/token\"";
    }

    private DiscoveryException failure() {
        return assertThrows(DiscoveryException.class, () -> discovery().discover(issuer));
    }

    @Test
    void readsTheOpenIdConnectDocument() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(), endpoints(),
                "\"revocation_endpoint\":\"" + issuer + "/revoke\"",
                "\"end_session_endpoint\":\"" + issuer + "/logout\"",
                "\"userinfo_endpoint\":\"" + issuer + "/userinfo\"",
                "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]",
                "\"authorization_response_iss_parameter_supported\":true")));

        ProviderMetadata metadata = discovery().discover(issuer);

        assertEquals(new ProviderMetadata(Optional.of(issuer), URI.create(issuer + "/protocol/openid-connect/auth"),
                URI.create(issuer + "/protocol/openid-connect/token"), Optional.of(URI.create(issuer + "/revoke")),
                Optional.of(URI.create(issuer + "/logout")), Optional.of(URI.create(issuer + "/userinfo")), true,
                List.of("plain", "S256"), Optional.empty()), metadata);
        assertEquals(List.of("GET " + OIDC_PATH), paths());
        assertEquals("application/json", server.requests().get(0).header("Accept"));
    }

    @Test
    void leavesOptionalEndpointsEmptyWhenTheDocumentHasNone() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(), endpoints())));

        ProviderMetadata metadata = discovery().discover(issuer);

        assertEquals(Optional.empty(), metadata.revocationEndpoint());
        assertEquals(Optional.empty(), metadata.endSessionEndpoint());
        assertEquals(Optional.empty(), metadata.userinfoEndpoint());
        assertFalse(metadata.issParameterSupported());
        assertEquals(List.of(), metadata.codeChallengeMethods());
    }

    @Test
    void fallsBackToTheRfc8414Location() {
        server.on(RFC8414_PATH, json(200, document(issuer.toString(), endpoints())));

        ProviderMetadata metadata = discovery().discover(issuer);

        assertEquals(URI.create(issuer + "/protocol/openid-connect/token"), metadata.tokenEndpoint());
        assertEquals(List.of("GET " + OIDC_PATH, "GET " + RFC8414_PATH), paths());
    }

    @Test
    void insertsTheWellKnownPathsAsRfc8414Says() {
        assertEquals(List.of(URI.create("https://as.example/realms/x/.well-known/openid-configuration"),
                        URI.create("https://as.example/.well-known/oauth-authorization-server/realms/x")),
                Discovery.wellKnownLocations(URI.create("https://as.example/realms/x")));
        assertEquals(List.of(URI.create("https://as.example:8443/realms/x/.well-known/openid-configuration"),
                        URI.create("https://as.example:8443/.well-known/oauth-authorization-server/realms/x")),
                Discovery.wellKnownLocations(URI.create("https://as.example:8443/realms/x/")));
        assertEquals(List.of(URI.create("https://as.example/.well-known/openid-configuration"),
                        URI.create("https://as.example/.well-known/oauth-authorization-server")),
                Discovery.wellKnownLocations(URI.create("https://as.example")));
    }

    @Test
    void rejectsADocumentOfAnotherIssuer() {
        server.on(OIDC_PATH, json(200, document("https://evil.example/realms/x", endpoints())));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration names the"
                + " issuer 'https://evil.example/realms/x'. Set pkce.issuer to exactly the issuer the server announces,"
                + " trailing slash included.", e.getMessage());
    }

    @Test
    void rejectsADocumentThatDiffersOnlyByATrailingSlash() {
        server.on(OIDC_PATH, json(200, document(issuer + "/", endpoints())));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertTrue(e.getMessage().contains("names the issuer '" + issuer + "/'"), e.getMessage());
    }

    @Test
    void rejectsADocumentWithoutIssuer() {
        server.on(OIDC_PATH, json(200, "{" + endpoints() + "}"));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration names the"
                + " issuer '(none)'. Set pkce.issuer to exactly the issuer the server announces, trailing slash"
                + " included.", e.getMessage());
    }

    @Test
    void rejectsMalformedJson() {
        server.on(OIDC_PATH, json(200, "{\"issuer\":\"" + issuer + "\","));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration is not a"
                + " JSON object.", e.getMessage());
    }

    @Test
    void rejectsADocumentWithoutTokenEndpoint() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(),
                "\"authorization_endpoint\":\"" + issuer + "/auth\"")));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration has no"
                + " token_endpoint.", e.getMessage());
    }

    @Test
    void rejectsEndpointsThatAreNotAbsoluteHttpUrls() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(), "\"authorization_endpoint\":\"/auth\"",
                "\"token_endpoint\":\"javascript:alert(1)\"", "\"userinfo_endpoint\":\"ftp://as.example/u\"")));

        DiscoveryException e = failure();

        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration has"
                + " authorization_endpoint that is not an absolute http(s) URL without a fragment; has token_endpoint"
                + " that is not an absolute http(s) URL without a fragment; has userinfo_endpoint that is not an"
                + " absolute http(s) URL without a fragment.", e.getMessage());
    }

    @Test
    void rejectsAnEndpointWithAFragment() {
        // RFC 6749 §3.1: the authorization endpoint URI MUST NOT include a fragment; the request would hide in it
        server.on(OIDC_PATH, json(200, document(issuer.toString(),
                "\"authorization_endpoint\":\"" + issuer + "/auth#login\"",
                "\"token_endpoint\":\"" + issuer + "/token\"")));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration has"
                + " authorization_endpoint that is not an absolute http(s) URL without a fragment.", e.getMessage());
    }

    @Test
    void namesBothLocationsWhenNeitherHasADocument() {
        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " found no metadata document; tried " + server.uri(OIDC_PATH)
                + " (404) and " + server.uri(RFC8414_PATH) + " (404). Check pkce.issuer, or set"
                + " pkce.authorization-endpoint and pkce.token-endpoint instead.", e.getMessage());
    }

    @Test
    void reportsAServerErrorAsTransient() {
        server.on(OIDC_PATH, respond(503, "text/html", "<h1>Service Unavailable</h1>"));

        DiscoveryException e = failure();

        assertTrue(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + server.uri(OIDC_PATH) + " answered HTTP 503.",
                e.getMessage());
    }

    @Test
    void reportsAClientErrorOtherThan404AsPermanent() {
        server.on(OIDC_PATH, respond(403, "text/html", "Forbidden"));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + server.uri(OIDC_PATH) + " answered HTTP 403.",
                e.getMessage());
    }

    @Test
    void rejectsADocumentOverTheSizeBoundAsPermanent() {
        String padding = "\"padding\":\"" + "p".repeat(BoundedHttp.MAX_BYTES) + "\"";
        server.on(OIDC_PATH, json(200, document(issuer.toString(), endpoints(), padding)));

        DiscoveryException e = failure();

        assertFalse(e.isTransient());
        assertEquals("Discovery of " + issuer + " failed: " + server.uri(OIDC_PATH) + " answered more than 1048576"
                + " bytes.", e.getMessage());
    }

    @Test
    void reportsAnUnreachableServerAsTransient() throws IOException {
        URI unreachable = FakeServer.closedPort("/realms/x");

        DiscoveryException e = assertThrows(DiscoveryException.class, () -> discovery().discover(unreachable));

        assertTrue(e.isTransient());
        assertEquals("Discovery of " + unreachable + " failed: " + unreachable + "/.well-known/openid-configuration"
                + " could not be reached. Check pkce.issuer and that the authorization server is running.",
                e.getMessage());
    }

    private List<String> paths() {
        return server.requests().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    private static final String CLEAR_TEXT = ". Codes, tokens and the client secret would cross the network in clear"
            + " text (RFC 6749 §10.9): serve the endpoints over https, or set pkce.allow-insecure-http=true for"
            + " development.";

    @Test
    void refusesADocumentNamingHttpEndpointsOnAHostThatIsNotLoopback() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(),
                "\"authorization_endpoint\":\"http://login.example.com/auth\"",
                "\"token_endpoint\":\"http://login.example.com/token?x=1\"",
                "\"revocation_endpoint\":\"" + issuer + "/revoke\"",
                "\"userinfo_endpoint\":\"http://10.0.0.1/userinfo\"")));

        DiscoveryException e = failure();

        assertEquals("Discovery of " + issuer + " failed: " + issuer + "/.well-known/openid-configuration has"
                + " authorization_endpoint http://login.example.com/auth, which is not https; has token_endpoint"
                + " http://login.example.com/token, which is not https; has userinfo_endpoint http://10.0.0.1/userinfo,"
                + " which is not https" + CLEAR_TEXT, e.getMessage());
        assertFalse(e.isTransient(), "fails the deployment");
    }

    @Test
    void readsThePushedAuthorizationRequestEndpointAndWhetherItIsRequired() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(), endpoints(),
                "\"pushed_authorization_request_endpoint\":\"" + issuer + "/par\"",
                "\"require_pushed_authorization_requests\":true")));

        ProviderMetadata metadata = discovery().discover(issuer);

        assertEquals(Optional.of(URI.create(issuer + "/par")), metadata.pushedAuthorizationRequestEndpoint());
        assertTrue(metadata.requirePushedAuthorizationRequests());
    }

    @Test
    void requiresPushedRequestsOnlyForTheJsonTrue() {
        server.on(OIDC_PATH, json(200, document(issuer.toString(), endpoints(),
                "\"pushed_authorization_request_endpoint\":\"" + issuer + "/par\"",
                "\"require_pushed_authorization_requests\":\"true\"")));

        ProviderMetadata metadata = discovery().discover(issuer);

        assertFalse(metadata.requirePushedAuthorizationRequests(), "RFC 9126 §5: a boolean; absent or other is false");
        assertEquals(Optional.of(URI.create(issuer + "/par")), metadata.pushedAuthorizationRequestEndpoint());
    }

    @Test
    void holdsThePushedAuthorizationRequestEndpointToTheTlsRule() {
        URI https = URI.create("https://login.example.com/realms/x");

        DiscoveryException e = assertThrows(DiscoveryException.class, () -> discovery().parse(https,
                URI.create(https + "/.well-known/openid-configuration"), document(https.toString(),
                        "\"authorization_endpoint\":\"https://login.example.com/auth\"",
                        "\"token_endpoint\":\"https://login.example.com/token\"",
                        "\"pushed_authorization_request_endpoint\":\"http://login.example.com/par\"")));

        assertEquals("Discovery of " + https + " failed: " + https + "/.well-known/openid-configuration has"
                + " pushed_authorization_request_endpoint http://login.example.com/par, which is not https"
                + CLEAR_TEXT, e.getMessage());
        DiscoveryException notUrl = assertThrows(DiscoveryException.class, () -> discovery().parse(https,
                URI.create(https + "/.well-known/openid-configuration"), document(https.toString(),
                        "\"authorization_endpoint\":\"https://login.example.com/auth\"",
                        "\"token_endpoint\":\"https://login.example.com/token\"",
                        "\"pushed_authorization_request_endpoint\":\"urn:par\"")));
        assertTrue(notUrl.getMessage().contains("has pushed_authorization_request_endpoint that is not an absolute"
                + " http(s) URL"), notUrl.getMessage());
    }

    @Test
    void refusesHttpEndpointsUnderAnHttpsIssuerEvenOnLoopback() {
        URI https = URI.create("https://login.example.com/realms/x");

        DiscoveryException e = assertThrows(DiscoveryException.class, () -> discovery().parse(https,
                URI.create(https + "/.well-known/openid-configuration"), document(https.toString(),
                        "\"authorization_endpoint\":\"https://login.example.com/auth\"",
                        "\"token_endpoint\":\"https://login.example.com/token\"",
                        "\"end_session_endpoint\":\"http://127.0.0.1:8080/logout\"")));

        assertEquals("Discovery of " + https + " failed: " + https + "/.well-known/openid-configuration has"
                + " end_session_endpoint http://127.0.0.1:8080/logout, which is not https" + CLEAR_TEXT, e.getMessage());
    }

    @Test
    void acceptsHttpsEndpointsUnderAnHttpsIssuer() {
        URI https = URI.create("https://login.example.com/realms/x");

        ProviderMetadata metadata = discovery().parse(https, URI.create(https + "/.well-known/openid-configuration"),
                document(https.toString(), "\"authorization_endpoint\":\"https://login.example.com/auth\"",
                        "\"token_endpoint\":\"https://login.example.com/token\""));

        assertEquals(URI.create("https://login.example.com/token"), metadata.tokenEndpoint());
    }

    @Test
    void allowsHttpEndpointsWhenTheKeySaysSoAndWarnsNamingThem() {
        URI https = URI.create("https://login.example.com/realms/x");
        try (LogCapture log = LogCapture.of(Discovery.class)) {
            ProviderMetadata metadata = new Discovery(new BoundedHttp(HTTP, TIMEOUT), JSONB, true).parse(https,
                    URI.create(https + "/.well-known/openid-configuration"), document(https.toString(),
                            "\"authorization_endpoint\":\"https://login.example.com/auth\"",
                            "\"token_endpoint\":\"http://login.example.com/token\""));

            assertEquals(URI.create("http://login.example.com/token"), metadata.tokenEndpoint());
            assertEquals(List.of("pkce.allow-insecure-http is true, and the metadata of " + https + " names http"
                    + " endpoints: token_endpoint http://login.example.com/token. Use https outside development."),
                    log.messages(Level.WARNING));
        }
    }
}
