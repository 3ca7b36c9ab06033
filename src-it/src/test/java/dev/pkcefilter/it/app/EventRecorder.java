package dev.pkcefilter.it.app;

import java.util.ArrayList;
import java.util.List;

import dev.pkcefilter.event.LoggedOut;
import dev.pkcefilter.event.LoginFailed;
import dev.pkcefilter.event.LoginSucceeded;
import dev.pkcefilter.event.RefreshFailed;
import dev.pkcefilter.event.TokenRefreshed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/** Observes every pkce-filter event the way an application would, and keeps a line per event. */
@ApplicationScoped
public class EventRecorder {

    private final List<String> events = new ArrayList<>();

    void loginSucceeded(@Observes LoginSucceeded event) {
        add("LoginSucceeded " + TokenBean.sha256(event.token().value()));
    }

    void loginFailed(@Observes LoginFailed event) {
        add("LoginFailed " + event.status() + " " + event.error().orElse("-"));
    }

    void tokenRefreshed(@Observes TokenRefreshed event) {
        add("TokenRefreshed " + TokenBean.sha256(event.token().value()));
    }

    void refreshFailed(@Observes RefreshFailed event) {
        add("RefreshFailed refused=" + event.refused());
    }

    void loggedOut(@Observes LoggedOut event) {
        add("LoggedOut");
    }

    private synchronized void add(String line) {
        events.add(line);
    }

    /** @return the events since the last call, and forgets them */
    public synchronized List<String> drain() {
        List<String> drained = List.copyOf(events);
        events.clear();
        return drained;
    }
}
