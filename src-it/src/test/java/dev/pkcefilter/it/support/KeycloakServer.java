package dev.pkcefilter.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Keycloak ({@code kc.sh start-dev}) on 127.0.0.1 with two realms imported from the test class path: the
 * realm {@value #REALM} ({@code keycloak/pkce-example-realm.json}), where users sign in, and the realm
 * {@value #PARTNER_REALM} ({@code keycloak/partner-realm.json}), a second authorization server standing for an API
 * vendor's, which the example connects as its further client {@code partner}.
 *
 * <p>One instance per port and JVM: {@link #start} returns the running one, and reuses a Keycloak
 * that already answers on the port (started elsewhere, left alone at the end). A Keycloak started here
 * is stopped, with its process tree, by a JVM shutdown hook. Output goes to {@code keycloak.log} (test
 * ports) or {@code keycloak-<port>.log} in the directory named by the system property
 * {@code it.log.dir} (default {@code target}).
 *
 * <p>Keycloak's home is the system property {@code keycloak.home} (the build unpacks the
 * distribution into {@code target/}). Its H2 database in {@code data/h2} survives between runs, which
 * makes later starts faster; it is wiped when a realm file changed (or is new), so that every realm is imported
 * as the files say ({@code --import-realm} imports each file of {@code data/import}, but skips a realm that exists).
 * Two Keycloaks cannot share one home at the same time (tests and demo run one after the other).
 *
 * <p>URLs use the host {@code localhost}: Keycloak derives its issuer from the request's host.
 */
public final class KeycloakServer {

    /** The realm of the tests and the demo. */
    public static final String REALM = "pkce-example";
    /** The realm's user (Alice Liddell, alice@example.org), who has the realm role {@value #ADMIN_ROLE}. */
    public static final String USER = "alice";
    /** {@link #USER}'s password. */
    public static final String PASSWORD = "alice-password";
    /** The realm role that opens the example's {@code /app/admin}. */
    public static final String ADMIN_ROLE = "admin";
    /** Keycloak's own administrator (the master realm), created at its first start; for tests that change the realm. */
    static final String ADMINISTRATOR = "admin";
    static final String ADMINISTRATOR_PASSWORD = "admin-password";
    /** The realm's other user (Bob Builder, bob@example.org), without {@value #ADMIN_ROLE}. */
    public static final String OTHER_USER = "bob";
    /** {@link #OTHER_USER}'s password. */
    public static final String OTHER_PASSWORD = "bob-password";
    /**
     * The second realm, standing for an API vendor's authorization server (client {@value #PARTNER_CLIENT_ID},
     * public, PKCE S256; 5-minute access tokens). Its only user is {@link #USER} with the same {@link #PASSWORD}.
     */
    public static final String PARTNER_REALM = "partner";
    /** The partner realm's client, which the example uses as its further client {@code partner}. */
    public static final String PARTNER_CLIENT_ID = "pkce-partner";
    /**
     * The realm's FAPI 2.0 client (confidential, {@code private_key_jwt}, PAR required, DPoP-bound tokens, consent),
     * to which the realm's client policy applies the profile {@code fapi-2-dpop-loopback}. It has no key in the realm
     * file: a test registers its own with {@link #registerClientKeys}.
     */
    public static final String FAPI_CLIENT_ID = "pkce-fapi";

    /** HTTP port of the test instance, system property {@code it.keycloak.port} (the demo's is 8180). */
    public static final int TEST_HTTP_PORT = Integer.getInteger("it.keycloak.port", 18180);
    /** Management (health) port of the test instance, {@code it.keycloak.management.port} (the demo's is 9000). */
    public static final int TEST_MANAGEMENT_PORT = Integer.getInteger("it.keycloak.management.port", 19000);

    private static final List<String> REALMS = List.of(REALM, PARTNER_REALM);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(240);
    private static final Map<Integer, KeycloakServer> RUNNING = new HashMap<>();

    private final int httpPort;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private KeycloakServer(int httpPort, int managementPort) {
        this.httpPort = httpPort;
        this.managementPort = managementPort;
    }

    /** The test instance (ports {@link #TEST_HTTP_PORT} and {@link #TEST_MANAGEMENT_PORT}), started on first use. */
    public static KeycloakServer forTests() {
        return start(TEST_HTTP_PORT, TEST_MANAGEMENT_PORT);
    }

    /** Starts Keycloak on these ports, or returns the one already answering there, once it is ready. */
    public static synchronized KeycloakServer start(int httpPort, int managementPort) {
        KeycloakServer server = RUNNING.get(httpPort);
        if (server == null) {
            server = new KeycloakServer(httpPort, managementPort);
            if (server.answers(server.discoveryUrl())) {
                System.out.println("Keycloak already answers on " + server.baseUrl() + "; using it (not stopped here)");
                if (!server.answers(server.partnerIssuer() + "/.well-known/openid-configuration")) {
                    System.out.println("WARNING: that Keycloak has no realm " + PARTNER_REALM + " (started before"
                            + " partner-realm.json existed?); stop it to have both realms imported");
                }
            } else {
                server.launch();
            }
            RUNNING.put(httpPort, server);
        }
        return server;
    }

    /** {@code http://localhost:<port>} */
    public String baseUrl() {
        return "http://localhost:" + httpPort;
    }

    /** The realm's issuer, {@code http://localhost:<port>/realms/pkce-example}. */
    public String issuer() {
        return baseUrl() + "/realms/" + REALM;
    }

    /** The partner realm's issuer, {@code http://localhost:<port>/realms/partner}. */
    public String partnerIssuer() {
        return partnerIssuer(httpPort);
    }

    /**
     * The partner realm's issuer of the Keycloak on this port, whether or not it runs (nothing is started here): for
     * a deployment that must point its further client {@code partner} at the test Keycloak, never at the demo's.
     */
    public static String partnerIssuer(int httpPort) {
        return "http://localhost:" + httpPort + "/realms/" + PARTNER_REALM;
    }

    /** The realm's OpenID Connect discovery document. */
    public String discoveryUrl() {
        return issuer() + "/.well-known/openid-configuration";
    }

    /** Stops the Keycloak this object started (no-op for a reused one); waits until it is gone. */
    public synchronized void stop() {
        if (process != null) {
            ProcessTree.stop(process, Duration.ofSeconds(30));
            process = null;
        }
    }

    /**
     * Rotates the realm's signing keys as an administrator would: a new RSA key provider whose priority is above the
     * default one's, so that Keycloak signs with the new key from now on and publishes both.
     *
     * @return the provider's id, for {@link #removeComponent}
     */
    public String addSigningKey() {
        String realmId = jsonString(admin("GET", "/admin/realms/" + REALM, null).body(), "id");
        HttpResponse<String> created = admin("POST", "/admin/realms/" + REALM + "/components", """
                {"name":"rotated-%d","providerId":"rsa-generated","providerType":"org.keycloak.keys.KeyProvider",
                 "parentId":"%s","config":{"priority":["%d"],"enabled":["true"],"active":["true"],
                 "algorithm":["RS256"],"keySize":["2048"]}}""".formatted(System.nanoTime(), realmId, 1000));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Keycloak did not add the key: " + created.statusCode() + " " + created.body());
        }
        String location = created.headers().firstValue("Location").orElseThrow();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /** Removes a component {@link #addSigningKey} added. */
    public void removeComponent(String id) {
        admin("DELETE", "/admin/realms/" + REALM + "/components/" + id, null);
    }

    /**
     * Gives a client of the realm these public keys (a JWK Set, each key with {@code "use":"sig"}), as the admin
     * console's Keys tab does ("Import key", format "JSON Web Key Set"): the client then accepts client assertions
     * signed by the matching private keys, found by their {@code kid}. This endpoint ({@code …/certificates/
     * jwt.credential/upload-certificate}) runs no client policy, unlike a client update ({@code PUT}), which the
     * FAPI profile would refuse for the realm's {@code http} redirect URIs. Keycloak sets {@code use.jwks.string=true}
     * and {@code jwks.string}.
     */
    public void registerClientKeys(String clientId, String jwks) {
        HttpResponse<String> clients = admin("GET", "/admin/realms/" + REALM + "/clients?clientId="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8), null);
        if (clients.statusCode() != 200 || !clients.body().contains("\"clientId\":\"" + clientId + "\"")) {
            throw new IllegalStateException("Keycloak has no client " + clientId + " in " + REALM + ": "
                    + clients.statusCode() + " (started before the realm file had it? stop that Keycloak)");
        }
        String id = jsonString(clients.body(), "id");
        String boundary = "pkce-" + Long.toHexString(System.nanoTime());
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"keystoreFormat\"\r\n\r\n"
                + "JSON Web Key Set\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"jwks.json\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + jwks + "\r\n"
                + "--" + boundary + "--\r\n";
        HttpResponse<String> uploaded = admin("POST", "/admin/realms/" + REALM + "/clients/" + id
                + "/certificates/jwt.credential/upload-certificate", body, "multipart/form-data; boundary=" + boundary);
        if (uploaded.statusCode() != 200) {
            throw new IllegalStateException("Keycloak did not take the keys of " + clientId + ": "
                    + uploaded.statusCode() + " " + uploaded.body());
        }
    }

    private HttpResponse<String> admin(String method, String path, String json) {
        return admin(method, path, json, "application/json");
    }

    private HttpResponse<String> admin(String method, String path, String body, String contentType) {
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(baseUrl()
                            + "/realms/master/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username="
                            + ADMINISTRATOR + "&password=" + ADMINISTRATOR_PASSWORD)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (token.statusCode() != 200) {
                throw new IllegalStateException("Keycloak's administrator could not sign in (" + token.statusCode()
                        + "); was this Keycloak started by KeycloakServer, with a fresh data folder?");
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Authorization", "Bearer " + jsonString(token.body(), "access_token"))
                    .header("Content-Type", contentType)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String jsonString(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in Keycloak's answer");
        }
        return m.group(1);
    }

    private void launch() {
        Path home = Path.of(requiredProperty("keycloak.home")).toAbsolutePath();
        // keycloak.log for the test instance, keycloak-<port>.log for others (the demo's: keycloak-8180.log)
        String logName = httpPort == TEST_HTTP_PORT ? "keycloak.log" : "keycloak-" + httpPort + ".log";
        Path log = Path.of(System.getProperty("it.log.dir", "target")).toAbsolutePath().resolve(logName);
        installRealms(home);
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-host=127.0.0.1",
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort,
                "--health-enabled=true",
                "--import-realm")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx768m");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMINISTRATOR);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMINISTRATOR_PASSWORD);
        long started = System.nanoTime();
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "keycloak-" + httpPort + "-stop"));
        awaitReady(log);
        System.out.printf("Keycloak ready on %s after %d s (log: %s)%n",
                baseUrl(), Duration.ofNanos(System.nanoTime() - started).toSeconds(), log);
    }

    /**
     * Copies the realms into {@code data/import}; a realm file that changed or is new also wipes the database, so that
     * {@code --import-realm} imports every realm afresh (it skips a realm the database holds already).
     */
    private static void installRealms(Path home) {
        Path importDir = home.resolve("data/import");
        Map<Path, byte[]> files = new LinkedHashMap<>();
        boolean changed = false;
        try {
            for (String realm : REALMS) {
                String resource = "/keycloak/" + realm + "-realm.json";
                byte[] content;
                try (InputStream in = KeycloakServer.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        throw new IllegalStateException(resource + " is not on the class path");
                    }
                    content = in.readAllBytes();
                }
                Path imported = importDir.resolve(realm + "-realm.json");
                files.put(imported, content);
                changed |= !Files.exists(imported) || !Arrays.equals(content, Files.readAllBytes(imported));
            }
            if (!changed) {
                return;
            }
            FileTrees.delete(home.resolve("data/h2"));
            Files.createDirectories(importDir);
            for (Map.Entry<Path, byte[]> file : files.entrySet()) {
                Files.write(file.getKey(), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Path log) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        List<String> readiness = List.of("http://127.0.0.1:" + managementPort + "/health/ready", discoveryUrl());
        for (String url : readiness) {
            while (!answers(url)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log + hint(log));
                }
                if (System.nanoTime() > deadline) {
                    stop();
                    throw new IllegalStateException("Keycloak not ready after " + STARTUP_TIMEOUT + "; see " + log + hint(log));
                }
                sleep(Duration.ofMillis(500));
            }
        }
    }

    /** The likely cause of a failed start, read from the log. */
    private static String hint(Path log) {
        try {
            String text = Files.readString(log);
            if (text.contains("The file is locked")) {
                return " (another Keycloak uses the same home and database; is the demo running?)";
            }
            if (text.contains("Address already in use") || text.contains("Port already bound")) {
                return " (a port is in use)";
            }
        } catch (IOException unreadable) {
            // no hint
        }
        return "";
    }

    /** True if a GET of the URL answers 200. */
    private boolean answers(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set (run through Maven)");
        }
        return value;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
