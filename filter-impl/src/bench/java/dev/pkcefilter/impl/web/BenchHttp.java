package dev.pkcefilter.impl.web;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.HttpSession;

/**
 * Servlet stand-ins for the benchmarks: plain fields and direct calls (no reflection proxy, no boxing), so that
 * what JMH measures and counts in bytes per operation is pkce-filter's own work, not the fake's. A method the
 * benchmarks do not expect throws {@link UnsupportedOperationException} (from the wrapped proxy).
 */
final class BenchHttp {

    private BenchHttp() {
    }

    static <T> T unsupported(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            throw new UnsupportedOperationException(type.getSimpleName() + "." + m.getName());
        }));
    }

    /** A request as a container gives it to the filter. */
    static final class Request extends HttpServletRequestWrapper {
        String method = "GET";
        String scheme = "http";
        String serverName = "localhost";
        int serverPort = 8080;
        String contextPath = "/shop";
        String servletPath = "/app";
        String pathInfo = "/orders";
        String requestURI = "/shop/app/orders";
        String queryString;
        Session session;
        /** Whether {@code getSession(true)} makes a new session when there is none. */
        boolean createsSession;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final Map<String, String[]> parameters = new HashMap<>();
        final Map<String, Object> attributes = new HashMap<>();

        Request() {
            super(unsupported(HttpServletRequest.class));
        }

        @Override
        public String getMethod() {
            return method;
        }

        @Override
        public String getScheme() {
            return scheme;
        }

        @Override
        public String getServerName() {
            return serverName;
        }

        @Override
        public int getServerPort() {
            return serverPort;
        }

        @Override
        public String getContextPath() {
            return contextPath;
        }

        @Override
        public String getServletPath() {
            return servletPath;
        }

        @Override
        public String getPathInfo() {
            return pathInfo;
        }

        @Override
        public String getRequestURI() {
            return requestURI;
        }

        @Override
        public String getQueryString() {
            return queryString;
        }

        @Override
        public String getHeader(String name) {
            return headers.get(name);
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        @Override
        public HttpSession getSession(boolean create) {
            if (session == null && create && createsSession) {
                session = new Session("new-session");
            }
            return session;
        }

        @Override
        public HttpSession getSession() {
            return getSession(true);
        }

        @Override
        public String changeSessionId() {
            session.id = session.id + "'";
            return session.id;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }
    }

    /** A response that keeps its status and headers. */
    static final class Response extends HttpServletResponseWrapper {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();

        Response() {
            super(unsupported(HttpServletResponse.class));
        }

        @Override
        public void setStatus(int status) {
            this.status = status;
        }

        @Override
        public void setHeader(String name, String value) {
            headers.put(name, value);
        }

        String location() {
            return headers.get("Location");
        }
    }

    /** A session that holds its attributes in a map. */
    static final class Session implements HttpSession {
        String id;
        int maxInactiveInterval = 1800;
        final Map<String, Object> attributes = new HashMap<>();

        Session(String id) {
            this.id = id;
        }

        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public ServletContext getServletContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setMaxInactiveInterval(int interval) {
            maxInactiveInterval = interval;
        }

        @Override
        public int getMaxInactiveInterval() {
            return maxInactiveInterval;
        }

        @Override
        public Object getAttribute(String name) {
            return attributes.get(name);
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            return Collections.enumeration(attributes.keySet());
        }

        @Override
        public void setAttribute(String name, Object value) {
            attributes.put(name, value);
        }

        @Override
        public void removeAttribute(String name) {
            attributes.remove(name);
        }

        @Override
        public void invalidate() {
            attributes.clear();
        }

        @Override
        public boolean isNew() {
            return false;
        }
    }
}
