package dev.pkcefilter.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.protocol.ClientKey;
import dev.pkcefilter.impl.testing.TestKeys;

/**
 * {@code pkce.client-key-file} and its keys: PKCS#12 and PEM, RSA and EC, each bad file a problem naming the full
 * key, and never the password or the key.
 */
class ClientKeyConfigTest {

    private static final String ONE = "pkce-filter configuration is invalid (1 problem):\n  - ";
    private static final String PASSWORD = "Keystore-Pa55word!";
    private static final URI ISSUER = URI.create("https://login.example.com/realms/shop");

    @TempDir
    static Path dir;
    static Path rsaP12;
    static Path ecP12;
    static Path twoKeysP12;
    static KeyStore.PrivateKeyEntry rsaEntry;
    static KeyStore.PrivateKeyEntry ecEntry;

    @BeforeAll
    static void makeKeys() throws Exception {
        rsaP12 = TestKeys.addToPkcs12(dir.resolve("rsa.p12"), PASSWORD, "shop", "RSA", "2048");
        ecP12 = TestKeys.addToPkcs12(dir.resolve("ec.pfx"), PASSWORD, "shop-ec", "EC", "secp256r1");
        twoKeysP12 = TestKeys.addToPkcs12(dir.resolve("two.p12"), PASSWORD, "old", "EC", "secp256r1");
        TestKeys.addToPkcs12(twoKeysP12, PASSWORD, "new", "EC", "secp256r1");
        rsaEntry = TestKeys.entry(rsaP12, PASSWORD, "shop");
        ecEntry = TestKeys.entry(ecP12, PASSWORD, "shop-ec");
    }

    private static Sources withKey(Path file) {
        return Sources.minimal().servlet(ConfigKey.CLIENT_KEY_FILE, file.toString());
    }

    private static Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    /** @return what the loaded client signs: its assertion, checked against the public key */
    private static SignedJWT signed(ClientConfiguration config, java.security.PublicKey publicKey) throws Exception {
        Map<String, String> params = config.client().authentication().bodyParameters(
                config.server().tokenEndpoint().orElse(URI.create(ISSUER + "/token")));
        SignedJWT jwt = SignedJWT.parse(params.get("client_assertion"));
        assertTrue(jwt.verify(publicKey instanceof java.security.interfaces.RSAPublicKey rsa ? new RSASSAVerifier(rsa)
                : new ECDSAVerifier((java.security.interfaces.ECPublicKey) publicKey)));
        return jwt;
    }

    @Test
    void readsAnRsaKeyFromPkcs12AndSignsPs256WithItsThumbprintAsKid() throws Exception {
        ClientConfiguration config = withKey(rsaP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).load();

        assertEquals(ClientAuthMethod.PRIVATE_KEY_JWT, config.client().authMethod(), "the default with a key file");
        assertEquals(Optional.of(ISSUER), config.client().assertionAudience());
        SignedJWT jwt = signed(config, rsaEntry.getCertificate().getPublicKey());
        assertEquals(JWSAlgorithm.PS256, jwt.getHeader().getAlgorithm());
        assertEquals(new RSAKey.Builder((java.security.interfaces.RSAPublicKey) rsaEntry.getCertificate()
                .getPublicKey()).build().computeThumbprint().toString(), jwt.getHeader().getKeyID());
        assertEquals(List.of(ISSUER.toString()), jwt.getJWTClaimsSet().getAudience());
    }

    @Test
    void readsAnEcKeyFromPkcs12AndSignsEs256WithTheGivenKidAndAlgorithm() throws Exception {
        ClientConfiguration config = withKey(ecP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD)
                .servlet(ConfigKey.CLIENT_KEY_ID, "shop-2030").servlet(ConfigKey.CLIENT_KEY_ALGORITHM, "es256")
                .servlet(ConfigKey.CLIENT_AUTH, "private_key_jwt").load();

        SignedJWT jwt = signed(config, ecEntry.getCertificate().getPublicKey());
        assertEquals(JWSAlgorithm.ES256, jwt.getHeader().getAlgorithm());
        assertEquals("shop-2030", jwt.getHeader().getKeyID());
    }

    @Test
    void readsTheNamedEntryOfAKeystoreWithSeveralKeys() throws Exception {
        ClientConfiguration config = withKey(twoKeysP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD)
                .servlet(ConfigKey.CLIENT_KEY_ALIAS, "new").load();

        signed(config, TestKeys.entry(twoKeysP12, PASSWORD, "new").getCertificate().getPublicKey());
    }

