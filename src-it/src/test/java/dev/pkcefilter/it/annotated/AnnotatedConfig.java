package dev.pkcefilter.it.annotated;

import dev.pkcefilter.PkceConfiguration;

/**
 * The whole configuration of the annotation-only test application; the secret comes from the environment
 * variable {@code IT_CLIENT_SECRET} (set by the build for the servers), never from the code.
 */
@PkceConfiguration(
        issuer = "http://127.0.0.1:" + AnnotatedConfig.FAKE_PORT,
        clientId = "annotated-app",
        clientSecret = "${IT_CLIENT_SECRET}",
        scope = "openid ${IT_EXTRA_SCOPE:annotated}",
        protectedPaths = "/app/*")
public class AnnotatedConfig {

    /** The fake authorization server's fixed port. */
    public static final int FAKE_PORT = 18301;
}
