package dev.pkcefilter.it.several;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.pkcefilter.event.LoggedOut;
import dev.pkcefilter.event.LoginFailed;
import dev.pkcefilter.event.LoginSucceeded;
import dev.pkcefilter.event.RefreshFailed;
import dev.pkcefilter.event.TokenRefreshed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every pkce-filter event with the client it names, a line each ({@code TokenRefreshed loom}, {@code LoginSucceeded
 * default}), at {@code /public/client-events}: each GET answers the events since the last one, and forgets them.
 */
@WebServlet("/public/client-events")
public class ClientEvents extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    Recorder recorder;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(String.join("\n", recorder.drain()));
    }

    /** Observes the events as an application would. */
    @ApplicationScoped
    public static class Recorder {

        private final List<String> events = new ArrayList<>();

        void loginSucceeded(@Observes LoginSucceeded event) {
            add("LoginSucceeded", event.client());
        }

        void loginFailed(@Observes LoginFailed event) {
            add("LoginFailed", event.client());
        }

        void tokenRefreshed(@Observes TokenRefreshed event) {
            add("TokenRefreshed", event.client());
        }

        void refreshFailed(@Observes RefreshFailed event) {
            add("RefreshFailed", event.client());
        }

        void loggedOut(@Observes LoggedOut event) {
            add("LoggedOut", event.client());
        }

        private synchronized void add(String event, Optional<String> client) {
            events.add(event + " " + client.orElse("default"));
        }

        synchronized List<String> drain() {
            List<String> drained = List.copyOf(events);
            events.clear();
            return drained;
        }
    }
}