    @Test
    void readsAnRsaPemKeyAndSignsRs256WhenAsked() throws Exception {
        Path pem = write("rsa.pem", TestKeys.pem(rsaEntry.getPrivateKey()));

        ClientConfiguration config = withKey(pem).servlet(ConfigKey.CLIENT_KEY_ALGORITHM, "RS256").load();

        assertEquals(JWSAlgorithm.RS256, signed(config, rsaEntry.getCertificate().getPublicKey()).getHeader()
                .getAlgorithm());
    }

    @Test
    void readsAnEcPemKeyWithItsPublicKeyBlockOrCertificate() throws Exception {
        KeyPair pair = TestKeys.ec("secp256r1");
        signed(withKey(write("ec.pem", TestKeys.pem(pair))).load(), pair.getPublic());
        signed(withKey(write("ec-cert.pem", TestKeys.pem(ecEntry.getPrivateKey())
                + TestKeys.pem("CERTIFICATE", ecEntry.getCertificate().getEncoded()))).load(),
                ecEntry.getCertificate().getPublicKey());
    }

    @Test
    void readsTheEcPublicKeyOpenSslWritesIntoThePkcs8Key() throws Exception {
        ClientConfiguration config = withKey(write("openssl.pem", TestKeys.OPENSSL_EC_PEM)).load();

        ClientKey key = config.client().key().orElseThrow();
        signed(config, ((ECKey) key.publicJwk()).toECPublicKey());
        assertEquals(JWSAlgorithm.ES256, key.algorithm());
    }

    @Test
    void reportsABadPathNamingTheKey() throws Exception {
        assertEquals(ONE + "pkce.client-key-file 'key.p12' is not an absolute path: give the full path of the key"
                + " file, such as /run/secrets/client.p12", withKey(Path.of("key.p12")).failure());
        assertEquals(ONE + "pkce.client-key-file '" + dir.resolve("none.p12") + "' does not exist: put the client's"
                + " PKCS#12 keystore or PEM private key there, or correct the path",
                withKey(dir.resolve("none.p12")).failure());
        assertEquals(ONE + "pkce.client-key-file '" + dir + "' is a directory: give the path of the PKCS#12 or PEM"
                + " file in it", withKey(dir).failure());
        assertEquals(ONE + "pkce.client-key-file '" + dir.resolve("empty.p12") + "' is empty: write the client's"
                + " PKCS#12 keystore or PEM private key into it", withKey(write("empty.p12", "")).failure());
    }

    @Test
    void reportsAFileThatCannotBeRead() throws Exception {
        // a path through a regular file cannot be opened, as root too (permissions do not stop root)
        Path through = write("plain", "x").resolve("key.p12");

        assertEquals(ONE + "pkce.client-key-file '" + through + "' cannot be read (FileSystemException): make it a"
                + " file the server's user may read", withKey(through).failure());
    }

    @Test
    void reportsAWrongOrMissingPassword() {
        assertEquals(ONE + "pkce.client-key-file '" + rsaP12 + "' cannot be opened with pkce.client-key-password:"
                + " the password is wrong", withKey(rsaP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, "wrong").failure());
        assertEquals(ONE + "pkce.client-key-file '" + rsaP12 + "' is a PKCS#12 keystore, but pkce.client-key-password"
                + " is not set: " + ConfigKey.CLIENT_KEY_PASSWORD.howToSet() + " (a file that is not PKCS#12 must be"
                + " PEM, starting with -----BEGIN PRIVATE KEY-----)", withKey(rsaP12).failure());
    }

    @Test
    void reportsAFileOfAnotherType() throws Exception {
        Path text = write("notes.p12", "this is not a key\n");
        assertEquals(ONE + "pkce.client-key-file '" + text + "' is neither a PKCS#12 keystore nor a PEM file: give a"
                + " .p12 keystore, or a PEM file with -----BEGIN PRIVATE KEY-----",
                withKey(text).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).failure());
        Path certOnly = write("cert.pem", TestKeys.pem("CERTIFICATE", rsaEntry.getCertificate().getEncoded()));
        assertEquals(ONE + "pkce.client-key-file '" + certOnly + "' is a PEM file without a private key: it must hold"
                + " the client's key as -----BEGIN PRIVATE KEY----- (unencrypted PKCS#8)", withKey(certOnly).failure());
        Path pkcs1 = write("pkcs1.pem", TestKeys.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
        assertEquals(ONE + "pkce.client-key-file '" + pkcs1 + "' holds a RSA PRIVATE KEY (PKCS#1 or SEC 1), not"
                + " PKCS#8: convert it with openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem",
                withKey(pkcs1).failure());
        Path encrypted = write("encrypted.pem", TestKeys.pem("ENCRYPTED PRIVATE KEY", new byte[] {1, 2, 3}));
        assertTrue(withKey(encrypted).failure().startsWith(ONE + "pkce.client-key-file '" + encrypted + "' holds an"
                + " encrypted private key: give it unencrypted"));
        Path damaged = write("damaged.pem", TestKeys.pem("PRIVATE KEY", new byte[] {48, 3, 2, 1, 0}));
        assertEquals(ONE + "pkce.client-key-file '" + damaged + "' holds a private key that is neither RSA nor EC,"
                + " or is damaged: give an RSA or EC P-256 key as unencrypted PKCS#8", withKey(damaged).failure());
        Path ecWithoutPublic = write("ec-alone.pem", TestKeys.pem(ecEntry.getPrivateKey()));
        assertEquals(ONE + "pkce.client-key-file '" + ecWithoutPublic + "' holds an EC private key without its public"
                + " key: add the public key to the file (openssl pkey -in key.pem -pubout >> key.pem), or write the"
                + " key with openssl genpkey", withKey(ecWithoutPublic).failure());
    }

