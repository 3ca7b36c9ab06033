package dev.pkcefilter.it.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.pkcefilter.it.support.BrowserlessClient;

/**
 * A load balancer without sticky sessions, as the browser sees it: one origin (the first node's address), and every
 * request to it sent to the next node in turn. The browser keeps its cookies for that origin, so the session cookie
 * goes to every node, as it would through a real balancer. Requests to other hosts (the authorization server) are
 * not touched.
 *
 * <p>WildFly writes a session just after the response is sent, so {@link #pause} waits before each request that
 * goes to a node, as the time between two clicks would.
 */
final class LoadBalancer implements BrowserlessClient.Route {

    private final List<URI> nodes;
    private final URI origin;
    private final AtomicInteger next = new AtomicInteger();
    private volatile Duration pause;
    private volatile int pinned = -1;
    private volatile boolean rotating = true;

    /**
     * @param nodes each node's base URI, {@code http://127.0.0.1:PORT}
     * @param pause how long to wait before each request to a node
     */
    LoadBalancer(List<URI> nodes, Duration pause) {
        this.nodes = List.copyOf(nodes);
        this.origin = nodes.get(0);
        this.pause = pause;
    }

    /** @return the URL of a path at the balancer's origin */
    String url(String path) {
        return origin + path;
    }

    /** Sends every request to one node from now on, as a balancer does when the other is down. */
    void pin(int node) {
        pinned = node;
    }

    /** Back to the start: requests in turn over both nodes, none pinned. */
    void reset() {
        pinned = -1;
        rotating = true;
    }

    /**
     * Whether requests go to the nodes in turn (a balancer), or each to the node its URL names ({@link #on}), for a
     * test that must choose the node; either way the browser keeps one cookie jar for the origin.
     */
    void rotating(boolean rotating) {
        this.rotating = rotating;
    }

    /** @return the URL of a path on one node, for {@link #rotating rotating(false)} */
    String on(int node, String path) {
        return nodes.get(node) + path;
    }

    void pause(Duration pause) {
        this.pause = pause;
    }

    @Override
    public URI to(URI uri) {
        if (!isNode(uri) || (!rotating && pinned < 0)) {
            return uri;
        }
        if (!pause.isZero()) {
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int node = pinned >= 0 ? pinned : Math.floorMod(next.getAndIncrement(), nodes.size());
        return withAuthority(uri, nodes.get(node));
    }

    @Override
    public URI origin(URI uri) {
        return isNode(uri) ? withAuthority(uri, origin) : uri;
    }

    /** @return which node a URI addresses, or -1 */
    int nodeOf(URI uri) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getRawAuthority().equals(uri.getRawAuthority())) {
                return i;
            }
        }
        return -1;
    }

    private boolean isNode(URI uri) {
        return nodeOf(uri) >= 0;
    }

    private static URI withAuthority(URI uri, URI node) {
        String rest = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return URI.create(node.getScheme() + "://" + node.getRawAuthority() + rest);
    }
}
