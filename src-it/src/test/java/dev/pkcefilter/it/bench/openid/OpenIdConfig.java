package dev.pkcefilter.it.bench.openid;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.security.enterprise.authentication.mechanism.http.OpenIdAuthenticationMechanismDefinition;

/**
 * Jakarta Security 3.0's own OpenID Connect mechanism (Soteria on Payara), logged in at the same Keycloak as
 * pkce-filter: a confidential client, the authorization code flow, the ID token checked against the realm's keys,
 * tokens kept in the HTTP session, {@code /app/*} protected by {@code web.xml}. The JWKS timeouts are raised from
 * their 500 ms default, which a loaded machine can miss at login; nothing else differs from the defaults.
 */
@ApplicationScoped
@Named("bench")
@OpenIdAuthenticationMechanismDefinition(
        providerURI = "${bench.issuer}",
        clientId = "bench-openid",
        clientSecret = "bench-openid-secret",
        redirectURI = "${baseURL}/Callback",
        redirectToOriginalResource = true,
        jwksConnectTimeout = 5000,
        jwksReadTimeout = 5000)
public class OpenIdConfig {

    /** @return Keycloak's realm, the system property {@code bench.keycloak.issuer} of the server */
    public String getIssuer() {
        return System.getProperty("bench.keycloak.issuer");
    }
}
