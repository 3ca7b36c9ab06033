package dev.pkcefilter.impl.web;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/** Tiny stand-ins for the servlet request and response: only what pkce-filter's web classes read and write. */
final class FakeHttp {

    private FakeHttp() {
    }

    /** A {@link PkceFilter} initialized as a container would, in an application whose pkce-filter is {@code context}. */
    static PkceFilter initializedFilter(PkceContext context) throws ServletException {
        return initializedFilter(context, null);
    }

    /** The filter of a further client ({@code client}), or of the default one when it is {@code null}. */
    static PkceFilter initializedFilter(PkceContext context, String client) throws ServletException {
        ServletContext servletContext = (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, m, args) -> m.getName().equals("getAttribute")
                        && PkceContext.ATTRIBUTE.equals(args[0]) ? context : null);
        PkceFilter filter = new PkceFilter();
        filter.init(new FilterConfig() {
            @Override
            public String getFilterName() {
                return "pkce-filter";
            }

            @Override
            public ServletContext getServletContext() {
                return servletContext;
            }

            @Override
            public String getInitParameter(String name) {
                return PkceFilter.CLIENT_PARAMETER.equals(name) ? client : null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.emptyEnumeration();
            }
        });
        return filter;
    }

    /** A servlet context whose only attribute is {@code context} as pkce-filter's, or none when it is null. */
    static ServletContext servletContext(PkceContext context) {
        return (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, m, args) -> m.getName().equals("getAttribute")
                        && PkceContext.ATTRIBUTE.equals(args[0]) ? context : null);
    }

    /** A request; set the fields, then call {@link #build()}. */
    static final class Request {
        String method = "GET";
        String scheme = "https";
        String serverName = "app.example";
        int serverPort = 443;
        String contextPath = "/shop";
        String requestURI = "/shop/app/orders";
        String servletPath = "/app";
        String pathInfo = "/orders";
        String queryString;
        /** The request's session, or {@code null}: then {@code getSession(false)} answers {@code null}. */
        HttpSession session;
        /**
         * Instead of {@link #session}: a session that behaves as a container's does ({@code changeSessionId()},
         * {@code invalidate()}); with {@link #createsSession}, {@code getSession(true)} makes a new one when there is
         * none or it was invalidated, and {@link #created} lists those.
         */
        Session fakeSession;
        boolean createsSession;
        final List<Session> created = new ArrayList<>();
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        /** The query's parameters, each with its values. */
        final Map<String, String[]> parameters = new LinkedHashMap<>();
        /** The request's attributes. */
        final Map<String, Object> attributes = new LinkedHashMap<>();
        /** What {@code getServletContext()} answers. */
        ServletContext servletContext;

        Request parameter(String name, String... values) {
            parameters.put(name, values);
            return this;
        }

        Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        HttpServletRequest build() {
            return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getScheme" -> scheme;
                        case "getServerName" -> serverName;
                        case "getServerPort" -> serverPort;
                        case "getContextPath" -> contextPath;
                        case "getRequestURI" -> requestURI;
                        case "getServletPath" -> servletPath;
                        case "getPathInfo" -> pathInfo;
                        case "getQueryString" -> queryString;
                        case "getHeader" -> headers.get((String) args[0]);
                        case "getParameterValues" -> parameters.get((String) args[0]);
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "removeAttribute" -> attributes.remove((String) args[0]);
                        case "getServletContext" -> servletContext;
                        case "getParameter" -> {
                            String[] values = parameters.get((String) args[0]);
                            yield values == null ? null : values[0];
                        }
                        case "changeSessionId" -> {
                            if (fakeSession == null || fakeSession.invalidated) {
                                throw new IllegalStateException("no session");
                            }
                            fakeSession.id = fakeSession.id + "'";
                            yield fakeSession.id;
                        }
                        case "getSession" -> {
                            boolean create = args == null || (Boolean) args[0];
                            if (fakeSession != null || createsSession) {
                                if (fakeSession != null && !fakeSession.invalidated) {
                                    yield fakeSession.session;
                                }
                                if (!create) {
                                    yield null;
                                }
                                if (!createsSession) {
                                    throw new UnsupportedOperationException("creating a session");
                                }
                                fakeSession = new Session("created-" + (created.size() + 1));
                                created.add(fakeSession);
                                yield fakeSession.session;
                            }
                            if (session == null && (args == null || (Boolean) args[0])) {
                                throw new UnsupportedOperationException("creating a session");
                            }
                            yield session;
                        }
                        case "toString" -> "FakeRequest[" + method + " " + requestURI + "]";
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    /**
     * A session as a container keeps it: attributes, id, max inactive interval (the application's 1800 s unless
     * set), and {@code invalidate()}, after which it refuses to be used.
     */
    static final class Session {
        String id;
        int maxInactiveInterval = 1800;
        boolean invalidated;
        final Map<String, Object> attributes = new LinkedHashMap<>();
        final HttpSession session;

        Session(String id) {
            this.id = id;
            session = (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                    new Class<?>[] {HttpSession.class}, (proxy, m, args) -> {
                        if (invalidated && !m.getName().equals("getId") && !m.getName().equals("toString")
                                && !m.getName().equals("hashCode") && !m.getName().equals("equals")) {
                            throw new IllegalStateException(m.getName() + ": the session was invalidated");
                        }
                        return switch (m.getName()) {
                            case "getId" -> this.id;
                            case "getAttribute" -> attributes.get((String) args[0]);
                            case "getAttributeNames" -> Collections.enumeration(List.copyOf(attributes.keySet()));
                            case "setAttribute" -> attributes.put((String) args[0], args[1]);
                            case "removeAttribute" -> attributes.remove((String) args[0]);
                            case "getMaxInactiveInterval" -> maxInactiveInterval;
                            case "setMaxInactiveInterval" -> {
                                maxInactiveInterval = (Integer) args[0];
                                yield null;
                            }
                            case "invalidate" -> {
                                invalidated = true;
                                yield null;
                            }
                            case "toString" -> "FakeSession[" + this.id + "]";
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> throw new UnsupportedOperationException(m.getName());
                        };
                    });
        }
    }

    /** A response that keeps what was written to it. */
    static final class Response {
        int status = 200;
        String contentType;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final HttpServletResponse response;

        Response() {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            response = (HttpServletResponse) Proxy.newProxyInstance(HttpServletResponse.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "setHeader" -> {
                            headers.put((String) args[0], (String) args[1]);
                            yield null;
                        }
                        case "setContentType" -> {
                            contentType = (String) args[0];
                            yield null;
                        }
                        case "getOutputStream" -> out;
                        case "toString" -> "FakeResponse[" + status + "]";
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
