package dev.pkcefilter.it.external;

/**
 * What the build gives the servers of the {@code *-external} executions (src-it/pom.xml): environment variables
 * {@code PKCE_ISSUER}, {@code PKCE_CLIENT_ID}, {@code PKCE_PROTECTED_PATHS} and the system property
 * {@code pkce.scope}.
 */
final class ExternalConfig {

    static final int FAKE_PORT = 18302;
    static final String CLIENT_ID = "external-app";
    static final String SCOPE = "external-scope";

    private ExternalConfig() {
    }
}
