package dev.pkcefilter.example;

import dev.pkcefilter.PkceConfiguration;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The example application: everything under {@code /app} needs a signed-in user.
 *
 * <p>The annotation holds the defaults of the demo (the Keycloak that the README's first command starts); every
 * value can be overridden without rebuilding, for example {@code PKCE_ISSUER=https://login.example.com/realms/x}
 * or {@code -Dpkce.client-id=other}.
 */
@PkceConfiguration(
        issuer = "http://localhost:8180/realms/pkce-example",
        clientId = "pkce-example",
        scope = "openid profile email",
        protectedPaths = "/app/*",
        // Keycloak puts the realm roles into the access token (a JWT signed with the realm's keys)
        rolesClaim = "realm_access.roles",
        rolesSource = "access_token")
@ApplicationPath("/app")
public class ExampleApplication extends Application {
}
