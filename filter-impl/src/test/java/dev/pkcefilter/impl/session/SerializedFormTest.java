package dev.pkcefilter.impl.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.pkcefilter.impl.protocol.CodeVerifier;
import dev.pkcefilter.impl.protocol.DpopKey;
import dev.pkcefilter.impl.protocol.Nonce;
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
 *
 * <p>{@code token-set-v2.ser} holds the form of 0.2.0, which added {@code issuedAtMillis} to {@link TokenSet} (a
 * compatible change: the field of an older form reads as 0). {@code token-set-v3.ser} holds the form of 0.3.0,
 * which added {@code user} (a {@link VerifiedUser}; an older form reads as {@code null}, no user).
 * {@code token-set-v4.ser} holds the form that added {@code dpopKey} (the login's DPoP key pair as 96 bytes,
 * RFC 9449; an older form reads as {@code null}, no key), and {@code pending-logins-v2.ser} the pending logins whose
 * {@link PendingLogin} added the component {@code dpopKey} (the same 96 bytes; an older form reads as {@code null}).
 * Each was written by {@link #main} with the classes of its version.
 */
class SerializedFormTest {

    static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");
    static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");

    static TokenSet tokenSet() {
        return TokenSet.from(new TokenResponse("access-token-v1", "Bearer", Optional.of(EXPIRY),
                Optional.of("openid profile"), Optional.of("refresh-token-v1"), Optional.of("id-token-v1")), "openid");
    }

    static final Instant RECEIVED = Instant.parse("2029-12-31T23:55:00Z");

    static TokenSet tokenSetV2() {
        return TokenSet.from(new TokenResponse("access-token-v2", "Bearer", Optional.of(EXPIRY),
                Optional.of("openid profile"), Optional.of("refresh-token-v2"), Optional.of("id-token-v2")), "openid",
                RECEIVED);
    }

    static TokenSet tokenSetV3() {
        return TokenSet.from(new TokenResponse("access-token-v3", "Bearer", Optional.of(EXPIRY),
                Optional.of("openid profile"), Optional.of("refresh-token-v3"), Optional.of("id-token-v3")), "openid",
                RECEIVED, new VerifiedUser("subject-v3", "alice",
                        List.of("admin", "user")));
    }

    /** A fixed EC P-256 key pair ({@code d || x || y}), so that the written bytes are the same at every run. */
    static final DpopKey DPOP_KEY = DpopKey.fromBytes(Base64.getDecoder().decode(
            "0IVxHLLQZyMovVGIleJtGfi7vt1LyzDpYbtQ91UKLN05IR9JzarvsgBs7njQE1R7qXm5Uz7s1dP9Lpkz/i+2wbRFFbxgsHTfYZcBmdWTFwOH90xQYyJPZZQpfzcFDmkx"));

    static TokenSet tokenSetV4() {
        return TokenSet.from(new TokenResponse("access-token-v4", "DPoP", Optional.of(EXPIRY),
                Optional.of("openid profile"), Optional.of("refresh-token-v4"), Optional.of("id-token-v4")), "openid",
                RECEIVED, new VerifiedUser("subject-v4", "alice", List.of("admin", "user")), DPOP_KEY);
    }

    static PendingLogins pendingLoginsV2() {
        return new PendingLogins(List.of(new PendingLogin(new State("state-v2"),
                new CodeVerifier("verifier-v2-" + "a".repeat(40)), URI.create("https://app.example/oauth/callback"),
                "/app/orders?page=2", CREATED, new Nonce("nonce-v2"), DPOP_KEY)));
    }

    static PendingLogins pendingLogins() {
        return new PendingLogins(List.of(new PendingLogin(new State("state-v1"),
                new CodeVerifier("verifier-v1-" + "a".repeat(40)), URI.create("https://app.example/oauth/callback"),
                "/app/orders?page=2", CREATED)));
    }

    /** Writes the resources this test reads; see the class comment. */
    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        Files.write(folder.resolve("token-set-v4.ser"), PendingLoginsTest.serialize(tokenSetV4()));
        Files.write(folder.resolve("pending-logins-v2.ser"), PendingLoginsTest.serialize(pendingLoginsV2()));
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
    void aTokenSetOfVersion1KeepsTheWholeRefreshSkew() throws Exception {
        TokenSet tokens = (TokenSet) read("token-set-v1.ser");
        assertTrue(tokens.isFreshAt(EXPIRY.toEpochMilli() - 30_001, 30_000));
        assertFalse(tokens.isFreshAt(EXPIRY.toEpochMilli() - 30_000, 30_000));
    }

    @Test
    void readsATokenSetWrittenByVersion2() throws Exception {
        TokenSet tokens = (TokenSet) read("token-set-v2.ser");

        assertEquals("access-token-v2", tokens.accessToken());
        assertEquals(Optional.of(EXPIRY), tokens.expiresAt());
        assertEquals(Optional.of("refresh-token-v2"), tokens.refreshToken());
        // a 5-minute lifetime from RECEIVED: the 300-second skew is cut to half of it
        assertTrue(tokens.isFreshAt(EXPIRY.toEpochMilli() - 150_001, 300_000));
        assertFalse(tokens.isFreshAt(EXPIRY.toEpochMilli() - 150_000, 300_000));
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
    void aTokenSetOfVersion2HasNoUser() throws Exception {
        assertTrue(((TokenSet) read("token-set-v2.ser")).user().isEmpty());
    }

    @Test
    void readsATokenSetWrittenByVersion3() throws Exception {
        TokenSet tokens = (TokenSet) read("token-set-v3.ser");

        assertEquals(Optional.of(new VerifiedUser("subject-v3", "alice",
                List.of("admin", "user"))), tokens.user());
        assertEquals("access-token-v3", tokens.accessToken());
    }

    @Test
    void aTokenSetOfVersion3HasNoDpopKey() throws Exception {
        assertTrue(((TokenSet) read("token-set-v3.ser")).dpopKey().isEmpty());
        assertTrue(((TokenSet) read("token-set-v1.ser")).dpopKey().isEmpty());
    }

    @Test
    void readsATokenSetWrittenByVersion4WithItsDpopKey() throws Exception {
        TokenSet tokens = (TokenSet) read("token-set-v4.ser");

        assertEquals(Optional.of(DPOP_KEY), tokens.dpopKey());
        assertEquals(DPOP_KEY.thumbprint(), tokens.dpopKey().get().thumbprint());
        assertEquals("DPoP", tokens.tokenType());
        assertEquals("access-token-v4", tokens.accessToken());
        assertEquals(Optional.of(new VerifiedUser("subject-v4", "alice", List.of("admin", "user"))), tokens.user());
    }

    @Test
    void aRefreshOfAVersion4TokenSetKeepsItsKey() throws Exception {
        TokenSet tokens = ((TokenSet) read("token-set-v4.ser")).refreshedBy(new TokenResponse("access-token-v5",
                "DPoP", Optional.of(EXPIRY), Optional.empty(), Optional.empty(), Optional.empty()), RECEIVED);

        assertEquals(Optional.of(DPOP_KEY), tokens.dpopKey());
        assertEquals(Optional.of("refresh-token-v4"), tokens.refreshToken());
    }

    @Test
    void writesTheSameBytesAsVersion4() throws Exception {
        try (InputStream in = SerializedFormTest.class.getResourceAsStream("token-set-v4.ser")) {
            assertEquals(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(PendingLoginsTest.serialize(tokenSetV4()), java.nio.charset.StandardCharsets.ISO_8859_1),
                    "TokenSet's serialized form changed: check that nodes of the versions before still read it, and"
                    + " add a token-set-v5.ser");
        }
    }

    @Test
    void readsPendingLoginsWrittenByVersion2WithTheirDpopKey() throws Exception {
        PendingLogins pending = (PendingLogins) read("pending-logins-v2.ser");

        PendingLogin login = pending.logins().get(0);
        assertEquals(Optional.of(DPOP_KEY), login.dpop());
        assertTrue(login.state().matches("state-v2"));
        assertTrue(login.nonce().matches("nonce-v2"));
    }

    /** A node of the version before has no DpopKey class: the form holds the key's bytes only, which it ignores. */
    @Test
    void pendingLoginsWithADpopKeyNameNoClassAnOlderNodeLacks() throws Exception {
        String form = new String(PendingLoginsTest.serialize(pendingLoginsV2()), java.nio.charset.StandardCharsets.ISO_8859_1);
        String tokens = new String(PendingLoginsTest.serialize(tokenSetV4()), java.nio.charset.StandardCharsets.ISO_8859_1);

        assertFalse(form.contains("DpopKey"), form);
        assertFalse(tokens.contains("DpopKey"), tokens);
    }

    @Test
    void pendingLoginsOfVersion1HaveNoDpopKey() throws Exception {
        assertTrue(((PendingLogins) read("pending-logins-v1.ser")).logins().get(0).dpop().isEmpty());
    }

    @Test
    void writesTheSamePendingLoginBytesAsVersion2() throws Exception {
        try (InputStream in = SerializedFormTest.class.getResourceAsStream("pending-logins-v2.ser")) {
            assertEquals(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1),
                    new String(PendingLoginsTest.serialize(pendingLoginsV2()), java.nio.charset.StandardCharsets.ISO_8859_1),
                    "PendingLogin's serialized form changed: check that nodes of the versions before still read it,"
                    + " and add a pending-logins-v3.ser");
        }
    }

    /** A DPoP-bound Keycloak session: the key pair adds about 120 bytes and stays under 4 KB. */
    @Test
    void aTypicalKeycloakTokenSetWithADpopKeySerializesUnder4KB() throws Exception {
        TokenSet tokens = TokenSet.from(new TokenResponse(jwt(1300), "DPoP", Optional.of(EXPIRY),
                Optional.of("openid profile email"), Optional.of(jwt(800)), Optional.of(jwt(1300))), "openid",
                RECEIVED, new VerifiedUser(
                        "7a0c4d4e-5f3b-4c2a-9d8e-1f2a3b4c5d6e", "alice",
                        List.of("admin", "offline_access", "uma_authorization", "default-roles-pkce-example")),
                DpopKey.generate());
        TokenSet without = TokenSet.from(new TokenResponse(jwt(1300), "DPoP", Optional.of(EXPIRY),
                Optional.of("openid profile email"), Optional.of(jwt(800)), Optional.of(jwt(1300))), "openid",
                RECEIVED, new VerifiedUser(
                        "7a0c4d4e-5f3b-4c2a-9d8e-1f2a3b4c5d6e", "alice",
                        List.of("admin", "offline_access", "uma_authorization", "default-roles-pkce-example")));

        int size = PendingLoginsTest.serialize(tokens).length;
        int added = size - PendingLoginsTest.serialize(without).length;

        System.out.println("SerializedFormTest: a Keycloak-sized TokenSet with a DPoP key serializes to " + size
                + " bytes, " + added + " for the key");
        assertTrue(size < 4096, size + " bytes");
        assertTrue(added > DpopKey.ENCODED_LENGTH && added < 150, added + " bytes: the 96 and the array's header");
    }

    /**
     * A Keycloak session: access and ID tokens of 1.3 KB each, a refresh token of 0.8 KB, as signed JWTs (base64url),
     * and a verified user with four roles; more than the demo realm's tokens (1130, 1086 and 685 characters,
     * {@code docs/performance.md}). The session's tokens must stay under 4 KB with Keycloak's tokens (issues 6, 14).
     */
    @Test
    void aTypicalKeycloakTokenSetSerializesUnder4KB() throws Exception {
        TokenSet tokens = TokenSet.from(new TokenResponse(jwt(1300), "Bearer", Optional.of(EXPIRY),
                Optional.of("openid profile email"), Optional.of(jwt(800)), Optional.of(jwt(1300))), "openid",
                RECEIVED, new VerifiedUser(
                        "7a0c4d4e-5f3b-4c2a-9d8e-1f2a3b4c5d6e", "alice",
                        List.of("admin", "offline_access", "uma_authorization", "default-roles-pkce-example")));

        int size = PendingLoginsTest.serialize(tokens).length;

        System.out.println("SerializedFormTest: a Keycloak-sized TokenSet (1300 + 1300 + 800 character tokens, a user"
                + " with 4 roles)"
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
