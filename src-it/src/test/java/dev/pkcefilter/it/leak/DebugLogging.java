package dev.pkcefilter.it.leak;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Turns pkce-filter's loggers ({@code dev.pkcefilter}) to FINEST while the application is deployed, and lets the
 * server's log handlers pass what they get at that level, so that a test finds pkce-filter's debug lines in the
 * server's log file. Payara Micro's {@code --logtofile} handler stops at INFO otherwise; WildFly's {@code FILE}
 * handler has no level of its own. Every other logger keeps its level, so nothing else gets louder. An operator does
 * the same with {@code set-log-levels dev.pkcefilter=FINE} on Payara, or
 * {@code /subsystem=logging/logger=dev.pkcefilter:add(level=DEBUG)} on WildFly.
 */
@WebListener
public class DebugLogging implements ServletContextListener {

    private Logger logger; // held, so the level is not lost with a collected logger
    private Level before;
    private final Map<Handler, Level> handlersBefore = new LinkedHashMap<>();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        logger = Logger.getLogger("dev.pkcefilter");
        before = logger.getLevel();
        logger.setLevel(Level.FINEST);
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            handlersBefore.put(handler, handler.getLevel());
            handler.setLevel(Level.FINEST);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        handlersBefore.forEach(Handler::setLevel);
        logger.setLevel(before);
    }
}
