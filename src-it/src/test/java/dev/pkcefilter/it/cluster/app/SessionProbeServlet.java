package dev.pkcefilter.it.cluster.app;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * What a node sees of the session, for the cluster tests (an unprotected path): {@code ?set=V} stores a String
 * attribute (creating the session), no parameter reads it, and {@code ?watch=MS} reads it at the start of the
 * request and again every 20 ms for up to MS milliseconds, to find out whether a request sees a write another node
 * makes while it runs; {@code ?watch=MS&tag=T} also tells {@code ?watching} (a request of any client, on the same
 * node) that the watch with tag T has read its first value. Answers {@code none} without a session or attribute.
 */
@WebServlet("/public/probe")
public class SessionProbeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String ATTRIBUTE = "it.probe";
    private static final String WATCHING = "it.probe.watching";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.setHeader("Cache-Control", "no-store");
        if (request.getParameter("watching") != null) {
            Object tag = getServletContext().getAttribute(WATCHING);
            response.getWriter().write(tag == null ? "none" : tag.toString());
            return;
        }
        String set = request.getParameter("set");
        if (set != null) {
            request.getSession().setAttribute(ATTRIBUTE, set);
            response.getWriter().write(set);
            return;
        }
        HttpSession session = request.getSession(false);
        String first = read(session);
        String watch = request.getParameter("watch");
        if (watch == null) {
            response.getWriter().write(first);
            return;
        }
        String tag = request.getParameter("tag");
        if (tag != null) {
            getServletContext().setAttribute(WATCHING, tag);
        }
        long end = System.nanoTime() + Long.parseLong(watch) * 1_000_000;
        String last = first;
        while (last.equals(first) && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            last = read(session);
        }
        response.getWriter().write(first + " " + last);
    }

    private static String read(HttpSession session) {
        Object value = session == null ? null : session.getAttribute(ATTRIBUTE);
        return value == null ? "none" : value.toString();
    }
}
