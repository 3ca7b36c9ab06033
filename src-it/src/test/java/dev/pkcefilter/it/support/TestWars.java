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

    /** The test application with {@code webXmlBody} as the content of its {@code <web-app>}. */
    public static WebArchive tokenAppWithWebXml(String name, String webXmlBody) {
        return ShrinkWrap.create(WebArchive.class, name)
                .addPackage(TokenBean.class.getPackage())
                .addAsLibraries(jarOf(PkceConfiguration.class, "pkce-filter-api.jar"),
                        jarOf(PkceFilter.class, "pkce-filter.jar"))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .setWebXML(new StringAsset("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                        %s
                        </web-app>
                        """.formatted(webXmlBody)));
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
