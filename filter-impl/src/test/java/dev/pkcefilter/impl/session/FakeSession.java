package dev.pkcefilter.impl.session;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpSession;

/**
 * A thread-safe {@link HttpSession} stand-in that only knows attributes and its id, and records every
 * {@code setAttribute}. Reads yield the processor, so that unsynchronized read-modify-write races show.
 */
final class FakeSession {

    final Map<String, Object> attributes = new ConcurrentHashMap<>();
    final List<String> writes = new CopyOnWriteArrayList<>();
    final HttpSession session;
    /** The max inactive interval, the application's 1800 s unless set. */
    volatile int maxInactiveInterval = 1800;

    FakeSession(String id) {
        session = (HttpSession) Proxy.newProxyInstance(HttpSession.class.getClassLoader(),
                new Class<?>[] {HttpSession.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getId" -> id;
                    case "getAttribute" -> {
                        Thread.yield();
                        yield attributes.get((String) args[0]);
                    }
                    case "setAttribute" -> {
                        writes.add((String) args[0]);
                        attributes.put((String) args[0], args[1]);
                        yield null;
                    }
                    case "removeAttribute" -> {
                        writes.add((String) args[0]);
                        attributes.remove((String) args[0]);
                        yield null;
                    }
                    case "getMaxInactiveInterval" -> maxInactiveInterval;
                    case "setMaxInactiveInterval" -> {
                        maxInactiveInterval = (Integer) args[0];
                        yield null;
                    }
                    case "toString" -> "FakeSession[" + id + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
