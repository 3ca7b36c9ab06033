package dev.pkcefilter.impl.web;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
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
                return null;
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.emptyEnumeration();
            }
        });
        return filter;
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
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

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
                        case "getSession" -> {
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
