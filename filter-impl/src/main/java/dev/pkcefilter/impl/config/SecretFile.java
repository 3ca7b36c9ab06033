package dev.pkcefilter.impl.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.pkcefilter.impl.protocol.ClientSecret;

/**
 * Reads {@code pkce.client-secret-file}: a file holding the client secret alone, the way container platforms
 * mount secrets (Docker and Kubernetes secrets, systemd credentials), so that the secret is in no command line,
 * system property or environment listing a server may log. One trailing newline ({@code \n} or {@code \r\n}) is
 * trimmed, as editors and {@code echo} add one. Problems name the key and the path, never the content.
 */
final class SecretFile {

    /** Far above any client secret; keeps a wrong path (a log, {@code /dev/zero}) from being read whole. */
    static final int MAX_BYTES = 64 * 1024;

    private SecretFile() {
    }

    /**
     * @param keyName the key that gave the path, such as {@code pkce.client-secret-file}, for the messages
     * @param value the configured path
     * @param problems where a problem is reported
     * @return the secret, or empty after reporting a problem
     */
    static Optional<ClientSecret> read(String keyName, String value, List<String> problems) {
        String key = keyName + " '" + value + "'";
        Path path;
        try {
            path = Path.of(value);
        } catch (InvalidPathException e) {
            problems.add(key + " is not a valid path: give the full path of the file holding the client secret,"
                    + " such as /run/secrets/client-secret");
            return Optional.empty();
        }
        if (!path.isAbsolute()) {
            problems.add(key + " is not an absolute path: give the full path of the file holding the client secret,"
                    + " such as /run/secrets/client-secret");
            return Optional.empty();
        }
        if (Files.isDirectory(path)) {
            problems.add(key + " is a directory: give the path of the file in it that holds the client secret");
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            problems.add(key + " does not exist: put the client secret there, or correct the path");
            return Optional.empty();
        } catch (IOException e) { // the exception's message may carry more than the path; only its type is shown
            problems.add(key + " cannot be read (" + e.getClass().getSimpleName() + "): make it a file the server's"
                    + " user may read");
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) {
            problems.add(key + " is larger than " + MAX_BYTES / 1024 + " KiB: it must hold the client secret alone");
            return Optional.empty();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            problems.add(key + " is not UTF-8 text: it must hold the client secret alone");
            return Optional.empty();
        }
        String secret = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (secret.isEmpty()) {
            problems.add(key + " is empty: write the client secret into it");
            return Optional.empty();
        }
        if (secret.indexOf('\n') >= 0 || secret.indexOf('\r') >= 0) {
            problems.add(key + " holds more than one line: it must hold the client secret alone, followed by at most"
                    + " one newline");
            return Optional.empty();
        }
        return Optional.of(new ClientSecret(secret));
    }
}
