package dev.pkcefilter.it.support;

import java.util.Map;

import dev.pkcefilter.it.jsec.WhoServlet;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The example WAR against the test Keycloak, with what {@code pkce.container-security} is for: the servlets of
 * {@code dev.pkcefilter.it.jsec} on {@code /plain/*} (outside the filter's {@code /app/*}), an EJB with
 * {@code @RolesAllowed("admin")}, and a {@code web.xml} {@code <security-constraint>} for the role {@code admin}
 * on {@code /secured/*}, the role declared (Payara needs that).
 */
public final class ContainerSecurityWar {

    /** {@code /secured/*} for the role {@code admin} only, and the role declared. */
    static final String SECURITY_CONSTRAINT = """
            <security-constraint>
                <web-resource-collection>
                  <web-resource-name>secured</web-resource-name>
                  <url-pattern>/secured/*</url-pattern>
                </web-resource-collection>
                <auth-constraint><role-name>admin</role-name></auth-constraint>
              </security-constraint>
              <security-role><role-name>admin</role-name></security-role>""";

    private ContainerSecurityWar() {
    }

    /**
     * @param containerSecurity whether {@code pkce.container-security=true} is set, in the one place of a WAR that
     *        CDI bootstrap reads: {@code WEB-INF/classes/META-INF/microprofile-config.properties}
     */
    public static WebArchive of(boolean containerSecurity) {
        WebArchive war = ExampleWar.withWebXml(Map.of("pkce.issuer", KeycloakServer.forTests().issuer()),
                SECURITY_CONSTRAINT).addPackage(WhoServlet.class.getPackage());
        if (containerSecurity) {
            war.addAsResource(new StringAsset("pkce.container-security=true\n"),
                    "META-INF/microprofile-config.properties");
        }
        return war;
    }
}
