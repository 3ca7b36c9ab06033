package dev.pkcefilter.it.external;

/**
 * What the build gives the servers of the {@code *-external} executions (src-it/pom.xml): environment variables
 * {@code PKCE_ISSUER}, {@code PKCE_CLIENT_ID}, {@code PKCE_PROTECTED_PATHS} and the system property
 * {@code pkce.scope}; and a further client {@code vendor} ({@code PKCE_CLIENTS}) at the same fake, from
 * {@code PKCE_VENDOR_AUTHORIZATION_ENDPOINT}, {@code PKCE_VENDOR_TOKEN_ENDPOINT}, {@code PKCE_VENDOR_CLIENT_ID} and
 * the system property {@code pkce.vendor.scope}.
 */
final class ExternalConfig {

    static final int FAKE_PORT = 18302;
    static final String CLIENT_ID = "external-app";
    static final String SCOPE = "external-scope";
    static final String VENDOR_CLIENT_ID = "external-vendor";
    static final String VENDOR_SCOPE = "vendor-scope";

    private ExternalConfig() {
    }
}
