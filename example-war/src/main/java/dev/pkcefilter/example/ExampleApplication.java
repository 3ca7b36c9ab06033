package dev.pkcefilter.example;

import dev.pkcefilter.PkceConfiguration;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The example application: everything under {@code /app} needs a signed-in user.
 *
 * <p>The annotations hold the defaults of the demo (the Keycloak that the README's first command starts); every
 * value can be overridden without rebuilding, for example {@code PKCE_ISSUER=https://login.example.com/realms/x}
 * or {@code -Dpkce.client-id=other}.
 *
 * <p>Users sign in at the realm {@code pkce-example}. A signed-in user may also connect the further client
 * {@code partner} ({@code pkce.clients}), the Keycloak realm {@code partner} standing for an API vendor's
 * authorization server: its own issuer, client and tokens, started at {@code /example/oauth/connect/partner}.
 * Its keys are {@code pkce.partner.*} ({@code PKCE_PARTNER_ISSUER}, {@code -Dpkce.partner.client-id=...}).
 */
@PkceConfiguration(
        issuer = "http://localhost:8180/realms/pkce-example",
        clientId = "pkce-example",
        scope = "openid profile email",
        protectedPaths = "/app/*",
        // Keycloak puts the realm roles into the access token (a JWT signed with the realm's keys)
        rolesClaim = "realm_access.roles",
        rolesSource = "access_token",
        clients = "partner")
// A vendor API's server in the demo: plain OAuth 2.0 (no openid scope, no ID token), a public client with PKCE
@PkceConfiguration(
        name = "partner",
        issuer = "http://localhost:8180/realms/partner",
        clientId = "pkce-partner",
        scope = "profile email")
@ApplicationPath("/app")
public class ExampleApplication extends Application {
}