    @Test
    void reportsAnAmbiguousOrMissingKey() throws Exception {
        assertEquals(ONE + "pkce.client-key-file '" + twoKeysP12 + "' holds 2 keys (new, old): set"
                + " pkce.client-key-alias to the one the client signs with", sorted(withKey(twoKeysP12)
                .servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).failure()));
        assertEquals(ONE + "pkce.client-key-file '" + rsaP12 + "' has no key entry 'other' (pkce.client-key-alias):"
                + " its key entries are shop", withKey(rsaP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD)
                .servlet(ConfigKey.CLIENT_KEY_ALIAS, "other").failure());
        Path twoPem = write("two.pem", TestKeys.pem(TestKeys.ec("secp256r1")) + TestKeys.pem(TestKeys.ec("secp256r1")));
        assertEquals(ONE + "pkce.client-key-file '" + twoPem + "' holds 2 private keys: keep the one the client signs"
                + " with", withKey(twoPem).failure());
    }

    /** The keystore lists its entries in no fixed order. */
    private static String sorted(String message) {
        return message.replace("(old, new)", "(new, old)");
    }

    @Test
    void reportsAnAlgorithmThatDoesNotFitTheKey() {
        assertEquals(ONE + "pkce.client-key-file '" + rsaP12 + "' is an RSA key, which cannot sign ES256: use PS256"
                + " or RS256, or an EC P-256 key for ES256 (pkce.client-key-algorithm is ES256)", withKey(rsaP12)
                .servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).servlet(ConfigKey.CLIENT_KEY_ALGORITHM, "ES256")
                .failure());
        assertEquals(ONE + "pkce.client-key-algorithm 'HS256' is not known: use one of RS256, PS256, ES256, or leave"
                + " it unset for PS256 with an RSA key and ES256 with an EC key", withKey(rsaP12)
                .servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).servlet(ConfigKey.CLIENT_KEY_ALGORITHM, "HS256")
                .failure());
    }

    @Test
    void reportsKeysThatDoNotGoTogether() throws Exception {
        Path pem = write("together.pem", TestKeys.pem(rsaEntry.getPrivateKey()));
        assertEquals(ONE + "pkce.client-key-file '" + pem + "' is a PEM file, which has no password, but"
                + " pkce.client-key-password is set: remove it, or give a PKCS#12 keystore",
                withKey(pem).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).failure());
        assertEquals(ONE + "pkce.client-auth is private_key_jwt but pkce.client-key-file is not set: "
                + ConfigKey.CLIENT_KEY_FILE.howToSet() + " to a PKCS#12 keystore or a PEM private key",
                Sources.minimal().servlet(ConfigKey.CLIENT_AUTH, "private_key_jwt").failure());
        assertEquals(ONE + "pkce.client-key-file is set but pkce.client-auth is client_secret_basic: use"
                + " private_key_jwt (or leave pkce.client-auth unset), or remove the key file", withKey(pem)
                .servlet(ConfigKey.CLIENT_SECRET, "s3cret").servlet(ConfigKey.CLIENT_AUTH, "client_secret_basic")
                .failure());
        assertEquals("pkce-filter configuration is invalid (2 problems):"
                + "\n  - pkce.client-key-password is set but pkce.client-key-file is not: set the key file, or remove"
                + " pkce.client-key-password"
                + "\n  - pkce.client-key-id is set but pkce.client-key-file is not: set the key file, or remove"
                + " pkce.client-key-id", Sources.minimal().servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD)
                .servlet(ConfigKey.CLIENT_KEY_ID, "k1").failure());
        assertEquals(ONE + "pkce.client-assertion-audience is set but pkce.client-auth is none, which sends no"
                + " assertion: remove it, or use private_key_jwt or client_secret_jwt", Sources.minimal()
                .servlet(ConfigKey.CLIENT_ASSERTION_AUDIENCE, "endpoint").failure());
        assertEquals(ONE + "pkce.client-assertion-audience 'token' is not known: use one of issuer, endpoint",
                withKey(pem).servlet(ConfigKey.CLIENT_ASSERTION_AUDIENCE, "token").failure());
    }

    @Test
    void needsTheIssuerForTheDefaultAudienceOrAddressesTheEndpoint() throws Exception {
        Path pem = write("aud.pem", TestKeys.pem(rsaEntry.getPrivateKey()));
        Sources explicit = new Sources().servlet(ConfigKey.CLIENT_ID, "shop")
                .servlet(ConfigKey.AUTHORIZATION_ENDPOINT, "https://login.example.com/authorize")
                .servlet(ConfigKey.TOKEN_ENDPOINT, "https://login.example.com/token")
                .servlet(ConfigKey.CLIENT_KEY_FILE, pem.toString());

        assertEquals(ONE + "pkce.client-auth is private_key_jwt, whose assertions name the issuer as their audience"
                + " (FAPI 2.0 §5.3.2.1), but pkce.issuer is not set: set it, or set"
                + " pkce.client-assertion-audience=endpoint", explicit.failure());
        ClientConfiguration config = explicit.servlet(ConfigKey.CLIENT_ASSERTION_AUDIENCE, "endpoint").load();
        assertEquals(Optional.empty(), config.client().assertionAudience());
        assertEquals(List.of("https://login.example.com/token"), signed(config, rsaEntry.getCertificate()
                .getPublicKey()).getJWTClaimsSet().getAudience());
    }

    @Test
    void clientSecretJwtNeedsASecretOfAtLeast32Bytes() {
        assertEquals(ONE + "pkce.client-auth is client_secret_jwt, which signs HS256 with the client secret, but"
                + " pkce.client-secret is shorter than 32 bytes (RFC 7518 §3.2): register a longer secret, or use"
                + " private_key_jwt or client_secret_basic", Sources.minimal()
                .servlet(ConfigKey.CLIENT_AUTH, "client_secret_jwt").servlet(ConfigKey.CLIENT_SECRET, "short")
                .failure());
        assertEquals(ClientAuthMethod.CLIENT_SECRET_JWT, Sources.minimal()
                .servlet(ConfigKey.CLIENT_AUTH, "client_secret_jwt")
                .servlet(ConfigKey.CLIENT_SECRET, "a-client-secret-of-32-bytes-or-more!").load().client().authMethod());
    }

    @Test
    void namesAFurtherClientsKeys() {
        String message = Sources.minimal().servlet(ConfigKey.CLIENTS, "loom")
                .servlet("loom", ConfigKey.ISSUER, "https://auth.loom.example")
                .servlet("loom", ConfigKey.CLIENT_ID, "shop-at-loom")
                .servlet("loom", ConfigKey.CLIENT_KEY_FILE, rsaP12.toString())
                .servlet("loom", ConfigKey.CLIENT_KEY_PASSWORD, "wrong").failureOfAll();

        assertEquals(ONE + "pkce.loom.client-key-file '" + rsaP12 + "' cannot be opened with"
                + " pkce.loom.client-key-password: the password is wrong", message);
    }

    @Test
    void neverShowsThePasswordOrTheKeyInAnyMessage() throws Exception {
        String pemText = TestKeys.pem(rsaEntry.getPrivateKey());
        Path pem = write("leak.pem", pemText);
        String keyBase64 = Base64.getEncoder().encodeToString(rsaEntry.getPrivateKey().getEncoded());
        List<String> messages = List.of(
                withKey(rsaP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD + "x").failure(),
                withKey(twoKeysP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).failure(),
                withKey(rsaP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD)
                        .servlet(ConfigKey.CLIENT_KEY_ALGORITHM, "ES256").failure(),
                withKey(pem).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).failure(),
                withKey(pem).servlet(ConfigKey.CLIENT_KEY_ALGORITHM, "ES256").failure(),
                withKey(write("leak2.pem", pemText + pemText)).failure(),
                Sources.minimal().servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).failure(),
                withKey(rsaP12).servlet(ConfigKey.CLIENT_KEY_PASSWORD, PASSWORD).load().toString(),
                withKey(pem).load().toString());
        for (String message : messages) {
            assertFalse(message.contains(PASSWORD), message);
            assertFalse(message.contains("Pa55"), message);
            assertFalse(message.contains(keyBase64.substring(40, 80)), message);
            assertFalse(message.contains(pemText.substring(40, 80)), message);
        }
        assertTrue(new String(Files.readAllBytes(pem), StandardCharsets.US_ASCII).contains(pemText.substring(40, 80)));
    }
}
