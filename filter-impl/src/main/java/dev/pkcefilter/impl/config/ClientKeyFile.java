package dev.pkcefilter.impl.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.pkcefilter.impl.protocol.ClientKey;

/**
 * Reads {@code pkce.client-key-file}, the private key of {@code private_key_jwt} (RFC 7523 §2.2), at deployment: a
 * PKCS#12 keystore ({@code .p12}, {@code .pfx}; its password {@code pkce.client-key-password}, its entry
 * {@code pkce.client-key-alias} or the only key entry), or a PEM file with one unencrypted PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}, RFC 7468 §10), which is told apart by its text, not its name. The public
 * key comes from the keystore's certificate, from an RSA key itself, or for EC from a {@code PUBLIC KEY} or
 * {@code CERTIFICATE} block in the same file or the public key OpenSSL writes into the PKCS#8 key. Each problem
 * names the full key and the path and says how to fix it; none shows the password, the key, or a message of the
 * JDK's that might.
 */
final class ClientKeyFile {

    /** Far above any keystore of one key and its chain; keeps a wrong path from being read whole. */
    static final int MAX_BYTES = 256 * 1024;

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    /**
     * The tail of an OpenSSL PKCS#8 P-256 key: {@code [1]} (ECPrivateKey's {@code publicKey}, RFC 5915 §3) holding a
     * BIT STRING of 66 bytes, no unused bits, and an uncompressed point (SEC 1 §2.3.3, {@code 04 || X || Y}).
     */
    private static final byte[] P256_PUBLIC_KEY_TAIL = {(byte) 0xa1, 0x44, 0x03, 0x42, 0x00, 0x04};

    /** A further client's name, or {@code null} for the default client. */
    private final String client;
    private final Function<ConfigKey, String> name;
    private final String key;
    private final List<String> problems;

    private ClientKeyFile(String client, String path, List<String> problems) {
        this.client = client;
        this.name = k -> k.key(client);
        this.key = name.apply(ConfigKey.CLIENT_KEY_FILE) + " '" + path + "'";
        this.problems = problems;
    }

    /**
     * @param client a further client's name, or {@code null} for the default client
     * @param path the configured path
     * @param password {@code pkce.client-key-password}
     * @param alias {@code pkce.client-key-alias}
     * @param algorithm {@code pkce.client-key-algorithm}, already checked to be one of {@link ClientKey#ALGORITHMS}
     * @param keyId {@code pkce.client-key-id}
     * @param problems where problems are reported
     * @return the key, or empty after reporting a problem
     */
    static Optional<ClientKey> read(String client, String path, Optional<String> password,
                                    Optional<String> alias, Optional<String> algorithm, Optional<String> keyId,
                                    List<String> problems) {
        return new ClientKeyFile(client, path, problems).read(path, password, alias, algorithm, keyId);
    }

