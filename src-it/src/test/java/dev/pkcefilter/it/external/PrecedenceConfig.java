package dev.pkcefilter.it.external;

import dev.pkcefilter.PkceConfiguration;

/** The lowest layer of the precedence test: every value here is overridden but {@code authorizeParams}. */
@PkceConfiguration(
        issuer = "http://127.0.0.1:1",
        clientId = "annotation-app",
        scope = "annotation-scope",
        audience = "annotation-audience",
        authorizeParams = "from=annotation",
        protectedPaths = "/app/*")
public class PrecedenceConfig {
}
