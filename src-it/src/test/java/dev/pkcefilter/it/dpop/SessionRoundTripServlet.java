package dev.pkcefilter.it.dpop;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * What a cluster's session replication does to pkce-filter's session attributes, in one node: each is serialized,
 * read back (with the application's class loader) and set again in place of the original, so the requests after it
 * work with the copies alone. Answers {@code {"attributes":N}}, never the contents.
 */
@WebServlet("/public/dpop/session-round-trip")
public class SessionRoundTripServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        Map<String, Object> copies = new LinkedHashMap<>();
        for (String name : session == null ? Collections.<String>emptyList()
                : Collections.list(session.getAttributeNames())) {
            if (name.startsWith("dev.pkcefilter.")) {
                copies.put(name, roundTrip(session.getAttribute(name)));
            }
        }
        copies.forEach(session::setAttribute);
        response.setContentType("application/json");
        response.getWriter().write("{\"attributes\":" + copies.size() + "}");
    }

    private static Object roundTrip(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (ObjectInputStream in = new ApplicationObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()),
                loader)) {
            Object copy = in.readObject();
            if (copy == value) {
                throw new IllegalStateException("not a copy");
            }
            return copy;
        } catch (ClassNotFoundException e) {
            throw new IOException(e);
        }
    }

    /** Resolves classes with the application's class loader, as the servers' session stores do. */
    private static final class ApplicationObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        ApplicationObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
