package dev.pkcefilter.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the server of this failsafe execution logged during a test: its log files in {@code it.log.dir}
 * ({@code server.log}, {@code payara-micro.log.0}), read from where they ended when the test began.
 */
public final class ServerLog {

    private final Map<Path, Long> sizesBefore;

    private ServerLog(Map<Path, Long> sizesBefore) {
        this.sizesBefore = sizesBefore;
    }

    /** Marks where the log files end now. */
    public static ServerLog mark() throws IOException {
        return new ServerLog(sizes());
    }

    /** @return what the server logged since {@link #mark()} (a file that is new, or shorter, whole) */
    public String writtenSince() throws IOException {
        StringBuilder written = new StringBuilder();
        for (Map.Entry<Path, Long> file : sizes().entrySet()) {
            byte[] bytes = Files.readAllBytes(file.getKey());
            long from = sizesBefore.getOrDefault(file.getKey(), 0L);
            int start = from <= bytes.length ? (int) from : 0; // a shorter file was started anew
            written.append(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return written.toString();
    }

    private static Map<Path, Long> sizes() throws IOException {
        Map<Path, Long> sizes = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("it.log.dir", "target")))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("(server|payara-micro)\\.log.*"))
                    .toList()) {
                sizes.put(file, Files.size(file));
            }
        }
        return sizes;
    }
}
