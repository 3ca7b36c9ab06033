package dev.pkcefilter.impl.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what one class logs (its {@code System.Logger}, which is java.util.logging in the tests) while it is
 * open: {@code try (LogCapture log = LogCapture.of(Discovery.class)) { ... log.messages(Level.WARNING) ... }}.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Class<?> type) {
        logger = Logger.getLogger(type.getName());
        logger.addHandler(handler);
    }

    /** @return a capture of what {@code type} logs, until it is closed */
    public static LogCapture of(Class<?> type) {
        return new LogCapture(type);
    }

    /** @return the messages logged at exactly {@code level}, in order */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).toList();
    }

    /** @return every line logged, as {@code LEVEL message}, in order */
    public List<String> lines() {
        return records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
