package dev.pkcefilter.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the server of this failsafe execution logged during a test: its log files in {@code it.log.dir}
 * ({@code server.log}, {@code payara-micro.log.0}), read from where they ended when the test began. A file is known
 * by its file key (its inode), so a log the server rotated to a new name meanwhile is still read from where it ended.
 */
public final class ServerLog {

    /** The logs and their rotated copies; not the logging's {@code .lck} files, which come and go. */
    private static final Pattern LOG_FILE = Pattern.compile("(server|payara-micro)\\.log(\\.[0-9-]+)?");

    private final Map<Object, Long> sizesBefore;

    private ServerLog(Map<Object, Long> sizesBefore) {
        this.sizesBefore = sizesBefore;
    }

    /** Marks where the log files end now. */
    public static ServerLog mark() throws IOException {
        Map<Object, Long> sizes = new LinkedHashMap<>();
        files().forEach((path, attributes) -> sizes.put(attributes.fileKey(), attributes.size()));
        return new ServerLog(sizes);
    }

    /** @return what the server logged since {@link #mark()} (a file that is new, or shorter, whole) */
    public String writtenSince() throws IOException {
        StringBuilder written = new StringBuilder();
        for (Map.Entry<Path, BasicFileAttributes> file : files().entrySet()) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file.getKey());
            } catch (NoSuchFileException rotatedAway) { // and read under its new name, which is listed too
                continue;
            }
            long from = sizesBefore.getOrDefault(file.getValue().fileKey(), 0L);
            int start = from <= bytes.length ? (int) from : 0; // a shorter file was started anew
            written.append(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return written.toString();
    }

    private static Map<Path, BasicFileAttributes> files() throws IOException {
        Map<Path, BasicFileAttributes> files = new LinkedHashMap<>();
        try (Stream<Path> listed = Files.list(Path.of(System.getProperty("it.log.dir", "target")))) {
            for (Path file : listed.filter(f -> LOG_FILE.matcher(f.getFileName().toString()).matches()).toList()) {
                try {
                    files.put(file, Files.readAttributes(file, BasicFileAttributes.class));
                } catch (NoSuchFileException rotatedAway) {
                    // listed, then renamed by the server's rotation
                }
            }
        }
        return files;
    }
}
