package dev.pkcefilter.impl.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.State;
import dev.pkcefilter.impl.protocol.TokenResponse;

/**
 * The session's values as a cluster stores them: a session written by one version of pkce-filter must be read by
 * the next, since nodes are updated one after the other while the cluster keeps the users' sessions.
 *
 * <p>The {@code *-v1.ser} resources hold the serialized form of 0.1.0 ({@link TokenSet} a final class with
 * {@code serialVersionUID} 1, {@link PendingLogins} and {@link PendingLogin} records). They were written once by
 * {@link #main}, run against the classes of 0.1.0 (main at 6b64560) placed before this build's:
 * {@code java -cp "filter-impl/target/test-classes:OLD/filter-impl/target/classes:OLD/filter-api/target/classes:SERVLET_API_JAR"
 * dev.pkcefilter.impl.session.SerializedFormTest filter-impl/src/test/resources/dev/pkcefilter/impl/session}.
 * Never write them again for a new version: add a {@code -v2} beside them, and keep reading the old ones.
 */
class SerializedFormTest {

    static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");

    static TokenSet tokenSet() {
        return TokenSet.from(new TokenResponse("access-token-v1", "Bearer", Optional.of(EXPIRY),
                Optional.of("openid profile"), Optional.of("refresh-token-v1"), Optional.of("id-token-v1")), "openid");
    }

    static PendingLogins pendingLogins() {
        return new PendingLogins(List.of(new PendingLogin(new State("state-v1"),
                new CodeVerifier("verifier-v1-" + "a".repeat(40)), URI.create("https://app.example/oauth/callback"),
                "/app/orders?page=2", CREATED)));
    }

    /** Writes the resources this test reads; see the class comment. */
    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        Files.write(folder.resolve("token-set-v1.ser"), PendingLoginsTest.serialize(tokenSet()));
        Files.write(folder.resolve("pending-logins-v1.ser"), PendingLoginsTest.serialize(pendingLogins()));
    }

    private static Object read(String resource) throws IOException, ClassNotFoundException {
        try (InputStream in = SerializedFormTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource);
            return PendingLoginsTest.deserialize(in.readAllBytes());
        }
    }

    @Test
    void readsATokenSetWrittenByVersion1() throws Exception {
        TokenSet tokens = (TokenSet) read("token-set-v1.ser");

        assertEquals("access-token-v1", tokens.accessToken());
        assertEquals("Bearer", tokens.tokenType());
        assertEquals(Optional.of(EXPIRY), tokens.expiresAt());
        assertEquals("openid profile", tokens.scope());
        assertEquals(Optional.of("refresh-token-v1"), tokens.refreshToken());
        assertEquals(Optional.of("id-token-v1"), tokens.idToken());
    }

    @Test
    void readsPendingLoginsWrittenByVersion1() throws Exception {
        PendingLogins pending = (PendingLogins) read("pending-logins-v1.ser");

        assertEquals(pendingLogins(), pending);
        PendingLogin login = pending.logins().get(0);
        assertTrue(login.state().matches("state-v1"));
        assertEquals(new CodeVerifier("verifier-v1-" + "a".repeat(40)), login.verifier());
        assertEquals("/app/orders?page=2", login.returnPath());
        assertEquals(CREATED, login.createdAt());
    }

    @Test
    void writesTheSameBytesAsVersion1() throws Exception {
        try (InputStream in = SerializedFormTest.class.getResourceAsStream("token-set-v1.ser")) {
            assertEquals(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(PendingLoginsTest.serialize(tokenSet()), java.nio.charset.StandardCharsets.ISO_8859_1),
                    "TokenSet's serialized form changed: a node of the new version would drop the sessions of an old one");
        }
    }

    /**
     * A typical Keycloak session: access and ID tokens of about 1.4 KB each, a refresh token of about 0.8 KB, as
     * signed JWTs (base64url). Issue 6 requires the session's tokens to stay under 4 KB.
     */
    @Test
    void aTypicalKeycloakTokenSetSerializesUnder4KB() throws Exception {
        TokenSet tokens = TokenSet.from(new TokenResponse(jwt(1400), "Bearer", Optional.of(EXPIRY),
                Optional.of("openid profile email"), Optional.of(jwt(800)), Optional.of(jwt(1400))), "openid");

        int size = PendingLoginsTest.serialize(tokens).length;

        System.out.println("SerializedFormTest: a Keycloak-sized TokenSet (1400 + 1400 + 800 character tokens)"
                + " serializes to " + size + " bytes");
        assertTrue(size < 4096, size + " bytes");
    }

    private static String jwt(int length) {
        String header = "eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIiwia2lkIiA6ICJ4In0.";
        StringBuilder jwt = new StringBuilder(header);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = jwt.length(); i < length; i++) {
            jwt.append(i == length - 344 ? '.' : alphabet.charAt((i * 31) % alphabet.length()));
        }
        return jwt.toString();
    }
}
