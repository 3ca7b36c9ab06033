package dev.pkcefilter.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * The same signed-in request, one after the other in one session, timed on the client: a figure to compare two
 * deployments by, never asserted. Off unless {@code -Dit.cost.requests=N} (then {@code it.cost.warmup}, default
 * 500, untimed first); each result is printed and appended to {@code <it.log.dir>/container-security-cost.txt}.
 */
public final class RequestCost {

    private RequestCost() {
    }

    /**
     * @param label what is measured, for the report
     * @return the report line, or an empty string when measuring is off
     */
    public static String measure(String label, BrowserlessClient browser, String url) {
        int requests = Integer.getInteger("it.cost.requests", 0);
        int warmup = Integer.getInteger("it.cost.warmup", 500);
        if (requests <= 0) {
            return "";
        }
        for (int i = 0; i < warmup; i++) {
            send(browser, url);
        }
        long[] nanos = new long[requests];
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            send(browser, url);
            nanos[i] = System.nanoTime() - t0;
        }
        long total = System.nanoTime() - start;
        Arrays.sort(nanos);
        String line = String.format(Locale.ROOT, "%s on %s: %d requests after %d warm-up, %.0f requests/s,"
                        + " mean %.1f µs, median %.1f µs, p90 %.1f µs, p99 %.1f µs", label,
                System.getProperty("arquillian.launch", "?"), requests, warmup, requests * 1e9 / total,
                Arrays.stream(nanos).average().orElse(0) / 1e3, nanos[requests / 2] / 1e3,
                nanos[(int) (requests * 0.9)] / 1e3, nanos[(int) (requests * 0.99)] / 1e3);
        System.out.println(line);
        Path report = Path.of(System.getProperty("it.log.dir", "target"), "container-security-cost.txt");
        try {
            Files.writeString(report, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line;
    }

    private static void send(BrowserlessClient browser, String url) {
        HttpResponse<String> response = browser.get(url, BrowserlessClient.XHR);
        assertEquals(200, response.statusCode(), response::body);
    }
}
