package dev.pkcefilter.it.support;

import java.io.File;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.stream.Collectors;

import dev.pkcefilter.PkceConfiguration;
import dev.pkcefilter.impl.web.PkceFilter;
import dev.pkcefilter.it.app.TokenBean;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** Small test applications that use pkce-filter as a user would: its real jars in {@code WEB-INF/lib}. */
public final class TestWars {

    private TestWars() {
    }

    /**
     * A WAR named {@code name} with the test application ({@code dev.pkcefilter.it.app}: a servlet, a CDI bean
     * and a JAX-RS resource that inject {@code AccessToken}), configured by {@code web.xml} context-params.
     */
    public static WebArchive tokenApp(String name, Map<String, String> contextParams) {
        return tokenAppWithWebXml(name, params("context-param", contextParams));
    }

    /**
     * The session cookie settings README.md recommends (Servlet 6.0): {@code Secure}, {@code HttpOnly},
     * {@code SameSite=Lax}, cookies only (no session id in URLs). Every test application uses them.
     */
    public static final String SESSION_CONFIG = """
              <session-config>
                <cookie-config>
                  <http-only>true</http-only>
                  <secure>true</secure>
                  <attribute><attribute-name>SameSite</attribute-name><attribute-value>Lax</attribute-value></attribute>
                </cookie-config>
                <tracking-mode>COOKIE</tracking-mode>
              </session-config>""";

    /**
     * Payara's own settings for {@link #SESSION_CONFIG}: Payara (6.2025.10) ignores the SameSite {@code <attribute>}
     * of {@code web.xml}'s {@code <cookie-config>} and reads {@code cookieSameSite} here, and once this file has
     * cookie properties its {@code cookieSecure} default ({@code dynamic}: secure on HTTPS requests only) wins over
     * {@code web.xml}'s {@code <secure>}, so all three are set here.
     */
    public static final String GLASSFISH_WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE glassfish-web-app PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Servlet 3.0//EN"
              "http://glassfish.org/dtds/glassfish-web-app_3_0-1.dtd">
            <glassfish-web-app>
              <session-config>
                <cookie-properties>
                  <property name="cookieSecure" value="true"/>
                  <property name="cookieHttpOnly" value="true"/>
                  <property name="cookieSameSite" value="Lax"/>
                </cookie-properties>
              </session-config>
            </glassfish-web-app>
            """;

    /**
     * WildFly's own setting for {@link #SESSION_CONFIG}'s SameSite, which WildFly (39) ignores in {@code web.xml}:
     * Undertow's {@code samesite-cookie} handler, in {@code WEB-INF/undertow-handlers.conf}.
     */
    public static final String UNDERTOW_HANDLERS = "samesite-cookie(mode=Lax, cookie-pattern=JSESSIONID)\n";

    /**
     * The test application with {@code webXmlBody} and {@link #SESSION_CONFIG} as the content of its
     * {@code <web-app>}, {@link #GLASSFISH_WEB_XML} and {@link #UNDERTOW_HANDLERS}.
     */
    public static WebArchive tokenAppWithWebXml(String name, String webXmlBody) {
        return ShrinkWrap.create(WebArchive.class, name)
                .addPackage(TokenBean.class.getPackage())
                .addAsLibraries(jarOf(PkceConfiguration.class, "pkce-filter-api.jar"),
                        jarOf(PkceFilter.class, "pkce-filter.jar"))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsWebInfResource(new StringAsset(GLASSFISH_WEB_XML), "glassfish-web.xml")
                .addAsWebInfResource(new StringAsset(UNDERTOW_HANDLERS), "undertow-handlers.conf")
                .setWebXML(new StringAsset("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                        %s
                        %s
                        </web-app>
                        """.formatted(SESSION_CONFIG, webXmlBody)));
    }

    /** {@code <context-param>} or {@code <init-param>} elements. */
    public static String params(String element, Map<String, String> params) {
        return params.entrySet().stream()
                .map(p -> "  <" + element + "><param-name>" + p.getKey() + "</param-name><param-value>"
                        + xml(p.getValue()) + "</param-value></" + element + ">")
                .collect(Collectors.joining("\n"));
    }

    /** The jar (or, run from an IDE, the classes folder) a class was loaded from, as a library. */
    public static JavaArchive jarOf(Class<?> type, String name) {
        File location;
        try {
            location = new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (location.isFile()) {
            return ShrinkWrap.createFromZipFile(JavaArchive.class, location);
        }
        return ShrinkWrap.create(ExplodedImporter.class, name).importDirectory(location).as(JavaArchive.class);
    }

    private static String xml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
