package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.pkcefilter.impl.config.ClientConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PkceFilterTest {

    private final AtomicBoolean passed = new AtomicBoolean();
    private PkceFilter filter;

    @BeforeEach
    void start() throws Exception {
        URI server = URI.create("https://login.example/");
        PkceContext context = new PkceContext(ClientConfiguration.builder()
                .authorizationEndpoint(server.resolve("authorize")).tokenEndpoint(server.resolve("token"))
                .clientId("shop").scope("openid").publicPaths(List.of("/public/*", "*.css"))
                .httpTimeout(Duration.ofSeconds(5)).build(), Clock.systemUTC(), false);
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
