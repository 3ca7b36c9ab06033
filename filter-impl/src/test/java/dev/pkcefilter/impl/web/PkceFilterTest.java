package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pkcefilter.impl.protocol.ClientAuthMethod;
import dev.pkcefilter.impl.config.ClientConfiguration;
import dev.pkcefilter.impl.protocol.TokenRequestFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PkceFilterTest {

    private final AtomicBoolean passed = new AtomicBoolean();
    private PkceFilter filter;

    @BeforeEach
    void start() throws Exception {
        URI server = URI.create("https://login.example/");
        PkceContext context = new PkceContext(new ClientConfiguration(Optional.empty(),
                Optional.of(server.resolve("authorize")), Optional.of(server.resolve("token")), Optional.empty(),
                Optional.empty(), "shop", Optional.empty(), ClientAuthMethod.NONE, "openid", Optional.empty(),
                Map.of(), TokenRequestFormat.FORM, List.of("/*"), List.of("/public/*", "*.css"), "/oauth/callback",
                "/oauth/logout", Optional.empty(), Optional.empty(), Duration.ofSeconds(30), Duration.ofMinutes(10),
                Duration.ofSeconds(5), false, Set.of("bearer"), Optional.empty()), Clock.systemUTC(), false);
        filter = FakeHttp.initializedFilter(context);
    }

    @Test
    void letsAPublicPathThroughWhetherTheContainerSplitsItIntoServletPathAndPathInfoOrNot() throws Exception {
        assertEquals(200, filter("/public", "/logo.png"));
        assertTrue(passed.get());
        assertEquals(200, filter("/public/logo.png", null));
        assertEquals(200, filter("/app", "/site.css"));
        assertEquals(200, filter("/app/site.css", null));
    }

    @Test
    void guardsEveryOtherPath() throws Exception {
        assertEquals(401, filter("/app", "/orders"));
        assertFalse(passed.get());
        assertEquals(401, filter("/publicity", null));
        assertEquals(401, filter("/app", "/public/logo.png"));
    }

    /** A script's request without a session to the path, split as a container would; the answer's status. */
    private int filter(String servletPath, String pathInfo) throws Exception {
        passed.set(false);
        FakeHttp.Request request = new FakeHttp.Request().header("Accept", "application/json");
        request.servletPath = servletPath;
        request.pathInfo = pathInfo;
        FakeHttp.Response response = new FakeHttp.Response();
        filter.doFilter(request.build(), response.response, (req, res) -> passed.set(true));
        return response.status;
    }
}
