package dev.pkcefilter.it.bench;

import java.nio.file.Path;
import java.util.Map;

import dev.pkcefilter.PkceConfiguration;
import dev.pkcefilter.impl.web.PkceFilter;
import dev.pkcefilter.it.bench.app.HelloServlet;
import dev.pkcefilter.it.bench.emptyfilter.EmptyFilter;
import dev.pkcefilter.it.bench.openid.OpenIdConfig;
import dev.pkcefilter.it.support.TestWars;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The benchmark's applications, each with the same {@link HelloServlet} at {@code /app/hello} and CDI on:
 * unprotected, behind a filter that does nothing (the container's own cost of a filter), protected by pkce-filter,
 * protected by Jakarta Security's OpenID mechanism; and one against the fake authorization server for the refresh
 * count.
 */
final class BenchWars {

    static final String NONE = "bench-none";
    static final String EMPTY_FILTER = "bench-empty-filter";
    static final String PKCE = "bench-pkce";
    static final String OPENID = "bench-openid";
    static final String REFRESH = "bench-refresh";

    private static final String BEANS = """
            <beans xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0" bean-discovery-mode="all"/>
            """;

    private BenchWars() {
    }

    static Path none(Path dir) {
        return export(hello(NONE).setWebXML(webXml("")), dir);
    }

    static Path emptyFilter(Path dir) {
        return export(hello(EMPTY_FILTER).addClass(EmptyFilter.class).setWebXML(webXml("")), dir);
    }

    static Path pkce(Path dir, String issuer) {
        return export(hello(PKCE)
                .addAsLibraries(TestWars.jarOf(PkceConfiguration.class, "pkce-filter-api.jar"),
                        TestWars.jarOf(PkceFilter.class, "pkce-filter.jar"))
                .setWebXML(webXml(TestWars.params("context-param", Map.of(
                        "pkce.issuer", issuer,
                        "pkce.client-id", PKCE,
                        "pkce.scope", "openid profile email",
                        "pkce.protected-paths", "/app/*")))), dir);
    }

    static Path openId(Path dir) {
        return export(hello(OPENID)
                .addPackage(OpenIdConfig.class.getPackage())
                .setWebXML(webXml("""
                        <security-constraint>
                          <web-resource-collection>
                            <web-resource-name>app</web-resource-name>
                            <url-pattern>/app/*</url-pattern>
                          </web-resource-collection>
                          <auth-constraint><role-name>**</role-name></auth-constraint>
                        </security-constraint>
                        """)), dir);
    }

    /** The integration tests' token application against the fake server, refreshing 5 s before expiry. */
    static Path refresh(Path dir, String fakeIssuer) {
        return export(TestWars.tokenApp(REFRESH + ".war", Map.of(
                "pkce.issuer", fakeIssuer,
                "pkce.client-id", REFRESH,
                "pkce.protected-paths", "/app/*",
                "pkce.refresh-skew", "PT5S",
                "pkce.http-timeout", "PT10S")), dir);
    }

    private static WebArchive hello(String name) {
        return ShrinkWrap.create(WebArchive.class, name + ".war")
                .addClass(HelloServlet.class)
                .addAsWebInfResource(new StringAsset(BEANS), "beans.xml");
    }

    private static StringAsset webXml(String body) {
        return new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s
                </web-app>
                """.formatted(body));
    }

    private static Path export(WebArchive war, Path dir) {
        Path file = dir.resolve(war.getName());
        war.as(ZipExporter.class).exportTo(file.toFile(), true);
        return file;
    }
}
