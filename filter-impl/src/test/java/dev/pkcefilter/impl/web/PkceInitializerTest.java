package dev.pkcefilter.impl.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.sun.net.httpserver.HttpServer;
import dev.pkcefilter.PkceConfiguration;
import dev.pkcefilter.PkceFilterException;
import dev.pkcefilter.impl.protocol.TokenResponse;
import dev.pkcefilter.impl.refresh.TokenRefresher;
import dev.pkcefilter.impl.session.TokenSet;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.junit.jupiter.api.Test;

class PkceInitializerTest {

    @PkceConfiguration(clientId = "shop", allowInsecureHttp = true)
    static final class AllowsInsecureHttp {
    }

    @PkceConfiguration(clientId = "shop")
    static final class Default {
    }

    @PkceConfiguration(clientId = "shop", clients = {"loom", "jsonapi"})
    @PkceConfiguration(name = "loom", clientId = "shop-at-loom", audience = "https://api.loom.example")
    static final class Several {
    }

    @PkceConfiguration(name = "jsonapi", clientId = "shop-json")
    static final class Elsewhere {
    }

    @PkceConfiguration(name = "loom", clientId = "again")
    static final class LoomAgain {
    }

    @Test
    void readsEachRepeatedAnnotationAsItsClientsKeys() {
        Map<String, String> values = PkceInitializer.annotationValues(Set.of(Several.class, Elsewhere.class));

        assertEquals("shop", values.get("pkce.client-id"));
        assertEquals("loom,jsonapi", values.get("pkce.clients"));
        assertEquals("shop-at-loom", values.get("pkce.loom.client-id"));
        assertEquals("https://api.loom.example", values.get("pkce.loom.audience"));
        assertEquals("", values.get("pkce.audience"));
        assertEquals("shop-json", values.get("pkce.jsonapi.client-id"));
    }

    @Test
    void refusesTwoAnnotationsOfOneClient() {
        String message = assertThrows(PkceFilterException.class,
                () -> PkceInitializer.annotationValues(Set.of(Several.class, LoomAgain.class))).getMessage();
        assertEquals(true, message.contains("@PkceConfiguration(name = \"loom\") is on "), message);
        assertEquals(true, message.contains("configure each client once"), message);

        String unnamed = assertThrows(PkceFilterException.class,
                () -> PkceInitializer.annotationValues(Set.of(Default.class, AllowsInsecureHttp.class))).getMessage();
        assertEquals(true, unnamed.contains("@PkceConfiguration without a name is on "), unnamed);
    }

    @Test
    void readsTheBooleanAttributeAsTrueOrAsNotSet() {
        assertEquals("true", PkceInitializer.annotationValues(Set.of(AllowsInsecureHttp.class))
                .get("pkce.allow-insecure-http"));
        assertEquals("", PkceInitializer.annotationValues(Set.of(Default.class)).get("pkce.allow-insecure-http"));
        assertEquals("shop", PkceInitializer.annotationValues(Set.of(Default.class)).get("pkce.client-id"));
    }

    @Test
    void failsWhenContainerSecurityIsTrueWhereCdiBootstrapCannotSeeIt() {
        PkceInitializer.checkContainerSecurity(false, false);
        PkceInitializer.checkContainerSecurity(true, true);

        assertEquals("""
                pkce-filter configuration is invalid (1 problem):
                  - pkce.container-security is true, but not where CDI bootstrap reads it, which sets up Jakarta\
                 Security before web.xml context-params and filter init-params are read (or the server has no CDI):\
                 set it as a system property, as the environment variable PKCE_CONTAINER_SECURITY, as a MicroProfile\
                 Config property (such as WEB-INF/classes/META-INF/microprofile-config.properties), or with\
                 @PkceConfiguration(containerSecurity = true) on a class that is a CDI bean""",
                assertThrows(PkceFilterException.class, () -> PkceInitializer.checkContainerSecurity(true, false))
                        .getMessage());
        assertEquals("""
                pkce-filter configuration is invalid (1 problem):
                  - pkce.container-security was true at CDI bootstrap, which set up Jakarta Security, but a web.xml\
                 context-param or filter init-param says false, and web.xml cannot turn it off: set the key in one\
                 place""",
                assertThrows(PkceFilterException.class, () -> PkceInitializer.checkContainerSecurity(false, true))
                        .getMessage());
    }

    private final Map<String, Object> attributes = new HashMap<>();
    private final List<EventListener> listeners = new ArrayList<>();
    private final Map<String, String> initParameters = new HashMap<>();

    /** A token endpoint that refuses every refresh token: the refresher remembers each refusal. */
    @Test
    void theEndOfASessionMakesTheRefresherForgetIt() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"error\":\"invalid_grant\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(400, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        initParameters.putAll(Map.of("pkce.authorization-endpoint", base + "/authorize",
                "pkce.token-endpoint", base + "/token", "pkce.client-id", "app"));
        new PkceInitializer().onStartup(Set.of(), servletContext());
        PkceContext context = (PkceContext) attributes.get(PkceContext.ATTRIBUTE);
        try {
            TokenRefresher refresher = context.refresher();
            for (String id : List.of("session-1", "session-2")) {
                HttpSession session = session(id);
                TokenSet tokens = TokenSet.from(new TokenResponse("at", "Bearer",
                        Optional.of(Instant.now().plusSeconds(10)), Optional.empty(), Optional.of("rt-" + id),
                        Optional.empty()), "openid");
                context.store().storeTokens(session, tokens);
                refresher.decide(session, tokens, false); // refused: remembered, as the application is distributable
            }
            assertEquals(2, refresher.remembered());
            HttpSessionListener sessions = listeners.stream().filter(HttpSessionListener.class::isInstance)
                    .map(HttpSessionListener.class::cast).findFirst().orElseThrow();

            sessions.sessionDestroyed(new HttpSessionEvent(session("session-1")));

            assertEquals(1, refresher.remembered(), "session-2 is still remembered, session-1 is not");
        } finally {
            context.close();
            server.stop(0);
        }
    }

    private ServletContext servletContext() {
        return proxy(ServletContext.class, (method, args) -> switch (method) {
            case "getFilterRegistrations" -> Map.of();
            case "getInitParameter" -> initParameters.get((String) args[0]);
            case "getClassLoader" -> getClass().getClassLoader();
            case "getContextPath" -> "/app";
            case "getResourceAsStream" -> "/WEB-INF/web.xml".equals(args[0]) ? new java.io.ByteArrayInputStream(
                    "<web-app><distributable/></web-app>".getBytes(StandardCharsets.UTF_8)) : null;
            case "setAttribute" -> attributes.put((String) args[0], args[1]);
            case "getAttribute" -> attributes.get((String) args[0]);
            case "addListener" -> listeners.add(assertInstanceOf(EventListener.class, args[0]));
            case "addFilter" -> proxy(FilterRegistration.Dynamic.class, (m, a) -> switch (m) {
                case "getUrlPatternMappings", "getServletNameMappings" -> List.of();
                default -> null;
            });
            case "addServlet" -> proxy(ServletRegistration.Dynamic.class, (m, a) -> m.equals("addMapping")
                    ? Set.of() : null);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private static HttpSession session(String id) {
        Map<String, Object> values = new HashMap<>();
        return proxy(HttpSession.class, (method, args) -> switch (method) {
            case "getId" -> id;
            case "getAttribute" -> values.get((String) args[0]);
            case "setAttribute" -> values.put((String) args[0], args[1]);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private interface Handler {
        Object handle(String method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> handler.handle(method.getName(), args)));
    }
}
