package io.stagepass.acceptance.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what one logger (and those below it) says at a level or above, while open: a test that must see no ERROR
 * from a library, whatever the test's log configuration prints.
 */
public final class LoggedProblems implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final String loggerName;
    private final AbstractAppender appender;

    public LoggedProblems(String loggerName, Level atLeast) {
        this.loggerName = loggerName;
        this.appender = new AbstractAppender("problems-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(atLeast)) {
                    lines.add(event.getLevel() + " " + event.getLoggerName() + " - "
                            + event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig logger = new LoggerConfig(loggerName, Level.ALL, true);
        logger.addAppender(appender, Level.ALL, null);
        config.addLogger(loggerName, logger);
        context.updateLoggers();
    }

    /** What was logged at the level or above so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.removeLogger(loggerName);
        context.updateLoggers();
        appender.stop();
    }
}
