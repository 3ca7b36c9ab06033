package dev.pkcefilter.impl.protocol;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * How long TokenResponse.parse takes to refuse each hostile body of issue 12 item 3, and what plain Yasson costs on
 * the same bodies. A figure, not a test. Run (after mvn test, with the JSON-B jars on the class path):
 * <pre>
 * java -Xmx128m -cp filter-impl/target/classes:filter-api/target/classes:JSONB_JARS \
 *     filter-impl/src/bench/java/dev/pkcefilter/impl/protocol/HostileJsonTiming.java
 * </pre>
 */
public final class HostileJsonTiming {

    public static void main(String[] args) throws Exception {
        Map<String, String> bodies = new LinkedHashMap<>();
        for (String v : new String[] {"1e999999999", "-1e999999999", "1e2147483647", "1e-999999999"}) {
            bodies.put("expires_in " + v, "{\"access_token\":\"at\",\"expires_in\":" + v + "}");
            bodies.put("expires_in \"" + v + "\"", "{\"access_token\":\"at\",\"expires_in\":\"" + v + "\"}");
        }
        bodies.put("200,000 nested arrays", "{\"access_token\":\"at\",\"x\":" + "[".repeat(200_000)
                + "]".repeat(200_000) + "}");
        bodies.put("150,000 nested objects", "{\"access_token\":\"at\",\"x\":" + "{\"a\":".repeat(150_000) + "1"
                + "}".repeat(150_000) + "}");
        bodies.put("a 1,000,000-digit number", "{\"access_token\":\"at\",\"expires_in\":" + "9".repeat(1_000_000) + "}");
        try (Jsonb jsonb = JsonbBuilder.create()) {
            TokenResponse.parse(jsonb, "{\"access_token\":\"warm\",\"expires_in\":60}", Instant.now());
            for (Map.Entry<String, String> body : bodies.entrySet()) {
                long best = Long.MAX_VALUE;
                String outcome = "";
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    try {
                        TokenResponse.parse(jsonb, body.getValue(), Instant.now());
                        outcome = "parsed";
                    } catch (InvalidResponseException e) {
                        outcome = e.getMessage();
                    }
                    best = Math.min(best, System.nanoTime() - start);
                }
                String plain = plainYasson(jsonb, body.getValue());
                System.out.printf("%-28s %8.3f ms  %s | plain Yasson: %s%n", body.getKey(), best / 1e6, outcome, plain);
            }
        }
    }

    private static String plainYasson(Jsonb jsonb, String body) {
        long start = System.nanoTime();
        String outcome;
        try {
            jsonb.fromJson(body, Map.class);
            outcome = "parsed";
        } catch (Throwable e) { // a StackOverflowError is the point here
            outcome = e.getClass().getSimpleName();
        }
        return String.format("%.1f ms %s", (System.nanoTime() - start) / 1e6, outcome);
    }
}