    private Optional<ClientKey> read(String value, Optional<String> password, Optional<String> alias,
                                     Optional<String> algorithm, Optional<String> keyId) {
        Optional<byte[]> bytes = bytes(value);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Optional<KeyPair> pair = isPem(bytes.get()) ? pem(bytes.get(), password, alias)
                : pkcs12(bytes.get(), password, alias);
        if (pair.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ClientKey.of(pair.get().getPrivate(), pair.get().getPublic(), algorithm, keyId));
        } catch (IllegalArgumentException e) { // ClientKey's messages name the key's kind, never its value
            return problem(e.getMessage() + algorithm.map(a -> " (" + name.apply(ConfigKey.CLIENT_KEY_ALGORITHM)
                    + " is " + a + ")").orElse(""));
        }
    }

    /** A PKCS#12 keystore (RFC 7292): the entry {@code alias} names, or the only key entry. */
    private Optional<KeyPair> pkcs12(byte[] bytes, Optional<String> password, Optional<String> alias) {
        if (password.isEmpty()) {
            return problem("is a PKCS#12 keystore, but " + name.apply(ConfigKey.CLIENT_KEY_PASSWORD) + " is not set:"
                    + " " + ConfigKey.CLIENT_KEY_PASSWORD.howToSet(client) + " (a file that is not PKCS#12 must be"
                    + " PEM, starting with -----BEGIN PRIVATE KEY-----)");
        }
        char[] pass = password.get().toCharArray();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try {
                store.load(new ByteArrayInputStream(bytes), pass);
            } catch (IOException e) {
                if (e.getCause() instanceof UnrecoverableKeyException) {
                    return problem("cannot be opened with " + name.apply(ConfigKey.CLIENT_KEY_PASSWORD) + ": the"
                            + " password is wrong");
                }
                return problem("is neither a PKCS#12 keystore nor a PEM file: give a .p12 keystore, or a PEM file"
                        + " with -----BEGIN PRIVATE KEY-----");
            } catch (GeneralSecurityException e) {
                return problem("is a PKCS#12 keystore that cannot be read (" + e.getClass().getSimpleName()
                        + "): write it again, for example with keytool or openssl pkcs12 -export");
            }
            List<String> keyEntries = new ArrayList<>();
            for (String entry : Collections.list(store.aliases())) {
                if (store.isKeyEntry(entry)) {
                    keyEntries.add(entry);
                }
            }
            String entry;
            String aliasKey = name.apply(ConfigKey.CLIENT_KEY_ALIAS);
            if (alias.isPresent()) {
                Optional<String> found = keyEntries.stream().filter(a -> a.equalsIgnoreCase(alias.get())).findFirst();
                if (found.isEmpty()) {
                    return problem("has no key entry '" + alias.get() + "' (" + aliasKey + "): its key entries are "
                            + (keyEntries.isEmpty() ? "none" : String.join(", ", keyEntries)));
                }
                entry = found.get();
            } else if (keyEntries.isEmpty()) {
                return problem("holds no private key: put the client's key pair into it, for example with"
                        + " keytool -genkeypair");
            } else if (keyEntries.size() > 1) {
                return problem("holds " + keyEntries.size() + " keys (" + String.join(", ", keyEntries) + "): set "
                        + aliasKey + " to the one the client signs with");
            } else {
                entry = keyEntries.get(0);
            }
            Key privateKey;
            try {
                privateKey = store.getKey(entry, pass);
            } catch (UnrecoverableKeyException e) {
                return problem("holds the key '" + entry + "' under another password than the keystore's: give it"
                        + " the keystore's password");
            }
            if (!(privateKey instanceof PrivateKey)) {
                return problem("has no private key under '" + entry + "' (a secret key?): give an RSA or EC key pair");
            }
            Certificate certificate = store.getCertificate(entry);
            if (certificate == null) {
                return problem("has no certificate for the key '" + entry + "': a PKCS#12 key entry needs its"
                        + " certificate, which holds the public key");
            }
            return Optional.of(new KeyPair(certificate.getPublicKey(), (PrivateKey) privateKey));
        } catch (GeneralSecurityException e) {
            return problem("cannot be read as a PKCS#12 keystore (" + e.getClass().getSimpleName() + ")");
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    /**
     * A PEM file (RFC 7468): one {@code PRIVATE KEY} (§10, unencrypted PKCS#8), optionally with a {@code PUBLIC KEY}
     * (§13) or {@code CERTIFICATE} (§5) block; other blocks are ignored.
     */
    private Optional<KeyPair> pem(byte[] bytes, Optional<String> password, Optional<String> alias) {
        if (password.isPresent()) {
            return problem("is a PEM file, which has no password, but " + name.apply(ConfigKey.CLIENT_KEY_PASSWORD)
                    + " is set: remove it, or give a PKCS#12 keystore");
        }
        if (alias.isPresent()) {
            return problem("is a PEM file, which has no entries, but " + name.apply(ConfigKey.CLIENT_KEY_ALIAS)
                    + " is set: remove it, or give a PKCS#12 keystore");
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<byte[]> privateKeys = new ArrayList<>();
        Optional<PublicKey> publicKey = Optional.empty();
        Matcher block = PEM_BLOCK.matcher(text);
        boolean publicBlock = false;
        while (block.find()) {
            String label = block.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(block.group(2));
            } catch (IllegalArgumentException e) {
                return problem("has a " + label + " block that is not Base64: write the file again");
            }
            switch (label) {
                case "PRIVATE KEY" -> privateKeys.add(der);
                case "ENCRYPTED PRIVATE KEY" -> {
                    return problem("holds an encrypted private key: give it unencrypted (openssl pkcs8 -in"
                            + " encrypted.pem -out key.pem), readable by the server's user alone, or put it into a"
                            + " PKCS#12 keystore with " + name.apply(ConfigKey.CLIENT_KEY_PASSWORD));
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    return problem("holds a " + label + " (PKCS#1 or SEC 1), not PKCS#8: convert it with openssl"
                            + " pkcs8 -topk8 -nocrypt -in old.pem -out key.pem");
                }
                case "PUBLIC KEY", "CERTIFICATE" -> {
                    if (!publicBlock) {
                        publicBlock = true;
                        publicKey = label.equals("CERTIFICATE") ? certificateKey(der) : publicKey(der);
                        if (publicKey.isEmpty()) {
                            return problem("has a " + label + " block that cannot be read: give the key pair's own"
                                    + " certificate or public key, or none");
                        }
                    }
                }
                default -> { } // EC PARAMETERS and the like
            }
        }
        if (privateKeys.isEmpty()) {
            return problem("is a PEM file without a private key: it must hold the client's key as -----BEGIN"
                    + " PRIVATE KEY----- (unencrypted PKCS#8)");
        }
        if (privateKeys.size() > 1) {
            return problem("holds " + privateKeys.size() + " private keys: keep the one the client signs with");
        }
        Optional<PrivateKey> privateKey = privateKey(privateKeys.get(0));
        if (privateKey.isEmpty()) {
            return problem("holds a private key that is neither RSA nor EC, or is damaged: give an RSA or EC P-256"
                    + " key as unencrypted PKCS#8");
        }
        if (publicKey.isEmpty()) {
            publicKey = derivedPublicKey(privateKey.get(), privateKeys.get(0));
        }
        if (publicKey.isEmpty()) {
            return problem("holds an EC private key without its public key: add the public key to the file (openssl"
                    + " pkey -in key.pem -pubout >> key.pem), or write the key with openssl genpkey");
        }
        return Optional.of(new KeyPair(publicKey.get(), privateKey.get()));
    }

    private static Optional<PrivateKey> privateKey(byte[] pkcs8) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        return Optional.empty();
    }

    private static Optional<PublicKey> publicKey(byte[] spki) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki)));
            } catch (GeneralSecurityException e) {
                // not this algorithm
            }
        }
        return Optional.empty();
    }

    private static Optional<PublicKey> certificateKey(byte[] der) {
        try {
            return Optional.of(CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }

    /**
     * An RSA key's public key is in its CRT form (RFC 8017 §A.1.2); an EC key's only in what OpenSSL writes into
     * the PKCS#8 key (RFC 5915 §3), read at the fixed place a P-256 key has it. {@link ClientKey#of} checks that the
     * pair signs and verifies, so a key read wrongly here is refused there.
     */
    private static Optional<PublicKey> derivedPublicKey(PrivateKey privateKey, byte[] pkcs8) {
        try {
            if (privateKey instanceof RSAPrivateCrtKey rsa) {
                return Optional.of(KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())));
            }
            if (privateKey instanceof ECPrivateKey ec && pkcs8.length > 70) {
                int tail = pkcs8.length - 64 - P256_PUBLIC_KEY_TAIL.length;
                if (Arrays.equals(pkcs8, tail, tail + P256_PUBLIC_KEY_TAIL.length, P256_PUBLIC_KEY_TAIL, 0,
                        P256_PUBLIC_KEY_TAIL.length)) {
                    int x = pkcs8.length - 64;
                    ECPoint point = new ECPoint(new BigInteger(1, Arrays.copyOfRange(pkcs8, x, x + 32)),
                            new BigInteger(1, Arrays.copyOfRange(pkcs8, x + 32, x + 64)));
                    return Optional.of(KeyFactory.getInstance("EC").generatePublic(
                            new ECPublicKeySpec(point, ec.getParams())));
                }
            }
        } catch (GeneralSecurityException e) {
            // no public key to be had
        }
        return Optional.empty();
    }

    private Optional<byte[]> bytes(String value) {
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            return problem("is not a valid path: give the full path of the key file, such as /run/secrets/client.p12");
        }
        if (!path.isAbsolute()) {
            return problem("is not an absolute path: give the full path of the key file, such as"
                    + " /run/secrets/client.p12");
        }
        if (Files.isDirectory(path)) {
            return problem("is a directory: give the path of the PKCS#12 or PEM file in it");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return problem("does not exist: put the client's PKCS#12 keystore or PEM private key there, or correct"
                    + " the path");
        } catch (IOException e) { // the exception's message may carry more than the path; only its type is shown
            return problem("cannot be read (" + e.getClass().getSimpleName() + "): make it a file the server's user"
                    + " may read");
        }
        if (bytes.length > MAX_BYTES) {
            return problem("is larger than " + MAX_BYTES / 1024 + " KiB: it must hold the client's key (and its"
                    + " certificate) alone");
        }
        if (bytes.length == 0) {
            return problem("is empty: write the client's PKCS#12 keystore or PEM private key into it");
        }
        return Optional.of(bytes);
    }

    private static boolean isPem(byte[] bytes) {
        String start = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII);
        return start.contains("-----BEGIN ");
    }

    private <T> Optional<T> problem(String what) {
        problems.add(key + " " + what);
        return Optional.empty();
    }
}
