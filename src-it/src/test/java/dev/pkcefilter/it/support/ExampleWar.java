package dev.pkcefilter.it.support;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The example application as built by {@code example-war} (the file named by the system property
 * {@code example.war}, which the build copies to {@code target/example.war}), ready to deploy at
 * {@code /example}.
 *
 * <p>Its further client {@code partner} points at the test Keycloak's realm {@code partner}
 * ({@link KeycloakServer#partnerIssuer(int)}), not at the demo's Keycloak on 8180 that the WAR's annotation names,
 * unless the test gives {@code pkce.partner.issuer} itself. Nothing is started for it: a test that does not start
 * Keycloak leaves it unreachable, which pkce-filter only warns about at deployment.
 */
public final class ExampleWar {

    /** The context root the example is deployed at (its archive is named {@code example.war}). */
    public static final String CONTEXT_ROOT = "example";

    private ExampleWar() {
    }

    /**
     * The example WAR with these {@code context-param}s added to its {@code WEB-INF/web.xml} (a
     * minimal web.xml is created if it has none), e.g. {@code pkce.issuer}.
     */
    public static WebArchive withContextParams(Map<String, String> params) {
        return withWebXml(params, "");
    }

    /**
     * {@link #withContextParams} with more {@code web.xml} elements after them, such as a
     * {@code <security-constraint>}.
     */
    public static WebArchive withWebXml(Map<String, String> givenParams, String elements) {
        Map<String, String> params = new LinkedHashMap<>(givenParams);
        params.putIfAbsent("pkce.partner.issuer", KeycloakServer.partnerIssuer(KeycloakServer.TEST_HTTP_PORT));
        File war = new File(System.getProperty("example.war", "target/example.war"));
        if (!war.isFile()) {
            throw new IllegalStateException(war + " does not exist; build example-war first (mvn verify at the top level)");
        }
        WebArchive archive = ShrinkWrap.createFromZipFile(WebArchive.class, war); // named example.war
        String xml = params.entrySet().stream()
                .map(p -> "<context-param><param-name>" + p.getKey() + "</param-name><param-value>"
                        + xmlText(p.getValue()) + "</param-value></context-param>")
                .collect(Collectors.joining("\n  ", "\n  ", "")) + (elements.isEmpty() ? "" : "\n  " + elements);
        Node existing = archive.get("WEB-INF/web.xml");
        String webXml;
        if (existing == null) {
            webXml = """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">%s
                    </web-app>
                    """.formatted(xml);
        } else {
            try (InputStream in = existing.getAsset().openStream()) {
                String original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                webXml = original.replaceFirst("(<web-app\\b[^>]*>)", "$1" + Matcher.quoteReplacement(xml));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return archive.setWebXML(new StringAsset(webXml));
    }

    private static String xmlText(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
